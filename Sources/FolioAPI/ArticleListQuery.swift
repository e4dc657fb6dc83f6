import FolioContent

/// The sort orders of article lists.
enum ArticleSort: String, Sendable, CaseIterable {
    case newest = "-published_at"
    case oldest = "published_at"
    case title = "title"
    case titleDescending = "-title"
    case relevance = "relevance"
}

/// A validated, normalised article-list request: filters, order, page or cursor, fields.
/// `linkBase` is the request written in one fixed form, without page or cursor (Link headers).
struct ArticleListQuery: Sendable {
    var page: Int?
    var perPage = 20
    var cursor: ListCursor?
    var authors: [String] = []
    var tags: [String] = []
    var q: String?
    /// `q` parsed and normalised under the server's search limits.
    var search: SearchQuery?
    var since: Timestamp?
    var until: Timestamp?
    var sort: ArticleSort = .newest
    var fields: ArticleFields = .summary
    /// The query string without page/cursor (for Link headers).
    var linkBase = ""

    static let parameters: Set<String> = ["page", "per_page", "cursor", "author", "tag", "q", "since", "until", "sort", "fields", "include"]

    /// Parses and validates. `fixedAuthor` is set for /authors/{slug}/articles (no `author` parameter there).
    static func parse(_ params: QueryParameters, fixedAuthor: String? = nil, allowed: Set<String> = parameters,
                      snapshot: ContentSnapshot, searchLimits: SearchLimits = SearchLimits()) throws(APIError) -> ArticleListQuery {
        try params.requireOnly(allowed)
        var query = ArticleListQuery()
        query.perPage = try params.integer("per_page", in: 1...100) ?? 20
        let page = try params.integer("page", in: 1...1_000_000)
        if let text = try params.single("cursor") {
            guard page == nil else { throw APIError.badParameter("cursor", "cannot be combined with page") }
            guard let c = ListCursor(encoded: text) else { throw APIError.badParameter("cursor", "not a cursor this server issued") }
            query.cursor = c
        } else {
            query.page = page ?? 1
        }
        if let fixedAuthor {
            query.authors = [fixedAuthor]
        } else {
            query.authors = Array(Set(try params.list("author"))).sorted()
        }
        for a in query.authors where snapshot.author(slug: a) == nil {
            throw APIError.badParameter("author", "no author with slug \"\(a)\"")
        }
        query.tags = Array(Set(try params.list("tag"))).sorted()
        for t in query.tags where snapshot.tag(slug: t) == nil {
            throw APIError.badParameter("tag", "no tag with slug \"\(t)\"")
        }
        if let q = try params.single("q") {
            let trimmed = q.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            guard !trimmed.isEmpty else { throw APIError.badParameter("q", "must not be empty") }
            do { query.search = try SearchQuery.parse(trimmed, limits: searchLimits) } catch {
                throw APIError.badParameter("q", error.message)
            }
            query.q = trimmed
        }
        query.since = try date(params, "since", endOfDay: false)
        query.until = try date(params, "until", endOfDay: true)
        if let s = query.since, let u = query.until, s > u {
            throw APIError.badParameter("since", "is after until")
        }
        if let s = try params.single("sort") {
            guard let sort = ArticleSort(rawValue: s) else {
                throw APIError.badParameter("sort", "must be one of " + ArticleSort.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard sort != .relevance || query.q != nil else { throw APIError.badParameter("sort", "relevance needs q") }
            query.sort = sort
        } else if query.q != nil, allowed.contains("q"), !allowed.contains("sort") {
            query.sort = .relevance
        }
        if let c = query.cursor, c.sort != query.sort {
            throw APIError.badParameter("cursor", "was issued for sort \(c.sort.rawValue)")
        }
        let fieldList = try params.list("fields")
        if !fieldList.isEmpty || params.pairs.contains(where: { $0.name == "fields" }) {
            query.fields = try ArticleFields.parse(fieldList, allowed: ArticleFields.summary.union(.body))
            if query.fields.isEmpty { throw APIError.badParameter("fields", "must name at least one field") }
        }
        for inc in try params.list("include") {
            guard inc == "body" else { throw APIError.badParameter("include", "only \"body\" can be included") }
            query.fields.formUnion(.body)
        }
        query.buildCanonical(fixedAuthor: fixedAuthor, sortParameter: allowed.contains("sort"))
        return query
    }

    static func date(_ params: QueryParameters, _ name: String, endOfDay: Bool) throws(APIError) -> Timestamp? {
        guard let text = try params.single(name) else { return nil }
        let dateOnly = text.utf8.count == 10
        guard let t = Timestamp(rfc3339: dateOnly ? text + "T00:00:00Z" : text) else {
            throw APIError.badParameter(name, "must be an RFC 3339 date (2023-09-18) or date-time (2023-09-18T10:56:00+04:00)")
        }
        return dateOnly && endOfDay ? Timestamp(epochSeconds: t.epochSeconds + 86_399) : t
    }

    /// Without a `sort` parameter (search), the route's fixed order is not written into links.
    mutating func buildCanonical(fixedAuthor: String?, sortParameter: Bool = true) {
        var parts: [String] = []
        if fixedAuthor == nil, !authors.isEmpty { parts.append("author=" + authors.joined(separator: ",")) }
        if !fields.isEmpty, fields != .summary { parts.append("fields=" + ArticleFields.names.filter { fields.contains($0.1) }.map(\.0).joined(separator: ",")) }
        if let q { parts.append("q=" + Self.escape(q)) }
        if let since { parts.append("since=" + Self.escape(since.rfc3339)) }
        if sort != .newest, sortParameter { parts.append("sort=" + sort.rawValue) }
        if !tags.isEmpty { parts.append("tag=" + tags.joined(separator: ",")) }
        if let until { parts.append("until=" + Self.escape(until.rfc3339)) }
        parts.append("per_page=\(perPage)")
        linkBase = parts.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 §2.3).
    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}

/// An opaque keyset cursor: the sort order and the sort key of the last item returned.
struct ListCursor: Sendable, Equatable {
    var sort: ArticleSort
    var key: String
    var id: Int64

    init(sort: ArticleSort, key: String, id: Int64) {
        self.sort = sort
        self.key = key
        self.id = id
    }

    /// Longest cursor accepted: room for the longest key issued (a 500-character title of up to
    /// 4 UTF-8 bytes a character is about 2,700 characters encoded); the request line limit
    /// (8 KiB by default) bounds it too.
    static let maxEncodedLength = 8192

    init?(encoded: String) {
        guard encoded.utf8.count <= Self.maxEncodedLength, let raw = Base64URL.decode(encoded),
              let text = String(validating: raw, as: UTF8.self) else { return nil }
        // version, sort, key, id; the key (a title) may itself hold the separator, so it is
        // everything between the second separator and the last.
        let parts = text.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let sort = ArticleSort(rawValue: String(parts[1])),
              let last = parts[2].lastIndex(of: "\u{1F}"), let id = Int64(parts[2][parts[2].index(after: last)...])
        else { return nil }
        self.init(sort: sort, key: String(parts[2][..<last]), id: id)
    }

    var encoded: String {
        Base64URL.encode(Array(("v1\u{1F}" + sort.rawValue + "\u{1F}" + key + "\u{1F}" + String(id)).utf8))
    }
}

/// base64url without padding (RFC 4648 §5).
enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        for b in text.utf8 {
            guard let v = alphabet.firstIndex(of: b) else { return nil }
            values.append(UInt32(v))
        }
        if values.count % 4 == 1 { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (k, v) in chunk.enumerated() { n |= v << (18 - 6 * UInt32(k)) }
            out.append(UInt8(n >> 16 & 255))
            if chunk.count > 2 { out.append(UInt8(n >> 8 & 255)) }
            if chunk.count > 3 { out.append(UInt8(n & 255)) }
            i += 4
        }
        return out
    }
}
