import Foundation

/// A data migration: every stored body rendered again by the current Markdown renderer and
/// sanitizer (schema 8 → 9: cmark-gfm and its allow-list replaced the hand-written CommonMark
/// subset). Only bodies whose HTML changes are written: their text, word count and reading time
/// follow, and a published article's full-text entry is replaced. Revisions are not bumped (the
/// source did not change). Runs inside the migration's transaction.
enum BodyRerender {
    /// Returns how many bodies were read and how many changed.
    static func run(_ db: SQLiteConnection) throws -> (read: Int, changed: Int) {
        var rows: [(id: Int64, markdown: String?, html: String, text: String)] = []
        var read = 0, changed = 0
        let total = try db.scalarInt("SELECT count(*) FROM article_bodies")
        let started = Date()
        if total >= 1000 {
            FileHandle.standardError.write(Data("folio: upgrading the store: rendering \(total) article bodies again (cmark-gfm)…\n".utf8))
        }
        let updateBody = try db.prepare("UPDATE article_bodies SET html = ?, text = ? WHERE article_id = ?")
        let updateStats = try db.prepare("UPDATE articles SET word_count = ?, reading_time = ? WHERE id = ?")
        let meta = try db.prepare("SELECT title, excerpt, status FROM articles WHERE id = ?")
        let ftsDelete = try db.prepare("""
            INSERT INTO article_search (article_search, rowid, title, excerpt, text) VALUES ('delete', ?, ?, ?, ?)
            """)
        let ftsInsert = try db.prepare("INSERT INTO article_search (rowid, title, excerpt, text) VALUES (?, ?, ?, ?)")
        var after: Int64 = 0
        // In pages by id, so that memory stays flat at any corpus size.
        while true {
            rows.removeAll(keepingCapacity: true)
            try db.prepare("SELECT article_id, markdown, html, text FROM article_bodies WHERE article_id > ? ORDER BY article_id LIMIT 2000")
                .query([.int(after)]) { r in rows.append((r.int64(0), r.optionalString(1), r.string(2), r.string(3))) }
            guard let last = rows.last else { break }
            after = last.id
            for row in rows {
                read += 1
                let html = row.markdown.map { Markdown.html(from: $0) } ?? HTMLSanitizer.sanitize(row.html)
                guard html != row.html else { continue }
                changed += 1
                let text = PlainText.from(html: html)
                let words = TextStats.wordCount(text)
                try updateBody.run([.text(html), .text(text), .int(row.id)])
                try updateStats.run([.int(Int64(words)), .int(Int64(TextStats.readingTime(words: words))), .int(row.id)])
                var found: (title: String, excerpt: String, published: Bool)?
                try meta.query([.int(row.id)]) { found = ($0.string(0), $0.string(1), $0.string(2) == "published") }
                if let found, found.published {
                    try ftsDelete.run([.int(row.id), .text(found.title), .text(found.excerpt), .text(row.text)])
                    try ftsInsert.run([.int(row.id), .text(found.title), .text(found.excerpt), .text(text)])
                }
            }
        }
        if total >= 1000 {
            let seconds = Date().timeIntervalSince(started)
            FileHandle.standardError.write(Data("folio: upgraded: \(read) bodies rendered in \(String(Int(seconds * 10) / 10)).\(Int(seconds * 10) % 10) s, \(changed) changed\n".utf8))
        }
        return (read, changed)
    }
}
