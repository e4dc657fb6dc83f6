import FolioContent
import Foundation
import FolioJSON

/// An article write's JSON body turned into an `ArticleInput`, with every problem found at once
/// as JSON Pointers into the body (RFC 6901), for a 422 (RFC 9457 `errors`).
enum ArticleWriteInput {
    static let keys: Set<String> = [
        "slug", "title", "excerpt", "published_at", "updated_at", "language", "canonical_url", "authors", "tags",
        "body_markdown", "html", "old_slugs", "status",
    ]

    /// The input, or the pointers and what is wrong at each. `slug` fills a missing `slug`.
    static func parse(_ value: JSONValue, slug defaultSlug: String?) -> Result<ArticleInput, APIError> {
        guard value.members != nil else {
            return .failure(invalid([("", "the body must be a JSON object (an article)")]))
        }
        var problems: [(String, String)] = []
        let fields = JSONBodyFields(value, known: keys, into: &problems)
        func string(_ key: String, required: Bool) -> String? { fields.string(key, &problems, required: required) }
        func strings(_ key: String, required: Bool) -> [String] { fields.strings(key, &problems, required: required) }
        let slug = string("slug", required: defaultSlug == nil) ?? defaultSlug ?? ""
        let input = ArticleInput(
            slug: slug, title: string("title", required: true) ?? "", excerpt: string("excerpt", required: false),
            publishedAt: string("published_at", required: true) ?? "", updatedAt: string("updated_at", required: false),
            language: string("language", required: false), canonicalURL: string("canonical_url", required: false),
            authors: strings("authors", required: true), tags: strings("tags", required: false),
            bodyMarkdown: string("body_markdown", required: false), html: string("html", required: false),
            oldSlugs: strings("old_slugs", required: false), status: string("status", required: false))
        return problems.isEmpty ? .success(input) : .failure(invalid(problems))
    }

    /// The record, or a 422 pointing at what `ArticleRecord.make` refused. A scheduled article
    /// must be scheduled for later than `now` (seconds since 1970).
    static func record(_ input: ArticleInput, now: Int64 = Int64(Date().timeIntervalSince1970)) -> Result<ArticleRecord, APIError> {
        do {
            var record = try ArticleRecord.make(input)
            record.prepareStoredBody()  // escaped and deflated here, not inside the batch's transaction
            if record.status == .scheduled, record.article.publishedAt.epochSeconds <= now {
                return .failure(invalid([("/published_at", "must be in the future for a scheduled article (it is when the article goes public)")]))
            }
            return .success(record)
        } catch {
            return .failure(invalid(error.issues.map { (pointer(forField: $0.field), $0.message) }))
        }
    }

    /// The article as the JSON a client would PUT (for applying a merge patch to it).
    static func json(_ input: ArticleInput) -> JSONValue {
        func s(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }
        func list(_ v: [String]) -> JSONValue { .array(v.map(JSONValue.string)) }
        return .object([
            JSONMember(name: "slug", value: .string(input.slug)), JSONMember(name: "title", value: .string(input.title)),
            JSONMember(name: "excerpt", value: s(input.excerpt)), JSONMember(name: "published_at", value: .string(input.publishedAt)),
            JSONMember(name: "updated_at", value: s(input.updatedAt)), JSONMember(name: "language", value: s(input.language)),
            JSONMember(name: "canonical_url", value: s(input.canonicalURL)), JSONMember(name: "authors", value: list(input.authors)),
            JSONMember(name: "tags", value: list(input.tags)), JSONMember(name: "body_markdown", value: s(input.bodyMarkdown)),
            JSONMember(name: "html", value: s(input.html)), JSONMember(name: "old_slugs", value: list(input.oldSlugs)),
            JSONMember(name: "status", value: s(input.status)),
        ])
    }

    /// JSON Merge Patch (RFC 7396): members of `patch` replace those of `target`, null removes,
    /// objects merge recursively, anything else replaces the whole target.
    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard let patchMembers = patch.members else { return patch }
        var result = target.members ?? []
        for m in patchMembers {
            let index = result.firstIndex { $0.name == m.name }
            if m.value == .null {
                if let index { result.remove(at: index) }
            } else if let index {
                result[index].value = mergePatch(result[index].value, m.value)
            } else {
                result.append(JSONMember(name: m.name, value: mergePatch(.null, m.value)))
            }
        }
        return .object(result)
    }

    /// "authors[0]" → "/authors/0"; "title" → "/title".
    static func pointer(forField field: String) -> String {
        var out = ""
        for part in field.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Substring] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]") {
                indexes.insert(name[name.index(after: open)..<name.index(before: name.endIndex)], at: 0)
                name = name[..<open]
            }
            out += "/" + escape(String(name))
            for i in indexes { out += "/" + i }
        }
        return out
    }

    /// RFC 6901: `~` → `~0`, `/` → `~1`.
    static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func invalid(_ problems: [(String, String)]) -> APIError {
        var e = APIError(422, problems.count == 1 ? "the article is not valid: \(problems[0].0.isEmpty ? "" : problems[0].0 + " ")\(problems[0].1)"
                                                  : "the article is not valid: \(problems.count) problems")
        e.pointers = problems.map { (pointer: $0.0, detail: $0.1) }
        return e
    }
}
