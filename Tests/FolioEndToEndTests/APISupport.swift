import CBrotli
import CZstd
import CZlib
import Foundation
import Testing

// Shared machinery of the API end-to-end suites: a server with a keep-alive client, the
// generated corpus (made once per test run) with its exported ground truth, the JSON shapes of
// the API decoded field by field, and gzip decompression through the system zlib.

/// A running `folio serve` and one keep-alive connection to it.
final class APIServer {
    let process: ServerProcess
    private var client: RawClient
    /// Set when the requests go over HTTPS (to `process.tlsPort`).
    private let tls: RawClient.TLS?
    private let certificates: TLSTests.Certificates?

    /// `https`: the server also listens with TLS (a `folio cert` certificate) and every request
    /// goes over HTTPS.
    init(config: [String: Any] = ["access_log": false], https: Bool = false, setup: (URL) throws -> Void = { _ in }) throws {
        var settings = config
        if https {
            let certs = try TLSTests.Certificates()
            settings["tls"] = ["certificate": certs.path("cert.pem"), "private_key": certs.path("key.pem"), "port": 0]
            certificates = certs
            tls = RawClient.TLS(caFile: certs.path("cert.pem"))
        } else {
            certificates = nil
            tls = nil
        }
        process = try ServerProcess(config: settings, setup: setup)
        client = try RawClient(port: https ? process.tlsPort : process.port, tls: tls)
    }

    /// The port requests go to.
    var requestPort: Int { tls == nil ? process.port : process.tlsPort }

    /// The TLS version of the connection requests go over ("TLSv1.3"), nil over plain HTTP.
    var tlsVersion: String? { client.tlsVersion }

    /// Starts a server over a copy of the generated corpus.
    static func generated(config: [String: Any] = ["access_log": false]) throws -> APIServer {
        let corpus = try GeneratedCorpus.shared.get()
        return try APIServer(config: config) { dir in
            try FileManager.default.copyItem(at: corpus.database, to: dir.appendingPathComponent("folio.sqlite"))
        }
    }

    /// Sends one request on the kept-alive connection and reads its response.
    func request(_ method: String, _ target: String, headers: [(String, String)] = []) throws -> Response {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: folio.test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        client.send(text + "\r\n")
        let response = try client.readResponse(head: method == "HEAD")
        if response.header("Connection")?.lowercased() == "close" { client = try RawClient(port: requestPort, tls: tls) }
        return response
    }

    func get(_ target: String, _ headers: [(String, String)] = []) throws -> Response {
        try request("GET", target, headers: headers)
    }

    /// GET that must answer 200 with JSON, decoded as `T`.
    func json<T: Decodable>(_ type: T.Type, _ target: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        let r = try get(target)
        #expect(r.status == 200, "\(target): \(r.text)", sourceLocation: sourceLocation)
        #expect(r.header("Content-Type") == "application/json; charset=utf-8", sourceLocation: sourceLocation)
        return try API.decode(T.self, r)
    }

