import Foundation
import Synchronization

/// The one way content changes while the server runs: a write transaction, then the snapshot
/// brought up to date from the changes log before the write returns, so the next request on any
/// event loop sees it. Writes are serialised here (SQLite has one writer anyway).
///
/// The same log carries writes made by other processes (`folio import` while the server runs):
/// `follow(every:)` checks the log's newest sequence number and applies what it has not seen.
/// A few changes are applied to the current snapshot in place of their articles
/// (`ContentSnapshot.applying`); a large batch reloads everything.
public final class ContentWriter: Sendable {
    public let store: SQLiteStore
    public let snapshots: SnapshotHolder
    let bodies: BodyStore?
    /// Replaced versions kept per article (0: all).
    public let revisionsKept: Int
    /// The newest change the snapshot reflects.
    private let applied: Mutex<Int64>
    /// Serialises writes and catching up (one applier at a time, in log order); the
    /// checkpointer holds it to let the log rewind.
    private let lock = WriteLock()
    /// Told what each applied batch changed, after the new snapshot is in place and before the
    /// write that caused it is answered (the response cache drops what depends on it).
    private let observers = Mutex<[@Sendable (ContentChangeSet) -> Void]>([])

    public func onChange(_ observer: @escaping @Sendable (ContentChangeSet) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    private func notify(_ change: ContentChangeSet) {
        for o in observers.withLock({ $0 }) { o(change) }
    }

    /// Above this many changes at once, reload the whole snapshot instead of applying them.
    static let reloadThreshold = 2_000

    /// Where the background threads (following the log, checkpoints) report failures.
    private let backgroundErrors: ErrorSink

    final class ErrorSink: Sendable {
        let handler = Mutex<@Sendable (any Error) -> Void>({ _ in })
        func report(_ error: any Error) { handler.withLock { $0 }(error) }
    }
    /// Checkpoints the WAL off the write path (see `WALCheckpointer`).
    private let checkpointer: WALCheckpointer
    /// Merges the full-text index while writes are quiet (see `SearchIndexMerger`).
    let merger: SearchIndexMerger
    /// Seconds without a write before the index is merged.
    static let mergeAfterIdle = 1.0

    /// `snapshots` must have been loaded from `store` (its changes up to now are in it).
    /// `walRewindFrames`: how long the write-ahead log may grow before it is rewound (see
    /// `WALCheckpointer`).
    public init(store: SQLiteStore, snapshots: SnapshotHolder, bodies: BodyStore?,
                walRewindFrames: Int64 = WALCheckpointer.defaultRewindFrames, revisionsKept: Int = 0) throws {
        self.store = store
        self.revisionsKept = revisionsKept
        self.snapshots = snapshots
        self.bodies = bodies
        applied = Mutex(try store.lastChangeSequence())
        let errors = ErrorSink()
        backgroundErrors = errors
        checkpointer = try WALCheckpointer(path: store.path, rewindFrames: walRewindFrames, pauseWrites: { [lock] body in try lock.run(body) }) { error in
            errors.report(error)
        }
        // FTS5 merges index segments inside the inserting transaction (`automerge`, which can
        // reach 100–180 ms in one write at 100,000 articles), and a 'merge' step run between
        // writes took 40–140 ms whatever its page budget. With automerge off, only FTS5's
        // `crisismerge` merges: 16 segments of one level into one of the next, inside the write
        // that adds the 16th. Segments are small where writes make them, so merging stays small
        // (6,000 writes at 100/s: p99 10.6 ms, max 24 ms), and at most 15 segments wait on each
        // level, so searches never read an unbounded number of them.
        merger = try SearchIndexMerger(path: store.path, pauseWrites: { [lock] body in try lock.run(body) },
                                       idle: { [queue] in queue.isQuiet(for: Self.mergeAfterIdle) }) { error in errors.report(error) }
        try store.withConnection { db in
            try db.execute("PRAGMA wal_autocheckpoint = 0")
            // A log that grew (a long reader kept it from rewinding) is cut back when it rewinds.
            try db.execute("PRAGMA journal_size_limit = \(walRewindFrames * 4096 * 2)")
            try db.execute("INSERT INTO article_search(article_search, rank) VALUES('automerge', 0)")
            try db.execute("INSERT INTO article_search(article_search, rank) VALUES('crisismerge', \(SearchIndexMerger.crisisMerge))")
            try db.execute("INSERT INTO article_search(article_search, rank) VALUES('usermerge', \(SearchIndexMerger.userMerge))")
        }
    }

    /// Full-text merge steps run while writes were quiet, and the longest in seconds.
    public var searchMergeSteps: (count: Int, longestSeconds: Double) {
        (merger.steps.load(ordering: .relaxed), Double(merger.longestStepMicros.load(ordering: .relaxed)) / 1e6)
    }

    /// Group commits so far, and the writes they carried (their ratio is the mean batch size).
    public var commitCounts: (batches: Int, writes: Int) {
        (queue.batches.load(ordering: .relaxed), queue.writes.load(ordering: .relaxed))
    }

    /// The sequence number of the newest change the snapshot reflects.
    public var appliedSequence: Int64 { applied.withLock { $0 } }

    /// One write waiting to be committed with others.
    final class Job: Sendable {
        let actor: String
        let run: @Sendable (inout StoreWriter) throws -> Void
        let failure = Mutex<(any Error)?>(nil)
        /// Called once the batch is committed and applied (with the job's error, if any), on the
        /// thread that committed it.
        let finished: @Sendable ((any Error)?) -> Void

        init(actor: String, run: @escaping @Sendable (inout StoreWriter) throws -> Void,
             finished: @escaping @Sendable ((any Error)?) -> Void) {
            self.actor = actor
            self.run = run
            self.finished = finished
        }
    }

    /// Writes waiting, whether a caller is committing batches now (the leader), and when the
    /// last batch committed.
    final class WriteQueue: Sendable {
        let pending = Mutex<(jobs: [Job], leading: Bool)>(([], false))
        /// `MonotonicSeconds` of the last commit, as a bit pattern.
        let lastCommit = Atomic<UInt64>(0)
        /// Batches committed, and the writes in them.
        let batches = Atomic<Int>(0)
        let writes = Atomic<Int>(0)

        /// No write waits or runs, and none committed in the last `seconds`.
        func isQuiet(for seconds: Double) -> Bool {
            pending.withLock { $0.jobs.isEmpty && !$0.leading }
                && MonotonicSeconds.now() - Double(bitPattern: lastCommit.load(ordering: .relaxed)) >= seconds
        }
    }
    private let queue = WriteQueue()

    /// Runs `body` as one write (its changes logged as `actor`), committed and applied to the
    /// snapshot before this returns. Blocking: call off the event loops.
    public func write<R: Sendable>(actor: String, _ body: @escaping @Sendable (inout StoreWriter) throws -> R) throws -> R {
        let outcome = Mutex<Result<R, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        submit(actor: actor, body) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0 }!.get()
    }

