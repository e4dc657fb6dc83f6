import Testing
@testable import FolioContent

/// `ContentSnapshot.applying` (a write adjusts a copy of the indexes) must give exactly what a
/// full rebuild from the same content gives, whatever the sequence of creates, updates
/// (moving in the order, changing authors and tags, renaming) and deletes.
@Suite struct SnapshotApplyTests {
    static func article(_ id: Int64, _ rng: inout SplitMix64, authors: [String], tags: [String]) -> Article {
        // Few distinct times, so ties (ordered by id) are common.
        let t = Timestamp(epochSeconds: 1_700_000_000 + Int64.random(in: 0..<40, using: &rng) * 3600)
        return Article(id: id, slug: "a-\(id)-\(UInt16.random(in: 0...9, using: &rng))", title: "T\(id)", excerpt: "", publishedAt: t,
                       updatedAt: Timestamp(epochSeconds: t.epochSeconds + Int64.random(in: 0..<100, using: &rng)), language: "en",
                       canonicalURL: nil, readingTimeMinutes: 1, wordCount: 1,
                       authors: Array(authors.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng))),
                       tags: Array(tags.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng))))
    }

    static func same(_ a: ContentSnapshot, _ b: ContentSnapshot) {
        #expect(a.articles.map(\.id) == b.articles.map(\.id))
        #expect(Array(a.articles) == Array(b.articles))
        for x in b.articles {
            #expect(a.article(slug: x.slug)?.id == x.id)
            // Refs differ once chunks split or empty; they must find the same article.
            #expect(a.ref(ofArticleID: x.id).map { a.article(at: $0).id } == x.id)
        }
        func ids(_ s: ContentSnapshot, _ refs: [ArticleRef]) -> [Int64] { refs.map { s.article(at: $0).id } }
        for author in b.authors {
            let refs = a.articleRefs(author: author.slug)
            #expect(refs == refs.sorted(), "\(author.slug)")
            #expect(ids(a, refs) == ids(b, b.articleRefs(author: author.slug)), "\(author.slug)")
        }
        for tag in b.tags {
            let refs = a.articleRefs(tag: tag.slug)
            #expect(refs == refs.sorted(), "\(tag.slug)")
            #expect(ids(a, refs) == ids(b, b.articleRefs(tag: tag.slug)), "\(tag.slug)")
        }
        #expect(ids(a, a.allArticleRefs()) == b.articles.map(\.id))
        #expect(a.allArticleRefs().map { a.articles.index(of: $0) } == Array(0..<a.articles.count))
        #expect(a.authors.map(\.slug) == b.authors.map(\.slug))
        #expect(a.tags.map(\.slug) == b.tags.map(\.slug))
        #expect(a.newestUpdate == b.newestUpdate)
        #expect(a.publishedBounds == b.publishedBounds)
    }

    /// Chunks of 4 articles split and empty often; 128 is the size the server uses. Ids from
    /// 4,050 cross a page of the id index; from 4,194,250 they leave its arrays for its dictionary.
    /// Base 3: after three splits no chunk number is left below the first chunk's, and chunks
    /// split the other way (`ArticleList.Split.back`).
    @Test(arguments: [(1, 4, 1, ArticleList.defaultBase), (2, 4, 1, ArticleList.defaultBase), (3, 4, 1, ArticleList.defaultBase),
                      (4, 128, 1, ArticleList.defaultBase), (5, 1, 1, ArticleList.defaultBase),
                      (6, 4, 4_050, ArticleList.defaultBase), (7, 4, 4_194_250, ArticleList.defaultBase),
                      (8, 4, 1, 3), (9, 1, 1, 0)] as [(UInt64, Int, Int64, Int)])
    func applyingEqualsRebuilding(seed: UInt64, chunkSize: Int, firstID: Int64, base: Int) {
        var rng = SplitMix64(seed: seed)
        var authorSlugs = ["ann", "bob", "cy"]
        var tagSlugs = ["x", "y", "z", "w"]
        var content: [Int64: Article] = [:]
        var nextID = firstID
        for _ in 0..<60 {
            content[nextID] = Self.article(nextID, &rng, authors: authorSlugs, tags: tagSlugs)
            nextID += 1
        }
        func data() -> ContentData {
            ContentData(site: nil, articles: Array(content.values), authors: authorSlugs.map { Author(slug: $0, name: $0.uppercased()) },
                        tags: tagSlugs.map { Tag(slug: $0, name: $0) }, redirects: [:])
        }
        var snapshot = ContentSnapshot(data(), generation: 1, chunkSize: chunkSize, base: base)
        for step in 0..<300 {
            var changed: [Article] = []
            var deleted = Set<Int64>()
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4:  // create
                    let a = Self.article(nextID, &rng, authors: authorSlugs, tags: tagSlugs)
                    nextID += 1
                    content[a.id] = a
                    changed.append(a)
                case 4..<8:  // update in place, move, rename
                    guard let id = content.keys.randomElement(using: &rng) else { continue }
                    var a = Self.article(id, &rng, authors: authorSlugs, tags: tagSlugs)
                    a.revision = (content[id]?.revision ?? 1) + 1
                    content[id] = a
                    changed.removeAll { $0.id == id }
                    changed.append(a)
                    deleted.remove(id)
                default:  // delete
                    guard let id = content.keys.randomElement(using: &rng) else { continue }
                    content[id] = nil
                    changed.removeAll { $0.id == id }
                    deleted.insert(id)
                }
            }
            var catalogChanged = false
            if step % 50 == 25 { tagSlugs.append("t\(step)"); catalogChanged = true }  // a new tag: the tag lists are rebuilt
            if step % 70 == 35 { authorSlugs.append("au\(step)"); catalogChanged = true }
            // Without catalog changes the writer passes none (the snapshot keeps its own), half the time here.
            let catalog: ContentData? = !catalogChanged && step % 2 == 0 ? nil : data()
            snapshot = snapshot.applying(changed: changed, deleted: deleted, catalog: catalog, generation: UInt64(step + 2))
            if step % 10 == 0 || step == 299 { Self.same(snapshot, ContentSnapshot(data(), generation: 0)) }
        }
        #expect(snapshot.generation == 301)
    }
}
