import Foundation
import Synchronization

/// Merges the full-text index's segments while no one writes, in small steps, so that no write
/// ever waits for a large merge.
///
/// Every write transaction adds a small FTS5 segment. FTS5 merges them inside writes: `automerge`
/// does a slice of merging in some writes (100–180 ms for one write at 100,000 articles), and a
/// crisis merge, when a level reaches `crisismerge` segments, merges the whole level at once. The
/// imported index is one large segment; the crisis merge that reached it (15 small segments and
/// the 700 MB one, after about 61,000 writes) took 8.6 s inside one POST. So the serving writer
/// turns `automerge` off and raises `crisismerge` to 64 (a crisis then needs 64 segments on one
/// level: tens of thousands of writes with no idle second between them for the small levels,
/// millions for the large), and this thread merges instead: when no write has come for
/// a second and some level holds `usermerge` (16) segments or a merge is under way,
/// it takes the write lock for one `merge` step (about `stepPages` leaf pages; steps took 30–50
/// ms at 100,000 articles), lets any waiting write go first, and goes on until the index is
/// merged or writes resume. A large merge so spreads over many idle moments.
final class SearchIndexMerger: Sendable {
    private let db: Mutex<SQLiteConnection>
    private let pauseWrites: @Sendable (() throws -> Void) throws -> Void
    /// Whether no write is waiting and none came for a while (asked before each step).
    private let idle: @Sendable () -> Bool
    private let interval: Double
    private let stepPages: Int
    private let wake = DispatchSemaphore(value: 0)
    /// Steps run so far, and the longest one in microseconds (what a write may have waited).
    let steps = Atomic<Int>(0)
    let longestStepMicros = Atomic<Int>(0)

    /// The FTS5 settings of a store served with this merger.
    static let crisisMerge = 64
    static let userMerge = 16

    /// `idle` says whether writes are quiet now; the thread looks every `interval` seconds (and
    /// after `nudge`).
    init(path: String, interval: Double = 1, stepPages: Int = 32,
         pauseWrites: @escaping @Sendable (() throws -> Void) throws -> Void,
         idle: @escaping @Sendable () -> Bool,
         onError: @escaping @Sendable (any Error) -> Void) throws {
        db = Mutex(try SQLiteConnection(path: path, mode: .readWrite))
        self.pauseWrites = pauseWrites
        self.idle = idle
        self.interval = interval
        self.stepPages = stepPages
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + interval)
                do { try mergeWhileIdle() } catch { onError(error) }
            }
        }
        thread.name = "folio-search-merge"
        thread.start()
    }

    /// Wakes the thread to look now (tests).
    func nudge() { wake.signal() }

    /// One step at a time while nobody writes and merging is due. A write that arrives during a
    /// step waits for that step only.
    func mergeWhileIdle() throws {
        while idle(), try structure()?.needsMerge(atLeast: Self.userMerge) ?? false {
            let started = MonotonicSeconds.now()
            try pauseWrites { try self.step() }
            let micros = Int((MonotonicSeconds.now() - started) * 1e6)
            if micros > longestStepMicros.load(ordering: .relaxed) { longestStepMicros.store(micros, ordering: .relaxed) }
            steps.add(1, ordering: .relaxed)
        }
    }

    /// One incremental merge step (writes committed at once, its own transaction).
    func step() throws {
        try db.withLock { db in
            try db.execute("INSERT INTO article_search(article_search, rank) VALUES('merge', \(stepPages))")
        }
    }

    /// The index's structure now; nil if the record cannot be read.
    func structure() throws -> IndexStructure? {
        try db.withLock { db in
            var record: [UInt8] = []
            try db.prepare("SELECT block FROM article_search_data WHERE id = 10").query { record = $0.bytes(0) }
            return IndexStructure(record: record)
        }
    }
}

/// Monotonic seconds for comparing moments across threads.
enum MonotonicSeconds {
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