    /// GET that must answer 400 problem+json naming `parameter` in errors[].parameter.
    @discardableResult
    func expectBadParameter(_ target: String, _ parameter: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> ProblemBody? {
        let r = try get(target)
        #expect(r.status == 400, "\(target) → \(r.status) \(r.text)", sourceLocation: sourceLocation)
        #expect(r.header("Content-Type") == "application/problem+json", "\(target)", sourceLocation: sourceLocation)
        let p = try? API.decode(ProblemBody.self, r)
        #expect(p?.status == 400 && p?.title == "Bad Request" && p?.type == "about:blank", "\(target): \(r.text)",
                sourceLocation: sourceLocation)
        #expect(p?.errors?.contains { $0.parameter == parameter && !$0.message.isEmpty } == true,
                "\(target) should name \(parameter): \(r.text)", sourceLocation: sourceLocation)
        #expect(p?.detail.contains(parameter) == true, "\(target): \(r.text)", sourceLocation: sourceLocation)
        #expect(p?.instance == String(target.prefix { $0 != "?" }), sourceLocation: sourceLocation)
        return p
    }

    /// Every article of a list, page by page or cursor by cursor, each step taken from the `Link`
    /// header's `next` (checked against the expected form); checks every page's meta. `query` must
    /// be in canonical order (author, fields, q, since, sort, tag, until), or `canonical` gives the
    /// form the server writes in links.
    func collect(_ path: String, query: String, canonical: String? = nil, cursors: Bool, perPage: Int = 7,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> [APIArticle] {
        let base = "\(path)?" + API.linkBase(canonical ?? query, perPage: perPage)
        var out: [APIArticle] = []
        var target = "\(path)?" + API.linkBase(query, perPage: perPage)
        var page = 1
        var expectedTotal: Int?
        for _ in 0..<10_000 {
            let r = try get(target)
            #expect(r.status == 200, "\(target): \(r.text)", sourceLocation: sourceLocation)
            let list = try API.decode(ArticleList.self, r)
            let p = list.meta.pagination
            let links = API.links(r)
            expectedTotal = expectedTotal ?? p.total
            #expect(p.total == expectedTotal && r.header("X-Total-Count") == String(p.total), sourceLocation: sourceLocation)
            #expect(p.perPage == perPage && p.pages == (p.total + perPage - 1) / perPage, sourceLocation: sourceLocation)
            #expect(list.data.count <= perPage, sourceLocation: sourceLocation)
            #expect(links["first"] == base + "&page=1", "\(r.header("Link") ?? "")", sourceLocation: sourceLocation)
            out += list.data
            if cursors && page > 1 {
                #expect(p.page == nil && p.next == nil && p.prev == nil, sourceLocation: sourceLocation)
                #expect(links["last"] == nil && links["prev"] == nil, sourceLocation: sourceLocation)
            } else {
                #expect(p.page == page, sourceLocation: sourceLocation)
                #expect(p.next == (page < p.pages ? page + 1 : nil), sourceLocation: sourceLocation)
                #expect(p.prev == (page > 1 ? page - 1 : nil), sourceLocation: sourceLocation)
                #expect(links["last"] == base + "&page=\(max(1, p.pages))", sourceLocation: sourceLocation)
                #expect(links["prev"] == (page > 1 ? base + "&page=\(page - 1)" : nil), sourceLocation: sourceLocation)
                #expect(list.data.count == (page < p.pages ? perPage : p.total - (p.pages - 1) * perPage) || p.total == 0,
                        sourceLocation: sourceLocation)
            }
            #expect((p.nextCursor == nil) == (out.count >= p.total), "next_cursor until the end", sourceLocation: sourceLocation)
            let next: String?
            if cursors {
                next = p.nextCursor.map { base + "&cursor=\($0)" }
                if page > 1 { #expect(links["next"] == next, "\(r.header("Link") ?? "")", sourceLocation: sourceLocation) }
            } else {
                next = p.next.map { base + "&page=\($0)" }
                #expect(links["next"] == next, "\(r.header("Link") ?? "")", sourceLocation: sourceLocation)
            }
            guard let next, !list.data.isEmpty else { break }
            target = next  // equal to the Link header's next (checked above)
            page += 1
        }
        #expect(out.count == expectedTotal, sourceLocation: sourceLocation)
        return out
    }

    func stop() { process.stop() }
}

