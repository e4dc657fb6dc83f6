/// One entry of the changes log: a write to an article, author, tag or the site, in commit order.
public struct Change: Sendable, Hashable {
    /// Increases with every write (SQLite AUTOINCREMENT: never reused, even after deletes).
    public var seq: Int64
    /// "article", "author", "tag" or "site".
    public var kind: String
    public var entityID: Int64
    /// The slug after the write ("site" for the site).
    public var slug: String
    /// "create", "update" or "delete".
    public var op: String
    /// The token name that made the write, or "import".
    public var actor: String
    /// Seconds since the epoch.
    public var at: Int64

    public init(seq: Int64, kind: String, entityID: Int64, slug: String, op: String, actor: String, at: Int64) {
        self.seq = seq
        self.kind = kind
        self.entityID = entityID
        self.slug = slug
        self.op = op
        self.actor = actor
        self.at = at
    }
}

/// Where the public changes feed reads the log: SQLite's `ChangesLog`, or a PostgreSQL store.
public protocol ChangesSource: Sendable {
    /// Up to `limit` changes after `seq`, oldest first; with `publicOnly`, only those the public
    /// feed shows.
    func changes(after seq: Int64, limit: Int, publicOnly: Bool) throws -> [Change]
}

/// Reads the changes log on a read-only connection of its own (WAL: never waits for a writer),
/// for the public changes feed and for following writes made by other processes.
public final class ChangesLog: ChangesSource {
    private let pool: ReadPool

    public init(path: String) throws {
        pool = try ReadPool(path: path, connections: 1)
    }

    /// Up to `limit` changes after `seq`, oldest first; with `publicOnly`, only those the public
    /// feed shows (not a draft's or a scheduled article's).
    public func changes(after seq: Int64, limit: Int, publicOnly: Bool = false) throws -> [Change] {
        try pool.with { db in try Self.read(db, after: seq, limit: limit, publicOnly: publicOnly) }
    }
}

/// An API token as stored: its name, scope and SHA-256 (hex) — never the token itself.
public struct TokenRecord: Sendable, Hashable {
    public var name: String
    public var scope: String
    public var hash: String
    public var createdAt: Int64
    public var lastUsedAt: Int64?
    public var revokedAt: Int64?
}

extension SQLiteStore {
    /// Stores a new token; `RepositoryError.slugTaken` naming it when the name is in use.
    public func createToken(name: String, scope: String, hash: String, at: Int64) throws {
        try transaction { w in
            if try w.db.scalarInt("SELECT count(*) FROM tokens WHERE name = ?", [.text(name)]) > 0 {
                throw RepositoryError.slugTaken(name)
            }
            try w.db.prepare("INSERT INTO tokens (name, scope, hash, created_at) VALUES (?, ?, ?, ?)")
                .run([.text(name), .text(scope), .text(hash), .int(at)])
        }
    }

    public func tokens() throws -> [TokenRecord] {
        try withConnection { db in
            var out: [TokenRecord] = []
            try db.prepare("SELECT name, scope, hash, created_at, last_used_at, revoked_at FROM tokens ORDER BY name").query { r in
                out.append(Self.token(r))
            }
            return out
        }
    }

    /// The token with this hash, revoked or not.
    /// Not behind a write in progress: every write request checks its token before it queues.
    public func token(hash: String) throws -> TokenRecord? {
        try withReader { db in
            var found: TokenRecord?
            try db.prepare("SELECT name, scope, hash, created_at, last_used_at, revoked_at FROM tokens WHERE hash = ?")
                .query([.text(hash)]) { found = Self.token($0) }
            return found
        }
    }

    /// Revokes a token by name; false when there is no such (unrevoked) token.
    public func revokeToken(name: String, at: Int64) throws -> Bool {
        try transaction { w in
            try w.db.prepare("UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL").run([.int(at), .text(name)])
            return try w.db.scalarInt("SELECT changes()") > 0
        }
    }

    private static func token(_ r: Statement) -> TokenRecord {
        TokenRecord(name: r.string(0), scope: r.string(1), hash: r.string(2), createdAt: r.int64(3),
                    lastUsedAt: r.isNull(4) ? nil : r.int64(4), revokedAt: r.isNull(5) ? nil : r.int64(5))
    }
}