    /// Queues `body` as one write (its changes logged as `actor`); `finished` gets its result
    /// once it is committed and applied to the snapshot, on the thread that committed it. Blocking
    /// only when this caller commits: call off the event loops.
    ///
    /// Concurrent writes are coalesced (group commit): a caller that finds nobody committing
    /// becomes the leader and commits everything queued meanwhile in ONE transaction, each write
    /// in a savepoint of its own (a write that fails is rolled back alone), with one fsync and one
    /// snapshot update for the batch, until the queue is empty; the others return at once. They
    /// must not wait for their result on the thread they queued from: the worker threads are few
    /// (two on this machine), and with each blocked on its own write no further write could be
    /// prepared and queued while a batch commits: batches averaged 1.2–1.3 writes under 16 writing
    /// connections (`folio_write_committed_writes_total` / `folio_write_commits_total`).
    public func submit<R: Sendable>(actor: String, _ body: @escaping @Sendable (inout StoreWriter) throws -> R,
                                    finished: @escaping @Sendable (Result<R, any Error>) -> Void) {
        let result = Mutex<R?>(nil)
        let job = Job(actor: actor, run: { w in
            let r = try body(&w)
            result.withLock { $0 = r }
        }, finished: { error in
            if let error { finished(.failure(error)) } else { finished(.success(result.withLock { $0 }!)) }
        })
        let lead = queue.pending.withLock { state -> Bool in
            state.jobs.append(job)
            if state.leading { return false }
            state.leading = true
            return true
        }
        guard lead else { return }
        while true {
            let batch = queue.pending.withLock { state -> [Job] in
                if state.jobs.isEmpty {
                    state.leading = false
                    return []
                }
                defer { state.jobs.removeAll() }
                return state.jobs
            }
            if batch.isEmpty { break }
            commit(batch)
        }
    }

