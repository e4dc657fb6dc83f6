import FolioJSON
import Foundation

/// An import that was refused: which file, which line, which field, and why.
/// Nothing from the run was kept.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// 1-based column (in characters), when the problem is a syntax error at one place.
    public var column: Int?
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `path:line:column: field: message` (the form compilers use, which editors jump to).
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if line != nil, let column { s += ":\(column)" }
        s += ": "
        if let field { s += "\(field): " }
        return s + message
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Hashable {
    public var files = 0
    public var articles = 0
    public var authors = 0
    public var tags = 0
    public var site = false
    public var seconds = 0.0
}

/// Loads JSON documents (`ContentDocument`), folders of them, and Markdown
/// files with front matter into a store, in ONE transaction per run: the
/// first problem (with its file, line and field) aborts the run and nothing
/// from it is kept.
public struct ContentImporter: Sendable {
    public let store: any ArticleRepository

    public init(store: any ArticleRepository) { self.store = store }

    /// Where an item came from, to point at it in errors.
    private struct Origin {
        var file: String
        var json: [UInt8]?
        var base: String  // e.g. "articles[3]"; "" for Markdown files
        var lines: [String: Int] = [:]  // front matter key → line

        func locate(_ field: String?) -> (Int?, String?) {
            guard let json else {
                let key = field.map { String($0.prefix { $0 != "[" && $0 != "." }) }
                return (key.flatMap { lines[$0] } ?? 1, field)
            }
            let path = [base, field].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ".")
            return (JSONLocator.line(of: JSONLocator.steps(path), in: json), path.isEmpty ? nil : path)
        }

