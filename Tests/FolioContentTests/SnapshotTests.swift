import Dispatch
import Synchronization
import Testing
@testable import FolioContent

@Suite struct SnapshotTests {
    func article(_ id: Int64, _ published: Int64, authors: [String], tags: [String] = []) -> Article {
        Article(id: id, slug: "a\(id)", title: "A\(id)", excerpt: "", publishedAt: Timestamp(epochSeconds: published),
                updatedAt: Timestamp(epochSeconds: published + id), language: "en", canonicalURL: nil,
                readingTimeMinutes: 1, wordCount: 1, authors: authors, tags: tags)
    }

    func data(_ articles: [Article]) -> ContentData {
        ContentData(site: nil, articles: articles,
                    authors: [Author(slug: "x", name: "Xavier"), Author(slug: "y", name: "ann"), Author(slug: "z", name: "Zoe")],
                    tags: [Tag(slug: "t1", name: "Beta"), Tag(slug: "t2", name: "alpha"), Tag(slug: "t3", name: "Gamma")],
                    redirects: ["old": 2])
    }

    @Test func ordersAndIndexes() throws {
        let snap = ContentSnapshot(data([
            article(1, 100, authors: ["x"], tags: ["t1"]), article(2, 300, authors: ["x", "y"]),
            article(3, 300, authors: ["y"], tags: ["t1", "t2"]), article(4, 50, authors: ["z"]),
        ]), generation: 7)
        #expect(snap.generation == 7)
        #expect(snap.articles.map(\.id) == [3, 2, 1, 4])  // published desc, then id desc
        #expect(snap.authors.map(\.slug) == ["y", "x", "z"])  // by name, case-insensitive
        #expect(snap.tags.map(\.slug) == ["t2", "t1", "t3"])
        #expect(snap.articleRefs(author: "x").map { snap.article(at: $0).id } == [2, 1])
        #expect(snap.articleRefs(tag: "t1").map { snap.article(at: $0).id } == [3, 1])
        #expect(snap.articleCount(author: "y") == 2)
        #expect(snap.articleCount(tag: "t3") == 0)
        #expect(snap.articleCount(author: "nobody") == 0)
        #expect(snap.ref(ofArticleID: 4).map { snap.articles.index(of: $0) } == 3)
        #expect(snap.redirectTarget(forOldSlug: "old") == "a2")
        #expect(snap.redirectTarget(forOldSlug: "a1") == nil)
        #expect(snap.newestUpdate?.epochSeconds == 303)
        #expect(snap.positions(publishedSince: Timestamp(epochSeconds: 100), until: Timestamp(epochSeconds: 300)) == 0..<3)
        #expect(snap.positions(publishedSince: Timestamp(epochSeconds: 101), until: nil) == 0..<2)
        #expect(snap.positions(publishedSince: nil, until: Timestamp(epochSeconds: 99)) == 3..<4)
        #expect(ContentSnapshot.empty().articles.isEmpty)
    }

    @Test func relatedRanksAuthorsThenTagsThenRecencyAndExcludesSelf() throws {
        let me = article(10, 1000, authors: ["x", "y"], tags: ["t1", "t2"])
        let snap = ContentSnapshot(data([
            me,
            article(1, 10, authors: ["x", "y"]),  // 2 shared authors, old
            article(2, 900, authors: ["x"], tags: ["t1", "t2"]),  // 1 author, 2 tags
            article(3, 950, authors: ["y"]),  // 1 author, 0 tags, newer
            article(4, 800, authors: ["x"], tags: ["t1"]),  // 1 author, 1 tag
            article(5, 999, authors: ["z"], tags: ["t1", "t2"]),  // tags only, 2
            article(6, 998, authors: ["z"], tags: ["t2"]),  // tags only, 1
            article(7, 997, authors: ["z"], tags: ["t3"]),  // unrelated
        ]), generation: 1)
        let related = snap.related(to: me, limit: 10).map(\.id)
        #expect(related == [1, 2, 4, 3, 5, 6])
        #expect(snap.related(to: me, limit: 2).map(\.id) == [1, 2])
        #expect(snap.related(to: me, limit: 0).isEmpty)
    }

