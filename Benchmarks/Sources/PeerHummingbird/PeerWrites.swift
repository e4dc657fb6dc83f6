// The Hummingbird peer's write route (issue 13): `POST /api/v1/articles` the way a Swift user
// would write it — a Codable body, a bearer token compared to the configured one, and the insert
// run on NIO's thread pool through the SQLite C API, one transaction (and one fsync) per request,
// WAL with synchronous = FULL as Folio runs it. The same tables Folio writes for a create: the
// article row, its full-text entry (FTS5, the same tokenizer and prefix index) and a changes-log
// row. What it does not do that Folio does: render the Markdown (the body is indexed as it
// came), keep revisions, check idempotency keys, and update indexes for lists and related.
// A created article is kept in memory too, so the next GET of it answers.
import CSQLitePeer
import Foundation
import PeerModel
import Synchronization

struct ArticleInput: Decodable, Sendable {
    let slug: String
    let title: String
    let excerpt: String?
    let published_at: String
    let authors: [String]
    let tags: [String]
    let body_markdown: String
}

struct CreatedArticle: Codable, Sendable {
    let id: Int64
    let slug: String
    let title: String
    let published_at: String
    let authors: [String]
    let tags: [String]
    let url: String
}

struct CreatedResponse: Codable, Sendable { let data: CreatedArticle }

enum PeerWriteError: Error { case sqlite(String), conflict, invalid(String) }

final class PeerWriteStore: Sendable {
    private let db: Mutex<OpaquePointer>
    let created = Mutex<[String: CreatedArticle]>([:])

    init(path: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let handle else { throw PeerWriteError.sqlite("cannot open \(path)") }
        sqlite3_busy_timeout(handle, 5000)
        db = Mutex(handle)
        try exec("""
            PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS articles (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
                excerpt TEXT NOT NULL, published_at TEXT NOT NULL, authors TEXT NOT NULL, tags TEXT NOT NULL, body TEXT NOT NULL);
            CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5(title, excerpt, body, content = 'articles',
                content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3');
            CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity_id INTEGER NOT NULL,
                slug TEXT NOT NULL, op TEXT NOT NULL, at INTEGER NOT NULL);
            """)
    }

    private func exec(_ sql: String) throws {
        try db.withLock { db in
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw PeerWriteError.sqlite(String(cString: sqlite3_errmsg(db)))
            }
        }
    }

    /// Blocking: one transaction with its fsync.
    func create(_ input: ArticleInput) throws -> CreatedArticle {
        guard !input.slug.isEmpty, !input.title.isEmpty, !input.authors.isEmpty else { throw PeerWriteError.invalid("slug, title and authors are required") }
        let authors = String(decoding: try JSONEncoder().encode(input.authors), as: UTF8.self)
        let tags = String(decoding: try JSONEncoder().encode(input.tags), as: UTF8.self)
        let id: Int64 = try db.withLock { db in
            func run(_ sql: String, _ values: [String?]) throws -> Int32 {
                var stmt: OpaquePointer?
                guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else { throw PeerWriteError.sqlite(String(cString: sqlite3_errmsg(db))) }
                defer { sqlite3_finalize(stmt) }
                let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                for (i, v) in values.enumerated() {
                    if let v { sqlite3_bind_text(stmt, Int32(i + 1), v, -1, transient) } else { sqlite3_bind_null(stmt, Int32(i + 1)) }
                }
                return sqlite3_step(stmt)
            }
            guard sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else { throw PeerWriteError.sqlite("begin") }
            do {
                let rc = try run("INSERT INTO articles (slug, title, excerpt, published_at, authors, tags, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 [input.slug, input.title, input.excerpt ?? "", input.published_at, authors, tags, input.body_markdown])
                if rc == SQLITE_CONSTRAINT { throw PeerWriteError.conflict }
                guard rc == SQLITE_DONE else { throw PeerWriteError.sqlite(String(cString: sqlite3_errmsg(db))) }
                let id = sqlite3_last_insert_rowid(db)
                guard try run("INSERT INTO article_search (rowid, title, excerpt, body) VALUES (?, ?, ?, ?)",
                              [String(id), input.title, input.excerpt ?? "", input.body_markdown]) == SQLITE_DONE,
                      try run("INSERT INTO changes (entity_id, slug, op, at) VALUES (?, ?, 'create', unixepoch())",
                              [String(id), input.slug]) == SQLITE_DONE,
                      sqlite3_exec(db, "COMMIT", nil, nil, nil) == SQLITE_OK
                else { throw PeerWriteError.sqlite(String(cString: sqlite3_errmsg(db))) }
                return id
            } catch {
                sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
                throw error
            }
        }
        let article = CreatedArticle(id: id, slug: input.slug, title: input.title, published_at: input.published_at,
                                     authors: input.authors, tags: input.tags, url: "/api/v1/articles/" + input.slug)
        created.withLock { $0[input.slug] = article }
        return article
    }
}