/// Decoding and header helpers.
enum API {
    static func decode<T: Decodable>(_ type: T.Type, _ r: Response) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(r.body))
        } catch {
            Issue.record("cannot decode \(T.self): \(error) from \(r.text.prefix(500))")
            throw error
        }
    }

    /// The top-level keys of a JSON object, in any order.
    static func keys(_ object: Any?) -> Set<String> {
        Set((object as? [String: Any])?.keys.map { $0 } ?? [])
    }

    /// `rel` → target of an RFC 8288 Link header.
    static func links(_ r: Response) -> [String: String] {
        var out: [String: String] = [:]
        for part in (r.header("Link") ?? "").components(separatedBy: ", ") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"),
                  let rel = part.range(of: "rel=\"") else { continue }
            let name = part[rel.upperBound...].prefix { $0 != "\"" }
            out[String(name)] = String(part[part.index(after: open)..<close])
        }
        return out
    }

    /// The query string the server writes into links for a simple query (one parameter at most,
    /// already canonical) and `per_page`.
    static func linkBase(_ query: String, perPage: Int) -> String {
        query.isEmpty ? "per_page=\(perPage)" : "\(query)&per_page=\(perPage)"
    }

    /// Seconds since 1970 of an RFC 3339 date-time (`2023-09-18T10:56:00+04:00`, `…Z`), parsed by
    /// hand: Foundation's formatters are far too slow to sort a corpus with.
    static func epoch(_ text: String) -> Int64 {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var n: Int64 = 0
            for c in b[from..<(from + count)] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                n = n * 10 + Int64(c - 0x30)
            }
            return n
        }
        guard b.count >= 20, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2) else {
            Issue.record("not RFC 3339: \(text)")
            return 0
        }
        var offset: Int64 = 0
        if b[19] != UInt8(ascii: "Z"), let oh = num(20, 2), let om = num(23, 2) {
            offset = (oh * 3600 + om * 60) * (b[19] == UInt8(ascii: "-") ? -1 : 1)
        }
        // Days from civil (H. Hinnant).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + h * 3600 + mi * 60 + s - offset
    }

    /// An RFC 9110 IMF-fixdate.
    static func httpDate(_ epoch: Int64) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
    }

    /// RFC 3986 query-component encoding for test values.
    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// Decompresses a body in `coding` (gzip, br or zstd) with the system libraries.
    static func decode(_ input: [UInt8], coding: String) -> [UInt8]? {
        switch coding {
        case "gzip": return gunzip(input)
        case "br":
            var out = [UInt8](repeating: 0, count: 8 << 20)
            var size = out.count
            let ok = input.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { o in BrotliDecoderDecompress(i.count, i.baseAddress, &size, o.baseAddress) }
            }
            return ok == BROTLI_DECODER_RESULT_SUCCESS ? Array(out.prefix(size)) : nil
        case "zstd":
            var out = [UInt8](repeating: 0, count: 8 << 20)
            let n = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in ZSTD_decompress(o.baseAddress, o.count, i.baseAddress, i.count) } }
            return ZSTD_isError(n) == 0 ? Array(out.prefix(n)) : nil
        default: return nil
        }
    }

    /// Decompresses a gzip (RFC 1952) body with the system zlib.
    static func gunzip(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 32 * 1024)
        var status: Int32 = Z_OK
        var input = input
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return c.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
            } while status == Z_OK
        }
        return status == Z_STREAM_END && stream.avail_in == 0 ? out : nil
    }

    /// The headers every cacheable 200 of the API carries, with the default configuration.
    /// The Vary a 200 for `target` carries: routes with content negotiation (an article, an author's
    /// card) vary by Accept too.
    static func vary(for target: String) -> String {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        let parts = path.split(separator: "/")
        let negotiated = parts.count == 4 && parts[0] == "api" && parts[1] == "v1"
            && (parts[2] == "articles" || parts[2] == "authors" && !parts[3].hasSuffix(".vcf"))
        return negotiated ? "Accept, Accept-Encoding" : "Accept-Encoding"
    }

    static func expectCacheableHeaders(_ r: Response, _ what: String, vary: String = "Accept-Encoding",
                                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 200, "\(what): \(r.status)", sourceLocation: sourceLocation)
        #expect(r.header("Content-Type") == "application/json; charset=utf-8", "\(what)", sourceLocation: sourceLocation)
        let etag = r.header("ETag") ?? ""
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 10, "\(what): strong ETag, got \(etag)",
                sourceLocation: sourceLocation)
        #expect(r.header("Last-Modified")?.hasSuffix(" GMT") == true, "\(what)", sourceLocation: sourceLocation)
        #expect(r.header("Cache-Control") == "public, max-age=60, stale-while-revalidate=300", "\(what)",
                sourceLocation: sourceLocation)
        #expect(r.header("Vary") == vary, "\(what)", sourceLocation: sourceLocation)
        #expect(r.header("Access-Control-Allow-Origin") == "*", "\(what)", sourceLocation: sourceLocation)
        #expect(r.header("Content-Length") == String(r.body.count), "\(what)", sourceLocation: sourceLocation)
    }
}