    /// Commits a batch in one transaction, updates the snapshot, and wakes every job's caller.
    private func commit(_ batch: [Job]) {
        lock.run {
            do {
                try store.transaction { w in
                    for job in batch {
                        try w.beginSavepoint()
                        w.actor = job.actor
                        w.revisionsKept = revisionsKept
                        do {
                            try job.run(&w)
                            try w.releaseSavepoint()
                        } catch {
                            job.failure.withLock { $0 = error }
                            try w.rollbackSavepoint()
                        }
                    }
                }
            } catch {
                // The commit failed (disk full, read-only): nothing of the batch is stored.
                for job in batch { job.failure.withLock { if $0 == nil { $0 = error } } }
            }
            // Committed writes are answered even if reading them back fails here: the follower
            // thread applies them within a second.
            _ = try? applyNewChanges()
        }
        queue.lastCommit.store(MonotonicSeconds.now().bitPattern, ordering: .relaxed)
        queue.batches.add(1, ordering: .relaxed)
        queue.writes.add(batch.count, ordering: .relaxed)
        checkpointer.committed()
        for job in batch { job.finished(job.failure.withLock { $0 }) }
    }

    /// Applies changes other processes logged; returns how many. Blocking.
    @discardableResult
    public func catchUp() throws -> Int {
        try lock.run { try applyNewChanges() }
    }

    /// Checks the log every `interval` seconds on a thread of its own, for the life of the process.
    /// `onError` also hears of failed WAL checkpoints.
    public func follow(every interval: Double, onError: @escaping @Sendable (any Error) -> Void = { _ in }) {
        backgroundErrors.handler.withLock { $0 = onError }
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                do {
                    if try store.lastChangeSequence() > appliedSequence { try catchUp() }
                } catch {
                    onError(error)
                }
            }
        }
        thread.name = "folio-follow-log"
        thread.start()
    }

    /// With `lock` held.
    private func applyNewChanges() throws -> Int {
        let after = applied.withLock { $0 }
        let current = snapshots.current()
        let read = try store.withConnection { db -> (changes: [Change], articles: [Article], catalog: ContentData?)? in
            let changes = try ChangesLog.read(db, after: after, limit: Self.reloadThreshold + 1)
            guard !changes.isEmpty, changes.count <= Self.reloadThreshold else {
                return changes.isEmpty ? nil : (changes, [], nil)
            }
            let ids = SnapshotUpdate.articleIDs(changes)
            let catalogChanged = SnapshotUpdate.catalogMayHaveChanged(changes, current: current)
            return (changes, try ContentLoader.articles(db, ids: ids), catalogChanged ? try ContentLoader.catalog(db) : nil)
        }
        guard let read else { return 0 }
        if read.changes.count > Self.reloadThreshold {
            bodies?.invalidateAll()
            let last = try store.lastChangeSequence()
            try snapshots.reload(from: store)
            applied.withLock { $0 = last }
            var all = ContentChangeSet()
            all.everything = true
            all.generation = snapshots.generation
            notify(all)
            return read.changes.count
        }
        let change = SnapshotUpdate.apply(read.changes, articles: read.articles, catalog: read.catalog, to: snapshots, bodies: bodies)
        applied.withLock { $0 = read.changes.last!.seq }
        notify(change)
        return read.changes.count
    }
}

extension ChangesLog {
    static func read(_ db: SQLiteConnection, after seq: Int64, limit: Int, publicOnly: Bool = false) throws -> [Change] {
        var out: [Change] = []
        try db.prepare("SELECT seq, kind, entity_id, slug, op, actor, at FROM changes WHERE seq > ?"
                       + (publicOnly ? " AND public = 1" : "") + " ORDER BY seq LIMIT ?")
            .query([.int(seq), .int(Int64(limit))]) { r in
                out.append(Change(seq: r.int64(0), kind: r.string(1), entityID: r.int64(2), slug: r.string(3), op: r.string(4),
                                  actor: r.string(5), at: r.int64(6)))
            }
        return out
    }
}

extension SQLiteStore {
    /// The newest sequence number in the changes log (0 when empty).
    public func lastChangeSequence() throws -> Int64 {
        try withConnection { db in try db.scalarInt("SELECT coalesce(max(seq), 0) FROM changes") }
    }
}

/// The lock that writes, catching up and the checkpointer's rewind take (one at a time).
final class WriteLock: Sendable {
    private let mutex = Mutex<Void>(())

    func run<R>(_ body: () throws -> R) rethrows -> R {
        try mutex.withLock { _ in try body() }
    }
}

/// What a batch of changes touched, for the response cache: the articles, and the authors and
/// tags they had before and have after (or that changed themselves). `everything` when the
/// snapshot was reloaded whole or the site changed.
public struct ContentChangeSet: Sendable {
    public var articleIDs: Set<Int64> = []
    public var authors: Set<String> = []
    public var tags: Set<String> = []
    public var everything = false
    /// The snapshot generation that has the changes.
    public var generation: UInt64 = 0

    public init() {}
}
