import Foundation
import Synchronization

/// Publishes scheduled articles at their time, driven by a clock and not by traffic (WordPress's
/// WP-Cron misses posts on quiet sites because it runs only when a request arrives). A thread
/// sleeps until the earliest scheduled `published_at` (or a nudge: a write may have scheduled
/// something sooner), then publishes what is due through the ordinary write path — one
/// transaction, the changes log, the snapshot and caches brought up to date — as actor
/// "scheduler". At start-up it publishes at once whatever fell due while the server was down.
///
/// Exactly once: the flip from scheduled to published happens inside a write transaction and
/// only for rows still scheduled, and SQLite lets one writer in at a time, so several processes
/// on one store (or a restart racing a crash) cannot publish an article twice.
public final class PublishScheduler: Sendable {
    private let writer: ContentWriter
    private let wake = DispatchSemaphore(value: 0)
    private let publishedCount = Atomic<Int>(0)
    /// Articles this process has published.
    public var published: Int { publishedCount.load(ordering: .relaxed) }
    /// The longest the thread sleeps without a nudge (a write by another process is seen by
    /// following the log, which nudges too; this bounds any miss).
    static let maxSleep = 30.0

    public init(writer: ContentWriter) {
        self.writer = writer
        writer.onChange { [weak self] _ in self?.nudge() }
    }

    /// Starts the thread; `onError` hears of failed publishes (retried on the next wake-up).
    public func start(onError: @escaping @Sendable (any Error) -> Void) {
        let thread = Thread { [self] in
            while true {
                var sleep = Self.maxSleep
                do {
                    let now = Date().timeIntervalSince1970
                    if let due = try nextDue() {
                        if Double(due) <= now {
                            publishedCount.add(try publishDue(now: Int64(now)), ordering: .relaxed)
                            continue
                        }
                        sleep = min(sleep, Double(due) - now)
                    }
                } catch {
                    onError(error)
                    sleep = 1
                }
                _ = wake.wait(timeout: .now() + sleep)
            }
        }
        thread.name = "folio-scheduler"
        thread.start()
    }

    /// Look again now (after a write).
    public func nudge() { wake.signal() }

    /// The earliest `published_at` (seconds since 1970) of a scheduled article, or nil.
    func nextDue() throws -> Int64? {
        try writer.store.withConnection { db in
            let n = try db.scalarInt("SELECT count(*) FROM articles WHERE status = 'scheduled'")
            return n == 0 ? nil : try db.scalarInt("SELECT min(published_at) FROM articles WHERE status = 'scheduled'")
        }
    }

    /// Publishes every scheduled article due by `now`; returns how many this call published.
    @discardableResult
    public func publishDue(now: Int64) throws -> Int {
        try writer.write(actor: "scheduler") { w in try w.publishScheduled(dueBy: now) }
    }
}

extension StoreWriter {
    /// Makes public the scheduled articles whose time is at or before `dueBy`: status, revision,
    /// the full-text index, and a public "create" in the changes log. Only rows still scheduled
    /// change, so a second publisher (another process) finds nothing to do.
    public func publishScheduled(dueBy: Int64) throws -> Int {
        var due: [(id: Int64, slug: String)] = []
        try db.prepare("SELECT id, slug FROM articles WHERE status = 'scheduled' AND published_at <= ? ORDER BY published_at, id")
            .query([.int(dueBy)]) { due.append(($0.int64(0), $0.string(1))) }
        var count = 0
        for (id, slug) in due {
            try keepRevision(id)  // the scheduled version (a no-op row for a second publisher's try)
            try db.prepare("UPDATE articles SET status = 'published', revision = revision + 1 WHERE id = ? AND status = 'scheduled'")
                .run([.int(id)])
            guard db.changes == 1 else { continue }
            try markRevised(id)
            try endPreviews(id)
            try db.prepare("""
                INSERT INTO article_search (rowid, title, excerpt, text)
                SELECT id, title, excerpt, text FROM article_search_source WHERE id = ?
                """).run([.int(id)])
            try logChange("article", id: id, slug: slug, "create")
            count += 1
        }
        return count
    }
}