// MARK: - The API's JSON, decoded (keys converted from snake_case)

struct AuthorRef: Decodable, Equatable {
    var slug: String
    var name: String
    var url: String
}

struct TagRef: Decodable, Equatable {
    var slug: String
    var name: String
}

/// An article as the API writes it: summary fields always, body and related when asked.
struct APIArticle: Decodable, Equatable {
    var id: Int64
    var slug: String
    var title: String
    var excerpt: String
    var publishedAt: String
    var updatedAt: String
    var readingTimeMinutes: Int
    var wordCount: Int
    var language: String
    var canonicalUrl: String?
    var url: String
    var authors: [AuthorRef]
    var tags: [TagRef]
    var html: String?
    var text: String?
    var related: [APIArticle]?
    var snippet: String?
    var score: Double?

    /// The summary without body, related or search fields.
    var summary: APIArticle {
        var s = self
        s.html = nil; s.text = nil; s.related = nil; s.snippet = nil; s.score = nil
        return s
    }
}

/// Every field optional: for `fields=` answers.
struct PartialArticle: Decodable, Equatable {
    var id: Int64?
    var slug: String?
    var title: String?
    var excerpt: String?
    var publishedAt: String?
    var updatedAt: String?
    var readingTimeMinutes: Int?
    var wordCount: Int?
    var language: String?
    var url: String?
    var html: String?
    var text: String?
}

struct Pagination: Decodable, Equatable {
    var page: Int?
    var perPage: Int
    var total: Int
    var pages: Int
    var next: Int?
    var prev: Int?
    var nextCursor: String?
}

struct ListMeta: Decodable { var pagination: Pagination }

struct ArticleList: Decodable {
    var data: [APIArticle]
    var meta: ListMeta
}

struct One<T: Decodable>: Decodable { var data: T }

struct APILink: Decodable, Equatable {
    var rel: String
    var url: String
}

struct APIAuthor: Decodable {
    var slug: String
    var name: String
    var role: String?
    var organization: String?
    var email: String?
    var phone: String?
    var phoneE164: String?
    var bio: String?
    var imageUrl: String?
    var links: [APILink]
    var articleCount: Int
    var url: String
    var latestArticles: [APIArticle]?
}

struct AuthorList: Decodable {
    var data: [APIAuthor]
    var meta: ListMeta
}

struct APITag: Decodable, Equatable {
    var slug: String
    var name: String
    var articleCount: Int
    var url: String
}

struct TagList: Decodable {
    struct Meta: Decodable { var total: Int }
    var data: [APITag]
    var meta: Meta
}

struct APISite: Decodable {
    struct Contact: Decodable {
        var email: String?
        var phone: String?
        var address: String?
    }
    var name: String
    var url: String
    var description: String
    var language: String
    var contact: Contact
    var articleCount: Int
}

struct RelatedList: Decodable {
    struct Meta: Decodable {
        var article: String
        var limit: Int
        var count: Int
    }
    var data: [APIArticle]
    var meta: Meta
}

struct ProblemBody: Decodable {
    struct Item: Decodable {
        var parameter: String?
        var field: String?
        var message: String
    }
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    var errors: [Item]?
}

// MARK: - Ground truth: a content document as `folio export` writes it

