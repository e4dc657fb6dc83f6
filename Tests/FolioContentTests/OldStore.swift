@testable import FolioContent

/// A store as an older Folio left it: schema `version` (8 or 9: bodies as three TEXT columns),
/// one author "a", and the given articles, indexed for search as that version indexed them.
enum OldStore {
    struct Row {
        var slug: String
        var markdown: String?
        var html: String
        var text: String
        var wordCount = 3
    }

    static func make(_ path: String, version: Int, rows: [Row]) throws {
        precondition(version <= 9, "bodies moved to the served form at schema 10")
        let db = try SQLiteConnection(path: path, mode: .readWrite)
        try Schema.migrate(db, upTo: 9)
        try db.execute("INSERT INTO authors (id, slug, name) VALUES (1, 'a', 'A')")
        for (i, r) in rows.enumerated() {
            let id = Int64(i + 1)
            try db.prepare("""
                INSERT INTO articles (id, slug, title, excerpt, published_at, published_offset, updated_at, updated_offset,
                    language, reading_time, word_count) VALUES (?, ?, ?, 'An excerpt.', ?, 0, ?, 0, 'en', 1, ?)
                """).run([.int(id), .text(r.slug), .text("Title " + r.slug), .int(1_700_000_000 + id), .int(1_700_000_000 + id),
                          .int(Int64(r.wordCount))])
            try db.prepare("INSERT INTO article_authors (article_id, position, author_id) VALUES (?, 0, 1)").run([.int(id)])
            try db.prepare("INSERT INTO article_bodies (article_id, markdown, html, text) VALUES (?, ?, ?, ?)")
                .run([.int(id), .optional(r.markdown), .text(r.html), .text(r.text)])
        }
        try db.execute("INSERT INTO article_search(article_search) VALUES('rebuild')")
        try db.execute("PRAGMA user_version = \(version)")
    }
}
