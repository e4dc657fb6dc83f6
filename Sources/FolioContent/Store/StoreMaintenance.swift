import Foundation
import Synchronization

/// The housekeeping a serving store needs after writes, done on a thread of its own so that no
/// write waits for it. Measured at 100,000 articles with 64 readers running, each of these took
/// 70–180 ms inside one write in a few hundred when SQLite did it there:
///
/// - **WAL checkpoints.** SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000
///   WAL pages, copying them into the database and fsyncing it. The writer's connection has
///   `wal_autocheckpoint = 0`; this thread runs PASSIVE checkpoints on a connection of its own,
///   which copy what no reader still needs and never block the writer.
/// - **Full-text index merges.** FTS5 merges its segments inside the inserting transaction
///   (`automerge`); with 176,000 segment pages a merge step could take 100 ms and more. The
///   index has `automerge = 0`; this thread runs `merge` steps of `mergePages` pages, each in a
///   transaction of its own taken between write batches (`mergeStep`, which the writer
///   serialises with its batches). FTS5's `crisismerge` (16 segments on a level) still merges
///   inside a write if this thread falls behind, so the index never degrades unbounded.
///
/// Woken by `committed()` after each write batch; runs at most every `interval` seconds, so a
/// burst of writes costs one round.
final class StoreMaintenance: Sendable {
    private let db: Mutex<SQLiteConnection>
    private let wake = DispatchSemaphore(value: 0)
    private let signalled = Atomic<Bool>(false)
    /// Pages written per full-text merge step (FTS5 'merge' command).
    static let mergePages = 64

    /// Opens its own connection to `path` (read-write) for checkpoints and starts the thread.
    /// `mergeStep` runs one merge step through the writer.
    init(path: String, interval: Double = 0.1, mergeStep: @escaping @Sendable () throws -> Void,
         onError: @escaping @Sendable (any Error) -> Void) throws {
        let connection = try SQLiteConnection(path: path, mode: .readWrite)
        db = Mutex(connection)
        let thread = Thread { [self] in
            while true {
                wake.wait()
                signalled.store(false, ordering: .releasing)
                do {
                    try mergeStep()
                    try checkpoint()
                } catch {
                    onError(error)
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "folio-store-maintenance"
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
