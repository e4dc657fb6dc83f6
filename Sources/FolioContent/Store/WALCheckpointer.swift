import Foundation
import Synchronization

/// Checkpoints a serving store's write-ahead log on a thread and connection of its own, so that
/// no write waits for one, and keeps the log from growing without end.
///
/// SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages, copying
/// them into the database and fsyncing it: at 100,000 articles with 64 readers running, one write
/// in a few hundred took 110–120 ms that way. So the writer's connection has
/// `wal_autocheckpoint = 0`; after each write batch the writer calls `committed()`, and this
/// thread runs a PASSIVE checkpoint, which copies what no reader still needs and never blocks
/// the writer. It runs at most every `interval` seconds, so a burst of writes costs one.
///
/// A PASSIVE checkpoint alone never lets the log start over under sustained writes: SQLite
/// rewinds the log only when a write begins after a checkpoint copied every frame, and the
/// writes made while the checkpoint ran are always left. The log then grew by ~50 KB per write
/// (934 MB after 18,000 writes), and extending the file cost more than the write: 15 % of the
/// server's CPU went to the kernel zeroing the file's new blocks, and 16 connections made 508
/// writes/s against 1,249/s once the file had room. So once the log holds more than
/// `rewindFrames` frames, the checkpoint is repeated with writes held (`pauseWrites`): it then
/// copies only the frames of the last moments, and the next write rewinds the log. The writer's
/// `journal_size_limit` cuts a log that did grow back to the same size when it rewinds.
public final class WALCheckpointer: Sendable {
    private let db: Mutex<SQLiteConnection>
    private let wake = DispatchSemaphore(value: 0)
    private let signalled = Atomic<Bool>(false)
    private let rewindFrames: Int64
    private let pauseWrites: @Sendable (() throws -> Void) throws -> Void

    /// Frames (database pages) the log may hold before a checkpoint pauses writes to finish:
    /// 4,096 pages of 4 KiB, 16 MiB.
    public static let defaultRewindFrames: Int64 = 4_096

    /// Opens its own connection to `path` (read-write) and starts the thread. `pauseWrites` runs
    /// its argument while no write transaction can begin.
    init(path: String, interval: Double = 0.1, rewindFrames: Int64 = WALCheckpointer.defaultRewindFrames,
         pauseWrites: @escaping @Sendable (() throws -> Void) throws -> Void,
         onError: @escaping @Sendable (any Error) -> Void) throws {
        db = Mutex(try SQLiteConnection(path: path, mode: .readWrite))
        self.rewindFrames = rewindFrames
        self.pauseWrites = pauseWrites
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

    /// Copies the WAL's committed pages into the database as far as readers allow; when the log
    /// has grown past `rewindFrames`, rewinds it with writes paused.
    func checkpoint() throws {
        let (frames, _) = try run("PASSIVE")
        guard frames > rewindFrames else { return }
        try pauseWrites { _ = try run("RESTART") }
    }

    /// One checkpoint in `mode`: the frames in the log and how many of them are in the database.
    private func run(_ mode: String) throws -> (frames: Int64, copied: Int64) {
        try db.withLock { db in
            var result: (Int64, Int64) = (0, 0)
            try db.prepare("PRAGMA wal_checkpoint(\(mode))").query { row in result = (row.int64(1), row.int64(2)) }
            return result
        }
    }
}
