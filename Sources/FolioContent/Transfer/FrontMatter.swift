/// Markdown files with YAML-ish front matter:
///
/// ```
/// ---
/// title: Another step towards normalization
/// published_at: 2024-04-29T17:20:00+04:00
/// authors: [javid-valiyev]
/// tags: [azerbaijan, armenia]
/// ---
/// Body in Markdown…
/// ```
///
/// One `key: value` per line; values may be quoted; lists are `[a, b]` or
/// following `- item` lines. The slug defaults to the file name.
enum FrontMatter {
    /// A parse failure at a 1-based line, naming the field when known.
    struct Failure: Error {
        var line: Int
        var field: String?
        var message: String
    }

    static let keys: Set<String> = [
        "id", "slug", "title", "excerpt", "published_at", "updated_at", "language", "canonical_url", "authors", "tags",
        "old_slugs", "status",
    ]

    /// The article input and, per key, the line it was on.
    static func parse(_ text: String, defaultSlug: String) throws(Failure) -> (ArticleInput, [String: Int]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        guard let first = lines.first, first.trimmingSpaces() == "---" else {
            throw Failure(line: 1, field: nil, message: "a Markdown article must start with front matter between --- lines")
        }
        var scalars: [String: String] = [:]
        var lists: [String: [String]] = [:]
        var lineOf: [String: Int] = [:]
        var end: Int?
        var currentList: String?
        for n in 1..<lines.count {
            let raw = lines[n]
            let line = raw.trimmingSpaces()
            if line == "---" { end = n; break }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("- "), let key = currentList {
                lists[key, default: []].append(try unquote(line.dropFirst(2).trimmingSpaces(), line: n + 1, field: key))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw Failure(line: n + 1, field: nil, message: "expected \"key: value\"")
            }
            let key = String(line[..<colon]).trimmingSpaces()
            guard keys.contains(key) else {
                throw Failure(line: n + 1, field: key,
                              message: "unknown front matter key \"\(key)\" (known: \(keys.sorted().joined(separator: ", ")))")
            }
            guard lineOf[key] == nil else { throw Failure(line: n + 1, field: key, message: "\"\(key)\" is given twice") }
            lineOf[key] = n + 1
            let value = line[line.index(after: colon)...].trimmingSpaces()
            currentList = nil
            if value.hasPrefix("[") {
                guard value.hasSuffix("]") else { throw Failure(line: n + 1, field: key, message: "unclosed [ list") }
                var items: [String] = []
                for item in value.dropFirst().dropLast().split(separator: ",") {
                    let v = try unquote(item.trimmingSpaces(), line: n + 1, field: key)
                    if !v.isEmpty { items.append(v) }
                }
                lists[key] = items
            } else if value.isEmpty, ["authors", "tags", "old_slugs"].contains(key) {
                currentList = key
                lists[key] = []
            } else {
                scalars[key] = try unquote(value, line: n + 1, field: key)
            }
        }
        guard let end else { throw Failure(line: lines.count, field: nil, message: "front matter is not closed with ---") }
        for key in ["authors", "tags", "old_slugs"] where scalars[key] != nil {
            lists[key] = [scalars.removeValue(forKey: key)!]
        }
        for key in ["title", "published_at"] where scalars[key] == nil {
            throw Failure(line: 1, field: key, message: "front matter needs \"\(key)\"")
        }
        var id: Int64?
        if let raw = scalars["id"] {
            guard let v = Int64(raw) else { throw Failure(line: lineOf["id"]!, field: "id", message: "\"\(raw)\" is not an integer") }
            id = v
        }
        let body = lines[(end + 1)...].joined(separator: "\n")
        let title = scalars["title"]!
        let input = ArticleInput(
            id: id, slug: scalars["slug"] ?? (Slug.isValid(defaultSlug) ? defaultSlug : Slug.make(from: title)),
            title: title, excerpt: scalars["excerpt"], publishedAt: scalars["published_at"]!,
            updatedAt: scalars["updated_at"], language: scalars["language"], canonicalURL: scalars["canonical_url"],
            authors: lists["authors"] ?? [], tags: lists["tags"] ?? [], bodyMarkdown: body,
            oldSlugs: lists["old_slugs"] ?? [], status: scalars["status"])
        return (input, lineOf)
    }

    /// A value without its quotes (YAML's two quoting styles: `"…"` with `\"` and `\\` escapes,
    /// `'…'` with `''` for a quote). A value that opens a quote must close it at its end: `"a` and
    /// `"a" b` are refused rather than kept as text. Unquoted values are taken as written.
    private static func unquote(_ s: String, line: Int, field: String) throws(Failure) -> String {
        guard let q = s.first, q == "\"" || q == "'" else { return s }
        var out = ""
        var rest = s.dropFirst()
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == q {
                if q == "'", rest.first == "'" {  // '' is one quote
                    out.append("'")
                    rest = rest.dropFirst()
                    continue
                }
                guard rest.isEmpty else {
                    throw Failure(line: line, field: field, message: "text after the closing quote in \(s)")
                }
                return out
            }
            if q == "\"", c == "\\", let next = rest.first, next == "\"" || next == "\\" {
                out.append(next)
                rest = rest.dropFirst()
                continue
            }
            out.append(c)
        }
        throw Failure(line: line, field: field, message: "unclosed quote: \(s) starts with \(q) but does not end with one")
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
