import Foundation
import Testing
@testable import FolioContent

/// The serving writer never checkpoints inside a commit; the checkpointer's thread copies the WAL
/// into the database once it is over its threshold, and not before.
@Suite struct WALCheckpointerTests {
    func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test func checkpointsOffTheWriterOnceOverTheThreshold() throws {
        let dir = TempFolder()
        let path = dir.file("c.sqlite")
        let store = try SQLiteStore(path: path)
        let writer = try ContentWriter(store: store, snapshots: SnapshotHolder(ContentSnapshot(try store.loadContent(), generation: 1)),
                                       bodies: nil)
        #expect(try store.withConnection { try $0.scalarInt("PRAGMA wal_autocheckpoint") } == 0)
        _ = writer
        let checkpointer = try WALCheckpointer(path: path, thresholdBytes: 512 << 10) { _ in }
        _ = try store.transaction { w in try w.upsertAuthor(Author(slug: "a", name: "A")) }
        let before = size(path)
        // About 2 MB of articles in the WAL: far over 1,000 pages, and nothing copied by the commits.
        for batch in 0..<4 {
            try store.transaction { w in
                for i in 0..<25 {
                    _ = try w.upsertArticle(try makeArticle("a-\(batch)-\(i)", authors: ["a"], body: String(repeating: "words and more words ", count: 1_000)))
                }
            }
        }
        #expect(size(path) == before, "a commit checkpointed")
        #expect(size(path + "-wal") > 512 << 10)
        checkpointer.committed()
        let deadline = Date().addingTimeInterval(10)
        while size(path) < 1 << 20, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(size(path) >= 1 << 20, "the checkpointer did not copy the WAL into the database")
    }
}
