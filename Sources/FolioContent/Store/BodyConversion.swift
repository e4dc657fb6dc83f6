import Foundation

/// A data migration (schema 9 → 10): every body moved from the old table (`markdown`, `html`,
/// `text` as TEXT) to the served form (`ServedBody`, `StoredMarkdown`), then the old table
/// dropped. Nothing else changes: the text is the same, so the full-text index stays as it is.
/// Runs inside the migration's transaction; the file keeps its size until `folio migrate
/// --vacuum` (or a VACUUM) gives the freed pages back.
enum BodyConversion {
    /// Returns how many bodies were converted.
    static func run(_ db: SQLiteConnection) throws -> Int {
        let total = try db.scalarInt("SELECT count(*) FROM article_bodies_v9")
        let started = Date()
        if total >= 1000 {
            FileHandle.standardError.write(Data("folio: upgrading the store: \(total) article bodies to the served form…\n".utf8))
        }
        let insert = try db.prepare("INSERT INTO article_bodies (article_id, served, markdown) VALUES (?, ?, ?)")
        var rows: [(id: Int64, markdown: String?, html: String, text: String)] = []
        var after: Int64 = 0, done = 0
        // In pages by id, so that memory stays flat at any corpus size.
        while true {
            rows.removeAll(keepingCapacity: true)
            try db.prepare("SELECT article_id, markdown, html, text FROM article_bodies_v9 WHERE article_id > ? ORDER BY article_id LIMIT 2000")
                .query([.int(after)]) { r in rows.append((r.int64(0), r.optionalString(1), r.string(2), r.string(3))) }
            guard let last = rows.last else { break }
            after = last.id
            for row in rows {
                let served = ServedBody(html: row.html, text: row.text)
                let markdown: SQLValue = row.markdown.map { .blob(StoredMarkdown.encode($0)) } ?? .null
                try insert.run([.int(row.id), .blob(served.bytes), markdown])
                done += 1
            }
        }
        try db.execute("DROP TABLE article_bodies_v9")
        if total >= 1000 {
            let seconds = Date().timeIntervalSince(started)
            FileHandle.standardError.write(Data("folio: upgraded: \(done) bodies in \(String(Int(seconds * 10) / 10)).\(Int(seconds * 10) % 10) s\n".utf8))
        }
        return done
    }
}
