import Foundation
import Synchronization

/// The SQLite implementation of `ArticleRepository`: one read-write
/// connection (WAL, foreign keys on, busy timeout) behind a `Mutex`, the
/// schema migrated on open. Reads for serving go through the snapshot,
/// `BodyStore` and `SearchIndex`, which open their own read-only connections.
public final class SQLiteStore: ArticleRepository {
    /// The database file.
    public let path: String
    /// Opened read-only: every write fails (SQLite refuses it); reads work.
    public let isReadOnly: Bool
    private let connection: Mutex<SQLiteConnection>
    /// A read-only connection for lookups that must not wait for a write in progress (a write
    /// holds `connection` through its commit and fsync); nil for a read-only store.
    private let reader: ReadPool?

    /// How to open a store.
    public enum Access: Sendable {
        /// Read and write, creating the file and its folder if needed, migrating the schema.
        case readWrite
        /// Read only: the file must exist and have the current schema (nothing is migrated).
        case readOnly
        /// Read-write when this process may write the file and its folder, else read-only.
        case readWriteIfPossible
    }

    /// Opens (creating the file and its folder if needed) and migrates.
    public convenience init(path: String) throws {
        try self.init(path: path, access: .readWrite)
    }

    public init(path: String, access: Access) throws {
        self.path = path
        let readOnly = switch access {
        case .readWrite: false
        case .readOnly: true
        case .readWriteIfPossible: !StoreAccess.isWritable(path)
        }
        isReadOnly = readOnly
        if readOnly {
            guard StoreAccess.exists(path) else { throw SQLiteError(code: 14, message: "no database at \(path)") }
            let db = try SQLiteConnection(path: path, mode: .readOnly)
            try db.execute("PRAGMA query_only = ON; PRAGMA cache_size = -16384")
            let version = Int(try db.scalarInt("PRAGMA user_version"))
            guard version == Schema.currentVersion else {
                throw SQLiteError(code: 1, message: "\(path) has schema version \(version) and this Folio needs \(Schema.currentVersion);"
                                  + " it is read-only here, so it cannot be upgraded (open it once where it is writable)")
            }
            connection = Mutex(db)
            reader = nil
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !path.hasPrefix("file:") {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let db = try SQLiteConnection(path: path, mode: .readWrite)
        // synchronous = FULL: a committed write survives power loss, not only a crash (WAL with
        // NORMAL may lose the last commits on power loss); one fsync per transaction.
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -16384")
        try Schema.migrate(db)
        connection = Mutex(db)
        reader = try ReadPool(path: path, connections: 1)
    }

    /// The schema version of the open file (`PRAGMA user_version`).
    public func schemaVersion() throws -> Int {
        try connection.withLock { db in Int(try db.scalarInt("PRAGMA user_version")) }
    }

    /// Runs `body` with a writer inside ONE transaction (BEGIN IMMEDIATE);
    /// everything is rolled back if it throws. Used by imports and the
    /// generator to batch many writes.
    public func transaction<R: Sendable>(_ body: (inout sending StoreWriter) throws -> R) throws -> R {
        try connection.withLock { db throws -> R in
            try db.execute("BEGIN IMMEDIATE")
            var writer = StoreWriter(db: db)
            do {
                let result = try body(&writer)
                try db.execute("COMMIT")
                return result
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` with a read-only connection of its own (the committed state, without waiting
    /// for a write in progress); with the store's connection when the store is read-only.
    func withReader<R: Sendable>(_ body: (SQLiteConnection) throws -> R) throws -> R {
        guard let reader else { return try withConnection(body) }
        return try reader.with { db in try body(db) }
    }

    /// Runs `body` with the store's connection (reads outside a write transaction).
    func withConnection<R: Sendable>(_ body: (SQLiteConnection) throws -> R) throws -> R {
        try connection.withLock { db in try body(db) }
    }

    public var location: String { path }

    public func loadContent() throws -> ContentData {
        try connection.withLock { db in try ContentLoader.load(db) }
    }

    public func loadBody(articleID: Int64) throws -> ArticleBody? {
        try connection.withLock { db in try ContentLoader.body(db, id: articleID) }
    }

    public func loadRecord(slug: String) throws -> ArticleRecord? {
        try connection.withLock { db in try ContentLoader.record(db, slug: slug) }
    }

    public func allArticleSlugs() throws -> [String] {
        try connection.withLock { db in
            var slugs: [String] = []
            try db.prepare("SELECT slug FROM articles ORDER BY id").query { slugs.append($0.string(0)) }
            return slugs
        }
    }

    /// The articles an editor lists: those with one of `statuses`, newest `published_at` first,
    /// a page of them with their status, and how many there are in all.
    public func editorList(statuses: [ArticleStatus], offset: Int, limit: Int) throws -> (total: Int, items: [(article: Article, status: ArticleStatus)]) {
        try connection.withLock { db in
            let names = statuses.map { "'\($0.rawValue)'" }.joined(separator: ",")
            var total = 0
            try db.prepare("SELECT count(*) FROM articles WHERE status IN (\(names))").query { total = Int($0.int64(0)) }
            var page: [(Int64, ArticleStatus)] = []
            try db.prepare("SELECT id, status FROM articles WHERE status IN (\(names)) ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?")
                .query([.int(Int64(limit)), .int(Int64(offset))]) { r in
                    page.append((r.int64(0), ArticleStatus(rawValue: r.string(1)) ?? .draft))
                }
            let loaded = try ContentLoader.articles(db, ids: page.map(\.0), publishedOnly: false)
            let byID = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            return (total, page.compactMap { id, status in byID[id].map { ($0, status) } })
        }
    }

    @discardableResult
    public func upsertArticle(_ record: ArticleRecord) throws -> WriteResult {
        try transaction { w in try w.upsertArticle(record) }
    }

    @discardableResult
    public func deleteArticle(slug: String) throws -> Bool {
        try transaction { w in try w.deleteArticle(slug: slug) }
    }

    public func renameArticle(from oldSlug: String, to newSlug: String) throws {
        try transaction { w in try w.renameArticle(from: oldSlug, to: newSlug) }
    }

    @discardableResult
    public func upsertAuthor(_ author: Author) throws -> WriteResult {
        try transaction { w in try w.upsertAuthor(author) }
    }

    @discardableResult
    public func deleteAuthor(slug: String) throws -> Bool {
        try transaction { w in try w.deleteAuthor(slug: slug) }
    }

    @discardableResult
    public func upsertTag(_ tag: Tag) throws -> WriteResult {
        try transaction { w in try w.upsertTag(tag) }
    }

    public func setSite(_ site: Site) throws {
        try transaction { w in try w.setSite(site) }
    }

    public func apply(_ batch: ContentBatch) throws {
        try transaction { w in try w.apply(batch) }
    }

    public func articleCount() throws -> Int {
        try connection.withLock { db in Int(try db.scalarInt("SELECT count(*) FROM articles")) }
    }

    /// Problems found by SQLite's own checks: `quick_check`, foreign keys,
    /// and the FTS index's `integrity-check` against its content. Empty when healthy.
    public func integrityProblems() throws -> [String] {
        try connection.withLock { db in
            var problems: [String] = []
            try db.prepare("PRAGMA quick_check").query { row in
                let s = row.string(0)
                if s != "ok" { problems.append("quick_check: \(s)") }
            }
            try db.prepare("PRAGMA foreign_key_check").query { row in
                problems.append("foreign key: \(row.string(0)) row \(row.int64(1)) → \(row.string(2))")
            }
            // FTS5's integrity check is an INSERT, which a read-only connection refuses before it
            // runs: on a read-only store it is left out (see `fullTextIndexProblems`), not failed.
            if !isReadOnly { problems += Self.fullTextIndexProblems(db) }
            return problems
        }
    }

    /// The FTS index checked against its content, on a connection of its own to an existing store
    /// (read-write, because FTS5's check is an INSERT, though it changes nothing; no migration).
    public static func fullTextIndexProblems(path: String) throws -> [String] {
        fullTextIndexProblems(try SQLiteConnection(path: path, mode: .readWrite))
    }

    static func fullTextIndexProblems(_ db: SQLiteConnection) -> [String] {
        do {
            try db.execute("INSERT INTO article_search(article_search, rank) VALUES('integrity-check', 1)")
            return []
        } catch {
            return ["full-text index out of step with the articles: \(error)"]
        }
    }

    /// Rewrites the file without its free pages (after an upgrade moved the bodies to their
    /// stored form, the old ones' pages stay free until this). Needs about the file's size again
    /// in free disk space while it runs, and takes the store for itself.
    public func vacuum() throws -> (before: Int64, after: Int64) {
        try connection.withLock { db in
            let before = try db.scalarInt("PRAGMA page_count") * db.scalarInt("PRAGMA page_size")
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE)")
            let after = try db.scalarInt("PRAGMA page_count") * db.scalarInt("PRAGMA page_size")
            return (before, after)
        }
    }

    /// Checkpoints the WAL and optimises the FTS index (after big imports).
    public func optimize() throws {
        try connection.withLock { db in
            try db.execute("INSERT INTO article_search(article_search) VALUES('optimize')")
            try db.execute("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}

extension SQLiteStore {
    /// Runs a large write (`generate`, big imports) with settings for bulk
    /// loading: a rollback journal instead of the WAL (pages are written once
    /// instead of to the WAL and again at checkpoint; only possible while no
    /// other connection is open, otherwise the WAL stays), a bigger page
    /// cache and a bigger FTS5 in-memory buffer (fewer segment merges). The
    /// usual settings come back afterwards.
    public func bulkLoad<R: Sendable>(_ body: () throws -> R) throws -> R {
        try connection.withLock { db in
            try? db.execute("PRAGMA journal_mode = DELETE")
            try db.execute("""
                PRAGMA cache_size = -262144;
                INSERT INTO article_search(article_search, rank) VALUES('hashsize', 67108864);
                """)
        }
        defer {
            try? connection.withLock { db in
                try db.execute("""
                    INSERT INTO article_search(article_search, rank) VALUES('hashsize', 1048576);
                    PRAGMA cache_size = -16384;
                    PRAGMA journal_mode = WAL;
                    """)
            }
        }
        return try body()
    }
}
