import Foundation
import Synchronization

/// Checkpoints a serving store's write-ahead log on a thread and connection of its own, so that
/// no write waits for one. SQLite's automatic checkpoint runs inside the COMMIT that crosses
/// 1,000 WAL pages, copying them into the database and fsyncing it: at 100,000 articles with 64
/// readers running, one write in a few hundred took 110–120 ms that way. The writer's connection
/// has `wal_autocheckpoint = 0`; after each write batch the writer calls `committed()`, and this
/// thread runs a PASSIVE checkpoint, which copies what no reader still needs and never blocks
/// the writer. It runs at most every `interval` seconds, so a burst of writes costs one.
final class WALCheckpointer: Sendable {
    private let db: Mutex<SQLiteConnection>
    private let wake = DispatchSemaphore(value: 0)
    private let signalled = Atomic<Bool>(false)

    /// Opens its own connection to `path` (read-write) and starts the thread.
    init(path: String, interval: Double = 0.1, onError: @escaping @Sendable (any Error) -> Void) throws {
        db = Mutex(try SQLiteConnection(path: path, mode: .readWrite))
        let thread = Thread { [self] in
            while true {
                wake.wait()
                signalled.store(false, ordering: .releasing)
                do { try checkpoint() } catch { onError(error) }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "folio-wal-checkpoint"
        thread.start()
    }

    /// After a commit: wakes the thread (once, however many commits arrive meanwhile).
    func committed() {
        if !signalled.exchange(true, ordering: .acquiringAndReleasing) { wake.signal() }
    }

    /// Copies the WAL's committed pages into the database as far as readers allow.
    func checkpoint() throws {
        try db.withLock { db in try db.execute("PRAGMA wal_checkpoint(PASSIVE)") }
    }
}