struct TruthDocument: Decodable, Sendable {
    struct Author: Decodable, Sendable {
        var slug: String
        var name: String
        var email: String?
        var phone: String?
    }
    struct Tag: Decodable, Sendable {
        var slug: String
        var name: String
    }
    struct Article: Decodable, Sendable {
        var id: Int64
        var slug: String
        var title: String
        var publishedAt: String
        var updatedAt: String?
        var canonicalUrl: String?
        var authors: [String]
        var tags: [String]?
        /// `published_at` in seconds, parsed once.
        var published: Int64 = 0

        enum CodingKeys: String, CodingKey { case id, slug, title, publishedAt, updatedAt, canonicalUrl, authors, tags }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            slug = try c.decode(String.self, forKey: .slug)
            title = try c.decode(String.self, forKey: .title)
            publishedAt = try c.decode(String.self, forKey: .publishedAt)
            updatedAt = try c.decodeIfPresent(String.self, forKey: .updatedAt)
            canonicalUrl = try c.decodeIfPresent(String.self, forKey: .canonicalUrl)
            authors = try c.decode([String].self, forKey: .authors)
            tags = try c.decodeIfPresent([String].self, forKey: .tags)
            published = API.epoch(publishedAt)
        }

        var tagList: [String] { tags ?? [] }
    }
    var authors: [Author]
    var tags: [Tag]
    var articles: [Article]

    /// Newest first, ties by id descending: the API's default order.
    func newestFirst(_ filter: (Article) -> Bool = { _ in true }) -> [Article] {
        articles.filter(filter).sorted { $0.published != $1.published ? $0.published > $1.published : $0.id > $1.id }
    }

    func byTitle(descending: Bool = false) -> [Article] {
        articles.sorted {
            let a = $0.title.lowercased(), b = $1.title.lowercased()
            if a != b { return descending ? a > b : a < b }
            return $0.id < $1.id
        }
    }

    func article(_ slug: String) -> Article? { articles.first { $0.slug == slug } }
}

/// A corpus made once per test run with `folio generate`, exported as the ground truth. Each
/// server gets its own copy of the database.
struct GeneratedCorpus: Sendable {
    static let articleCount = 300
    static let seed = 11
    let database: URL
    let truth: TruthDocument

    static let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("folio-e2e-corpus-\(ProcessInfo.processInfo.processIdentifier)")

    static let shared: Result<GeneratedCorpus, any Error> = Result {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: GeneratedCorpus.directory) }
        let database = directory.appendingPathComponent("corpus.sqlite")
        let export = directory.appendingPathComponent("corpus.json")
        try run(["generate", "--articles", String(articleCount), "--seed", String(seed), "--database", database.path])
        try run(["export", "--database", database.path, "--output", export.path])
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let truth = try decoder.decode(TruthDocument.self, from: Data(contentsOf: export))
        return GeneratedCorpus(database: database, truth: truth)
    }

    /// Runs the folio binary to completion; a non-zero exit is an error.
    static func run(_ arguments: [String]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = ServerProcess.binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        p.environment = env
        let log = directory.appendingPathComponent("tool-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ToolError.failed(arguments.joined(separator: " "), (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
    }

    enum ToolError: Error { case failed(String, String) }
}

/// The sample content shipped in Config/sample-content, as the ground truth.
enum SampleContent {
    static var truth: TruthDocument {
        get throws {
            let url = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content/cair.json")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(TruthDocument.self, from: Data(contentsOf: url))
        }
    }

    static let electionsSlug = "illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community"
    static let normalizationSlug = "another-step-towards-normalization-between-azerbaijan-and-armenia"
    static let slovakiaSlug = "what-does-azerbaijan-slovakia-strategic-partnership-promise-oped"
    static let turkiyeSlug = "azerbaijan-turkiye-ties-new-goals-in-economy-energy-transportation"
    /// Newest first.
    static let slugs = [turkiyeSlug, slovakiaSlug, normalizationSlug, electionsSlug]
}
