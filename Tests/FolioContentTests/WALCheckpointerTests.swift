import Foundation
import Testing
@testable import FolioContent

/// The serving writer never checkpoints inside a commit, nor merges the full-text index there
/// beyond FTS5's crisis merges; the checkpointer's thread copies the WAL after commits.
@Suite struct WALCheckpointerTests {
    func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test func checkpointsOffTheWriter() throws {
        let dir = TempFolder()
        let path = dir.file("c.sqlite")
        let store = try SQLiteStore(path: path)
        let writer = try ContentWriter(store: store, snapshots: SnapshotHolder(ContentSnapshot(try store.loadContent(), generation: 1)),
                                       bodies: nil)
        #expect(try store.withConnection { try $0.scalarInt("PRAGMA wal_autocheckpoint") } == 0)
        #expect(try store.withConnection { try $0.scalarInt("SELECT v FROM article_search_config WHERE k = 'automerge'") } == 0)
        _ = try store.transaction { w in try w.upsertAuthor(Author(slug: "a", name: "A")) }
        let before = size(path)
        // About 2 MB of articles in the WAL (far over 1,000 pages), in many transactions (each an
        // index segment); nothing copied into the database by the commits.
        for batch in 0..<40 {
            try store.transaction { w in
                for i in 0..<3 {
                    _ = try w.upsertArticle(try makeArticle("a-\(batch)-\(i)", authors: ["a"],
                                                            body: String(repeating: "words and more words ", count: 1_000)))
                }
            }
        }
        #expect(size(path) == before, "a commit checkpointed")
        #expect(size(path + "-wal") > 1 << 20)

        let checkpointer = try WALCheckpointer(path: path, interval: 0.01, pauseWrites: { try $0() }) { Issue.record($0) }
        checkpointer.committed()
        let deadline = Date().addingTimeInterval(10)
        while size(path) < 1 << 20, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(size(path) >= 1 << 20, "the checkpointer did not copy the WAL into the database")
        // 40 segments in the index: crisis merges kept it whole.
        let search = try SearchIndex(path: path, connections: 1)
        #expect(try search.search(SearchQuery.parse("words"), limit: 200, budget: .unlimited).count == 120)
        _ = writer
    }

    /// Under writes that never stop, the log is rewound once it passes its limit: a PASSIVE
    /// checkpoint alone leaves the frames written while it ran, so SQLite never starts the log
    /// over and the file grows with every write (934 MB after 18,000 benchmark writes).
    @Test func theLogIsRewoundUnderSustainedWrites() throws {
        let dir = TempFolder()
        let path = dir.file("r.sqlite")
        let store = try SQLiteStore(path: path)
        _ = try store.transaction { w in try w.upsertAuthor(Author(slug: "a", name: "A")) }
        // 128 frames (512 KiB) before a rewind; the log is cut back to 1 MiB when it rewinds.
        let writer = try ContentWriter(store: store, snapshots: SnapshotHolder(ContentSnapshot(try store.loadContent(), generation: 1)),
                                       bodies: nil, walRewindFrames: 128)
        let body = String(repeating: "words and more words ", count: 400)
        // Four threads writing at once (group commit), 400 articles of ~8 KB: about 4,000 frames
        // (16 MB) if the log were never rewound.
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in 0..<100 {
                do {
                    let record = try makeArticle("w-\(t)-\(i)", authors: ["a"], body: body)
                    _ = try writer.write(actor: "test") { w in try w.upsertArticle(record) }
                } catch {
                    Issue.record(error)
                    return
                }
            }
        }
        #expect(writer.snapshots.current().allArticleRefs().count == 400)
        // Without the rewind the log holds every write: 44 MB. With it, a few rewind periods'
        // worth (4.3–4.5 MB when the full suite runs beside it and the checkpointer's thread waits
        // its turn); 16 MiB leaves room for a slow machine and still tells the two apart.
        let wal = size(path + "-wal")
        #expect(wal <= 16 << 20, "the write-ahead log grew to \(wal) bytes")
    }
}