    /// Keeping the best few as they come ranks exactly as sorting every candidate did, ties
    /// (equal scores, broken by recency) and repeated authors or tags included.
    @Test(arguments: [1, 3, 5, 12]) func relatedMatchesASortOfAllCandidates(limit: Int) {
        var rng = SplitMix64(seed: UInt64(limit))
        let authors = ["x", "y", "z"], tags = ["t1", "t2", "t3"]
        var articles: [Article] = []
        for id in 1...400 {
            let a = (0..<Int(rng.next() % 3 + 1)).map { _ in authors[Int(rng.next() % 3)] }
            let t = (0..<Int(rng.next() % 4)).map { _ in tags[Int(rng.next() % 3)] }
            articles.append(article(Int64(id), Int64(rng.next() % 50), authors: a, tags: t))  // many equal dates
        }
        let snap = ContentSnapshot(data(articles), generation: 1)
        let window = ContentSnapshot.relatedWindow(limit: limit)
        for me in articles.prefix(80) {
            let myRef = snap.ref(ofArticleID: me.id)
            var scores: [ArticleRef: UInt32] = [:]
            for slug in Set(me.authors) { for p in snap.articleRefs(author: slug).prefix(window) where p != myRef { scores[p, default: 0] += 1 << 16 } }
            for slug in Set(me.tags) { for p in snap.articleRefs(tag: slug).prefix(window) where p != myRef { scores[p, default: 0] += 1 } }
            let expected = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit).map { snap.article(at: $0.key).id }
            #expect(snap.related(to: me, limit: limit).map(\.id) == expected, "article \(me.id)")
        }
    }

    @Test func relatedLooksOnlyAtTheWindow() {
        // 100 articles by x; the related feed of the newest considers at most the window.
        let articles = (1...100).map { article(Int64($0), Int64($0), authors: ["x"]) }
        let snap = ContentSnapshot(data(articles), generation: 1)
        let r = snap.related(to: snap.articles[0], limit: 5)
        #expect(r.map(\.id) == [99, 98, 97, 96, 95])
    }

    /// Four readers check every snapshot they get while one thread swaps 300 times.
    ///
    /// Under `swift test --sanitize=thread` this test passes but TSan prints
    /// "data race" warnings, all on accesses made inside `Mutex.withLock`.
    /// They are false positives: `Synchronization.Mutex` on Linux hands the
    /// lock over through a priority-inheritance futex in its (uninstrumented)
    /// slow path, which TSan cannot see; a 10-line program that only uses
    /// `Mutex<Box>.withLock` from 6 threads gets the same report.
    @Test func swapUnderConcurrentReaders() {
        let holder = SnapshotHolder(ContentSnapshot(data([]), generation: 1))
        let failures = Atomic<Int>(0)
        let swaps = 300
        DispatchQueue.concurrentPerform(iterations: 5) { worker in
            if worker == 0 {
                for g in 2...UInt64(swaps + 1) {
                    let n = Int(g % 7)
                    let arts = (0..<n).map { article(Int64($0 + 1), Int64($0), authors: ["x"], tags: ["t1"]) }
                    holder.replace(with: ContentSnapshot(data(arts), generation: g))
                }
            } else {
                var last: UInt64 = 0
                for _ in 0..<20_000 {
                    let cheap = holder.generation
                    let snap = holder.current()
                    // Generations never go backwards, and each snapshot is internally consistent.
                    if snap.generation < last || cheap == 0 { failures.add(1, ordering: .relaxed) }
                    if snap.articles.count != Int(snap.generation % 7) && snap.generation > 1 { failures.add(1, ordering: .relaxed) }
                    if snap.articleCount(author: "x") != snap.articles.count { failures.add(1, ordering: .relaxed) }
                    if let first = snap.articles.first, snap.article(slug: first.slug)?.id != first.id {
                        failures.add(1, ordering: .relaxed)
                    }
                    last = snap.generation
                }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(holder.generation == UInt64(swaps + 1))
        #expect(holder.current().generation == UInt64(swaps + 1))
        #expect(!holder.replace(with: ContentSnapshot(data([]), generation: 3)))  // older: refused
    }

    @Test func reloadFromStoreBumpsGeneration() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        try SampleContent.loadIfEmpty(store: store, from: sampleFolder)
        let holder = SnapshotHolder(.empty())
        let s1 = try holder.reload(from: store)
        #expect(s1.generation == 1)
        #expect(s1.site.name == "Center of Analysis of International Relations")
        try store.deleteArticle(slug: "another-step-towards-normalization-between-azerbaijan-and-armenia")
        let s2 = try holder.reload(from: store)
        #expect(s2.generation == 2)
        #expect(s2.articles.count == 3)
        #expect(holder.current() === s2)
        let main = try #require(s2.article(slug: "illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community"))
        #expect(s2.related(to: main, limit: 5).count == 2)
    }
}
