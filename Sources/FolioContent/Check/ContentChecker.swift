/// Validates everything in a store: SQLite's own integrity checks, the
/// FTS index against its content, and every site, author, tag and article
/// field (slugs, required fields, e-mail and URL shapes, dates, references), and every stored
/// body's HTML against the sanitizer's allow-list (`HTMLAudit`).
public enum ContentChecker {
    /// One problem, naming what it is about.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// E.g. `article "slug"` or `store`.
        public var subject: String
        public var message: String
        public var description: String { "\(subject): \(message)" }
    }

    /// All problems found; empty when the content is valid.
    public static func check(_ store: SQLiteStore) throws -> [Problem] {
        var problems = try store.integrityProblems().map { Problem(subject: "store", message: $0) }
        let data = try store.loadContent()
        if let site = data.site {
            do { try site.validate() } catch { problems += error.issues.map { Problem(subject: "site", message: "\($0.field): \($0.message)") } }
        } else {
            problems.append(Problem(subject: "site", message: "no site record (name, url, …); import one"))
        }
        let authorSlugs = Set(data.authors.map(\.slug))
        let tagSlugs = Set(data.tags.map(\.slug))
        for a in data.authors {
            do { try a.validate() } catch {
                problems += error.issues.map { Problem(subject: "author \"\(a.slug)\"", message: "\($0.field): \($0.message)") }
            }
        }
        for t in data.tags {
            do { try t.validate() } catch {
                problems += error.issues.map { Problem(subject: "tag \"\(t.slug)\"", message: "\($0.field): \($0.message)") }
            }
        }
        for a in data.articles {
            let subject = "article \"\(a.slug)\""
            var v = Validator()
            v.slug(a.slug, field: "slug")
            v.required(a.title, field: "title", maxLength: 500)
            v.language(a.language, field: "language")
            if let url = a.canonicalURL { v.httpURL(url, field: "canonical_url") }
            if a.updatedAt < a.publishedAt { v.fail("updated_at", "is earlier than published_at") }
            if a.authors.isEmpty { v.fail("authors", "has no author") }
            for s in a.authors where !authorSlugs.contains(s) { v.fail("authors", "names unknown author \"\(s)\"") }
            for s in a.tags where !tagSlugs.contains(s) { v.fail("tags", "names unknown tag \"\(s)\"") }
            problems += v.issues.map { Problem(subject: subject, message: "\($0.field): \($0.message)") }
            if let body = try store.loadBody(articleID: a.id), let problem = HTMLAudit.problem(in: body.html) {
                problems.append(Problem(subject: subject, message: "html: \(problem) (import it again to sanitise it)"))
            }
        }
        return problems
    }
}
