import Foundation
import Testing
@testable import FolioContent

/// The full-text index is merged while writes are quiet, not inside writes: every write adds a
/// segment (automerge off, crisis merges only at 64 segments a level), and the merger's thread
/// merges them once no write has come for a second.
@Suite struct SearchIndexMergerTests {
    func structure(_ store: SQLiteStore) throws -> IndexStructure? {
        try store.withConnection { db in
            var record: [UInt8] = []
            try db.prepare("SELECT block FROM article_search_data WHERE id = 10").query { record = $0.bytes(0) }
            return IndexStructure(record: record)
        }
    }

    @Test func writesAddSegmentsAndTheIdleMergerMergesThem() throws {
        let dir = TempFolder()
        let store = try SQLiteStore(path: dir.file("m.sqlite"))
        _ = try store.transaction { w in try w.upsertAuthor(Author(slug: "a", name: "A")) }
        let writer = try ContentWriter(store: store, snapshots: SnapshotHolder(ContentSnapshot(try store.loadContent(), generation: 1)),
                                       bodies: nil)
        for i in 0..<24 {
            let record = try makeArticle("m-\(i)", authors: ["a"], body: "merging words number \(i) and quietly more")
            _ = try writer.write(actor: "test") { w in try w.upsertArticle(record) }
        }
        let before = try #require(try structure(store))
        #expect(before.segmentCount >= 24, "each write kept its own segment: \(before.levels)")
        #expect(before.needsMerge(atLeast: SearchIndexMerger.userMerge))

        // A second after the last write, the merger's thread merges them, step by step.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try structure(store)?.needsMerge(atLeast: SearchIndexMerger.userMerge) ?? true {
            writer.merger.nudge()
            Thread.sleep(forTimeInterval: 0.1)
        }
        let after = try #require(try structure(store))
        #expect(!after.needsMerge(atLeast: SearchIndexMerger.userMerge), "not merged: \(after.levels)")
        #expect(after.segmentCount < before.segmentCount)
        #expect(writer.merger.steps.load(ordering: .relaxed) > 0)
        // The merged index finds every article.
        let search = try SearchIndex(path: store.path, connections: 1)
        #expect(try search.search(SearchQuery.parse("merging"), limit: 100, budget: .unlimited).count == 24)
        #expect(try search.search(SearchQuery.parse("number 7"), limit: 100, budget: .unlimited).count >= 1)
    }

    @Test func theMergerWaitsWhileWritesKeepComing() throws {
        let dir = TempFolder()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        _ = try store.transaction { w in try w.upsertAuthor(Author(slug: "a", name: "A")) }
        let writer = try ContentWriter(store: store, snapshots: SnapshotHolder(ContentSnapshot(try store.loadContent(), generation: 1)),
                                       bodies: nil)
        // Writes every 0.2 s for 2.5 s: never a quiet second, so no merge step runs.
        for i in 0..<13 {
            let record = try makeArticle("w-\(i)", authors: ["a"], body: "busy words \(i)")
            _ = try writer.write(actor: "test") { w in try w.upsertArticle(record) }
            writer.merger.nudge()
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(writer.merger.steps.load(ordering: .relaxed) == 0)
    }

    @Test func decodesTheStructureRecord() {
        // cookie, 2 levels, 3 segments, write counter 5; level 0: no merge, 2 segments (ids 1 and
        // 2, pages 1–1 and 2–4); level 1: merging 1, 1 segment (id 3, pages 5–304: two-byte varint).
        let record: [UInt8] = [0, 0, 0, 1, 2, 3, 5, 0, 2, 1, 1, 1, 2, 2, 4, 1, 1, 3, 5, 0x82, 0x30]
        let s = IndexStructure(record: record)
        #expect(s == IndexStructure(levels: [.init(merging: 0, segmentPages: [1, 3]), .init(merging: 1, segmentPages: [300])]))
        #expect(s?.needsMerge(atLeast: 16) == true, "a merge under way")
        #expect(IndexStructure(record: [0, 0, 0, 1, 2]) == nil, "truncated")
    }
}
