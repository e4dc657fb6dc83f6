import Testing
@testable import FolioContent

/// `ArticleList` behaves as the array it stands for through inserts and removes that split,
/// empty and refill chunks.
@Suite struct ArticleListTests {
    static func article(_ id: Int64) -> Article {
        Article(id: id, slug: "a\(id)", title: "", excerpt: "", publishedAt: Timestamp(epochSeconds: id), updatedAt: Timestamp(epochSeconds: id),
                language: "en", canonicalURL: nil, readingTimeMinutes: 1, wordCount: 1, authors: [], tags: [])
    }

    /// Base 5: after five splits that put a chunk before the one that split, the rest put one after.
    @Test(arguments: [ArticleList.defaultBase, 5])
    func matchesAnArrayThroughEdits(base: Int) {
        var reference = (0..<3_000).map { Self.article(Int64($0)) }
        var list = ArticleList(reference, chunkSize: 64, base: base)
        var rng = SystemRandomNumberGenerator()
        var next: Int64 = 10_000
        for step in 0..<6_000 {
            // Bias to one region so a chunk grows past two chunk sizes and splits, then shrinks.
            let region = step < 3_000 ? 0...min(50, reference.count) : 0...reference.count
            if (step < 3_000 ? step % 3 != 0 : step % 3 == 2) || reference.isEmpty {
                let i = Int.random(in: region, using: &rng)
                reference.insert(Self.article(next), at: i)
                let inserted = list.insert(Self.article(next), at: i)
                #expect(list.index(of: inserted.ref) == i)
                next += 1
            } else {
                let i = Int.random(in: 0..<reference.count, using: &rng)
                #expect(list.remove(at: list.ref(at: i)).id == reference.remove(at: i).id)
            }
            if step % 500 == 0 {
                #expect(list.count == reference.count)
                #expect(list.map(\.id) == reference.map(\.id))
                let refs = list.allRefs()
                #expect(refs == refs.sorted())
                #expect(refs.map { list[$0].id } == reference.map(\.id))
                #expect(refs.map { list.index(of: $0) } == Array(0..<reference.count))
                #expect(list.ref(at: list.count) > (refs.last ?? ArticleRef(raw: 0)) || list.isEmpty)
            }
        }
        var emptied = ArticleList([Self.article(1)])
        emptied.remove(at: emptied.ref(at: 0))
        #expect(emptied.isEmpty)
        _ = emptied.insert(Self.article(2), at: 0)
        #expect(emptied.map(\.id) == [2])
        #expect(ArticleList([]).isEmpty)
    }
}
