import CFolioSQLiteNoWait
import Synchronization

/// Article bodies as served (`ServedBody`: html and text as escaped, deflated JSON members; the
/// Markdown source stays in the store) read by id from SQLite behind a byte-bounded LRU cache of
/// the stored forms, so the snapshot need not hold every body.
///
/// Cost on an event loop: a hit is a dictionary lookup under a mutex. A
/// miss is one primary-key read of a ~5 KB blob on a read-only WAL connection from a small
/// pool, and it never waits for the writer, because WAL readers do not block on writers. That is
/// cheaper than a hop to a worker thread, so handlers may call `served(id:)` directly on the loop.
/// Unless the pages are not in memory: then the loop would wait for the disk with every
/// connection it serves (measured on this VM, whose page cache is trimmed from outside, behind
/// the checkpointer's writes: stalls of 100 ms to 1.4 s). So the reads go through the
/// "folio-nowait" VFS (`Sources/CFolioSQLiteNoWait`), and a loop reads inside `withoutWaiting`:
/// a read that would wait fails at once, and the miss is built on a reader thread instead.
/// Call `invalidate(articleID:)` (or `invalidateAll()`) after a write.
public final class BodyStore: Sendable {
    /// Default cache budget: 64 MiB.
    public static let defaultCacheBytes = 64 << 20

    /// Reads one served body by article id from the store.
    private let load: @Sendable (Int64) throws -> ServedBody?
    private let cache: Mutex<BodyCache>
    /// A miss is a network round trip (PostgreSQL): handlers must not read a body on an event
    /// loop, and build such responses on the deferred path instead.
    public let isRemote: Bool

    /// Opens `connections` read-only connections to the store at `path`, through the VFS whose
    /// reads can be told not to wait for the disk (`withoutWaiting`).
    public init(path: String, cacheBytes: Int = BodyStore.defaultCacheBytes, connections: Int = 4) throws {
        let rc = folio_nowait_vfs_register()
        guard rc == 0 else { throw SQLiteError(code: rc, message: "cannot register the folio-nowait VFS") }
        let pool = try ReadPool(path: path, connections: connections, vfs: "folio-nowait")
        load = { id in try pool.with { db in try ContentLoader.servedBody(db, id: id) } }
        cache = Mutex(BodyCache(budget: cacheBytes))
        isRemote = false
    }

    /// Bodies from another store (`load` reads one by id), behind the same cache. They are
    /// escaped once when read, and kept plain (a remote store holds html and text as such).
    public init(remote load: @escaping @Sendable (Int64) throws -> ArticleBody?, cacheBytes: Int = BodyStore.defaultCacheBytes) {
        self.load = { id in try load(id).map { ServedBody(html: $0.html, text: $0.text, compress: false) } }
        cache = Mutex(BodyCache(budget: cacheBytes))
        isRemote = true
    }

    /// The body of article `id` as strings (feeds, JSON-LD); `RepositoryError.articleNotFound`
    /// when there is none.
    public func body(id: Int64) throws -> ArticleBody {
        let (html, text) = try served(id: id).decoded()
        return ArticleBody(markdown: "", html: html, text: text)
    }

    /// The served form of article `id`; `RepositoryError.articleNotFound` when there is none.
    public func served(id: Int64) throws -> ServedBody {
        let (hit, epoch) = cache.withLock { ($0.get(id), $0.epoch) }
        if let hit { return hit }
        let loaded = try load(id)
        guard let loaded else { throw RepositoryError.articleNotFound(slug: "#\(id)") }
        cache.withLock { if $0.epoch == epoch { $0.put(id, loaded) } }
        return loaded
    }

    /// Runs `body` with this thread's body reads not waiting for the disk: a read of pages that
    /// are not in memory fails at once (the caller gets an error, and `wouldHaveWaited` true)
    /// instead of blocking an event loop with every connection it serves. For the loop's misses
    /// (`FolioApp.miss`), which are built again on a reader thread when it happens. Measured
    /// before: a loop blocked in `pread64` for 100 ms to 1.4 s while the page cache was trimmed
    /// (RESULTS.md, 2026-12-03).
    public static func withoutWaiting<R>(_ body: () -> R) -> (result: R, wouldHaveWaited: Bool) {
        folio_nowait_begin()
        let result = body()
        return (result, folio_nowait_end() != 0)
    }

    /// For tests: while `on`, this thread's reads inside `withoutWaiting` act as if no page were
    /// in memory (reads the connection already holds in its own cache are not made at all).
    public static func simulatePagesNotInMemory(_ on: Bool) {
        folio_nowait_simulate(on ? 1 : 0)
    }

    /// Drops one cached body (after the article changed or was deleted).
    public func invalidate(articleID: Int64) {
        cache.withLock { $0.remove(articleID) }
    }

    /// Drops every cached body.
    public func invalidateAll() {
        cache.withLock { $0.removeAll() }
    }

    /// Bytes and entries currently cached.
    public var cacheUsage: (bytes: Int, entries: Int) {
        cache.withLock { ($0.bytes, $0.count) }
    }
}