        func error(_ field: String?, _ message: String) -> ImportError {
            let (line, f) = locate(field)
            return ImportError(file: file, line: line, field: f, message: message)
        }
    }

    /// Imports every path (files, or folders: every `.json`, `.md` and
    /// `.markdown` file inside, recursively, in name order).
    /// `progress(done, total)` is called after each file is read.
    @discardableResult
    public func importPaths(_ paths: [String], progress: (@Sendable (Int, Int) -> Void)? = nil) throws(ImportError)
        -> ImportSummary
    {
        let started = Date()
        let files = try Self.expand(paths)
        var batch = ContentBatch()
        var articleOrigins: [Origin] = []
        var authorOrigins: [Origin] = []
        var tagOrigins: [Origin] = []
        var seenArticles: [String: String] = [:]
        var seenAuthors: [String: String] = [:]
        for (n, file) in files.enumerated() {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw ImportError(file: file, message: "cannot read: \(error.localizedDescription)")
            }
            let lower = file.lowercased()
            if lower.hasSuffix(".json") {
                try readJSON(file: file, data: data, into: &batch, articleOrigins: &articleOrigins,
                             authorOrigins: &authorOrigins, tagOrigins: &tagOrigins)
            } else {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ImportError(file: file, message: "is not UTF-8 text")
                }
                let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
                let input: ArticleInput
                let lines: [String: Int]
                do { (input, lines) = try FrontMatter.parse(text, defaultSlug: stem) } catch {
                    throw ImportError(file: file, line: error.line, field: error.field, message: error.message)
                }
                let origin = Origin(file: file, json: nil, base: "", lines: lines)
                do { batch.articles.append(try ArticleRecord.make(input)) } catch {
                    throw origin.error(error.issues[0].field, Self.describe(error))
                }
                articleOrigins.append(origin)
            }
            progress?(n + 1, files.count)
        }
        for (i, r) in batch.articles.enumerated() {
            if let first = seenArticles[r.article.slug] {
                throw articleOrigins[i].error("slug", "article \"\(r.article.slug)\" is also defined in \(first)")
            }
            seenArticles[r.article.slug] = articleOrigins[i].file
        }
        for (i, a) in batch.authors.enumerated() {
            if let first = seenAuthors[a.slug] {
                throw authorOrigins[i].error("slug", "author \"\(a.slug)\" is also defined in \(first)")
            }
            seenAuthors[a.slug] = authorOrigins[i].file
        }
        do {
            try store.apply(batch)
        } catch let RepositoryError.inBatch(section, index, inner) {
            let origin = section == "articles" ? articleOrigins[index]
                : section == "authors" ? authorOrigins[index] : tagOrigins[index]
            var field: String?
            switch inner {
            case .unknownAuthor(let slug, _):
                let j = batch.articles[index].article.authors.firstIndex(of: slug) ?? 0
                field = "authors[\(j)]"
            case .slugTaken(let slug):
                field = batch.articles[index].oldSlugs.firstIndex(of: slug).map { "old_slugs[\($0)]" } ?? "slug"
            default:
                field = "slug"
            }
            throw origin.error(field, inner.description)
        } catch {
            throw ImportError(file: store.location, message: "the store refused the import: \(error)")
        }
        var summary = ImportSummary()
        summary.files = files.count
        summary.articles = batch.articles.count
        summary.authors = batch.authors.count
        summary.tags = batch.tags.count
        summary.site = batch.site != nil
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    private func readJSON(
        file: String, data: Data, into batch: inout ContentBatch, articleOrigins: inout [Origin],
        authorOrigins: inout [Origin], tagOrigins: inout [Origin]
    ) throws(ImportError) {
        let bytes = [UInt8](data)
        // Foundation's decoder says only "not valid JSON" and accepts trailing commas and repeated
        // names: the strict parser goes first, so a broken file is refused with its position.
        do { _ = try JSONParser().parse(bytes) } catch {
            throw ImportError(file: file, line: error.line, column: error.column, message: "not valid JSON: \(error.message)")
        }
        let document: ContentDocument
        do {
            document = try JSONDecoder().decode(ContentDocument.self, from: data)
        } catch let error as DecodingError {
            throw Self.decodingFailure(error, file: file, bytes: bytes)
        } catch {
            throw ImportError(file: file, message: "is not valid JSON: \(error)")
        }
        if let unknown = Self.unknownKey(in: data) {
            throw ImportError(file: file, line: JSONLocator.line(of: JSONLocator.steps(unknown.path), in: bytes),
                              field: unknown.path, message: "unknown field \"\(unknown.key)\" (known: \(unknown.known))")
        }
        if let site = document.site {
            let origin = Origin(file: file, json: bytes, base: "site")
            let model = site.model
            do { try model.validate() } catch { throw origin.error(error.issues[0].field, Self.describe(error)) }
            batch.site = model
        }
        for (i, entry) in (document.authors ?? []).enumerated() {
            let origin = Origin(file: file, json: bytes, base: "authors[\(i)]")
            let model = entry.model
            do { try model.validate() } catch { throw origin.error(error.issues[0].field, Self.describe(error)) }
            batch.authors.append(model)
            authorOrigins.append(origin)
        }
        for (i, entry) in (document.tags ?? []).enumerated() {
            let origin = Origin(file: file, json: bytes, base: "tags[\(i)]")
            let model = Tag(slug: entry.slug, name: entry.name)
            do { try model.validate() } catch { throw origin.error(error.issues[0].field, Self.describe(error)) }
            batch.tags.append(model)
            tagOrigins.append(origin)
        }
        for (i, entry) in (document.articles ?? []).enumerated() {
            let origin = Origin(file: file, json: bytes, base: "articles[\(i)]")
            do { batch.articles.append(try ArticleRecord.make(entry.input)) } catch {
                throw origin.error(error.issues[0].field, Self.describe(error))
            }
            articleOrigins.append(origin)
        }
    }

    private static let knownKeys: [String: Set<String>] = [
        "": ["site", "authors", "tags", "articles"],
        "site": ["name", "url", "description", "language", "contact"],
        "contact": ["email", "phone", "address"],
        "authors": ["slug", "name", "role", "organization", "email", "phone", "bio", "image_url", "links"],
        "links": ["rel", "url"],
        "tags": ["slug", "name"],
        "articles": ["id", "slug", "title", "excerpt", "published_at", "updated_at", "language", "canonical_url",
                     "authors", "tags", "body_markdown", "html", "old_slugs", "status"],
    ]

    /// The first key the format does not define (a typo would otherwise be ignored silently).
    private static func unknownKey(in data: Data) -> (path: String, key: String, known: String)? {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        func check(_ object: [String: Any], kind: String, path: String) -> (String, String, String)? {
            let known = knownKeys[kind] ?? []
            for key in object.keys.sorted() where !known.contains(key) {
                return (path.isEmpty ? key : path + "." + key, key, known.sorted().joined(separator: ", "))
            }
            return nil
        }
        if let u = check(root, kind: "", path: "") { return u }
        if let site = root["site"] as? [String: Any] {
            if let u = check(site, kind: "site", path: "site") { return u }
            if let c = site["contact"] as? [String: Any], let u = check(c, kind: "contact", path: "site.contact") { return u }
        }
        for section in ["authors", "tags", "articles"] {
            for (i, item) in ((root[section] as? [Any]) ?? []).enumerated() {
                guard let object = item as? [String: Any] else { continue }
                if let u = check(object, kind: section, path: "\(section)[\(i)]") { return u }
                if section == "authors" {
                    for (j, link) in ((object["links"] as? [Any]) ?? []).enumerated() {
                        if let l = link as? [String: Any], let u = check(l, kind: "links", path: "authors[\(i)].links[\(j)]") {
                            return u
                        }
                    }
                }
            }
        }
        return nil
    }

    /// The first issue's message, plus how many more there were.
    private static func describe(_ error: ValidationError) -> String {
        let more = error.issues.count - 1
        return error.issues[0].message + (more > 0 ? " (and \(more) more: \(error.issues.dropFirst().map(\.field).joined(separator: ", ")))" : "")
    }

    private static func decodingFailure(_ error: DecodingError, file: String, bytes: [UInt8]) -> ImportError {
        func steps(_ path: [any CodingKey]) -> [JSONLocator.Step] {
            path.map { $0.intValue.map(JSONLocator.Step.index) ?? .key($0.stringValue) }
        }
        func name(_ path: [any CodingKey]) -> String {
            var s = ""
            for k in path {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return ImportError(file: file, line: JSONLocator.line(of: steps(ctx.codingPath), in: bytes),
                               field: name(ctx.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let ctx):
            return ImportError(file: file, line: JSONLocator.line(of: steps(ctx.codingPath), in: bytes),
                               field: name(ctx.codingPath), message: "has the wrong type (expected \(Self.typeName(type)))")
        case .valueNotFound(let type, let ctx):
            return ImportError(file: file, line: JSONLocator.line(of: steps(ctx.codingPath), in: bytes),
                               field: name(ctx.codingPath), message: "is null (expected \(Self.typeName(type)))")
        case .dataCorrupted(let ctx):
            let detail = (ctx.underlyingError.map { "\($0)" } ?? ctx.debugDescription)
            return ImportError(file: file, line: ctx.codingPath.isEmpty ? nil : JSONLocator.line(of: steps(ctx.codingPath), in: bytes),
                               field: ctx.codingPath.isEmpty ? nil : name(ctx.codingPath),
                               message: "is not valid JSON: \(detail)")
        @unknown default:
            return ImportError(file: file, message: "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int64.Type, is Int.Type: return "an integer"
        case is [String].Type: return "an array of strings"
        default:
            let n = "\(type)"
            return n.hasPrefix("Array") ? "an array" : n.contains("Entry") || n.contains("Dictionary") ? "an object" : n
        }
    }

    /// Files named by `paths`, folders expanded recursively, sorted.
    static func expand(_ paths: [String]) throws(ImportError) -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError(file: path, message: "no such file or folder")
            }
            if isDirectory.boolValue {
                let found = (fm.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                    .filter { name in
                        let l = name.lowercased()
                        return !(name as NSString).lastPathComponent.hasPrefix(".")
                            && (l.hasSuffix(".json") || l.hasSuffix(".md") || l.hasSuffix(".markdown"))
                    }
                    .sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
                files.append(contentsOf: found)
            } else {
                files.append(path)
            }
        }
        return files
    }
}
