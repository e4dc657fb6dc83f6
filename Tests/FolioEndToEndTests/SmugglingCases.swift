import Testing

/// Where a case's idea comes from. Every case is written here in our own words and bytes; the
/// families only say which public corpus inspired it.
enum CaseFamily: String, Sendable {
    case llhttp                 // nodejs/llhttp test/request/*.md
    case picohttpparser         // h2o/picohttpparser test.c
    case h1spec                 // uNetworking/h1spec
    case portswigger            // PortSwigger http-request-smuggler: Transfer-Encoding obfuscations, CL.TE / TE.CL
    case httpGarden = "http-garden"  // narfindustries/http-garden payloads (chunk framing differentials)
    case rfc9112                // RFC 9112 / 9110 requirements not covered above
}

/// One malformed or hostile request (or a valid one that must not desynchronise the connection).
///
/// `bytes` are sent in one write, immediately followed by a valid `GET /healthz` that asks to close.
/// The server must answer exactly `statuses` (100 Continue ignored) and then:
/// - when `staysOpen`: the follow-up too, with 200 — proof that the connection stayed in step and that
///   no body byte was taken for a request (bodies carry requests for `/smuggled`, which would 404);
/// - otherwise: nothing more, and close the connection.
struct SmugglingCase: Sendable, CustomTestStringConvertible {
    let name: String
    let family: CaseFamily
    let bytes: [UInt8]
    let statuses: [Int]
    let staysOpen: Bool

    var testDescription: String { "[\(family.rawValue)] \(name)" }
}

/// Builders that keep the case table readable.
private func crlf(_ lines: String...) -> String { lines.joined(separator: "\r\n") }
private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A request with the given head lines (request line first), then an empty line, then `body`.
private func req(_ lines: [String], body: String = "") -> [UInt8] {
    b(lines.joined(separator: "\r\n") + "\r\n\r\n" + body)
}

/// A POST to /healthz (answered 405, keeping the connection) with extra header lines and a body.
private func post(_ headers: [String], body: String = "", version: String = "HTTP/1.1", host: Bool = true) -> [UInt8] {
    req(["POST /healthz \(version)"] + (host ? ["Host: a"] : []) + headers, body: body)
}

private func get(_ headers: [String], target: String = "/healthz", version: String = "HTTP/1.1") -> [UInt8] {
    req(["GET \(target) \(version)", "Host: a"] + headers)
}

/// A request the server must refuse with `status` and then close.
private func refuse(_ status: Int, _ name: String, _ family: CaseFamily, _ bytes: [UInt8]) -> SmugglingCase {
    SmugglingCase(name: name, family: family, bytes: bytes, statuses: [status], staysOpen: false)
}

/// Requests the server must answer with `statuses`, keeping the connection (or closing it when asked).
private func serve(_ statuses: [Int], _ name: String, _ family: CaseFamily, _ bytes: [UInt8], closes: Bool = false) -> SmugglingCase {
    SmugglingCase(name: name, family: family, bytes: bytes, statuses: statuses, staysOpen: !closes)
}

/// A request smuggled inside a body: if the server ever answers it, it answers 404 for /smuggled.
private let smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
private let smuggledLength = smuggled.utf8.count  // 36

/// `payload` as one chunk plus the last chunk.
private func chunked(_ payload: String) -> String {
    String(payload.utf8.count, radix: 16) + "\r\n" + payload + "\r\n0\r\n\r\n"
}

enum SmugglingCases {
    /// Limits of the server the corpus runs against (see SmugglingCorpusTests.config).
    static let maxRequestLine = 1024, maxHeaderBytes = 4096, maxFields = 32, maxBody = 4096, maxChunkExtension = 64

    static let all: [SmugglingCase] = contentLength + transferEncoding + teObfuscations + chunkFraming
        + requestLine + headerFields + hostField + connectionAndPipelining + limits

    // MARK: Content-Length

    static let contentLength: [SmugglingCase] = [
        serve([405], "Content-Length body carrying a request is one body", .portswigger,
              post(["Content-Length: \(smuggledLength)"], body: smuggled)),
        serve([405], "Content-Length with leading zeros", .llhttp, post(["Content-Length: 0005"], body: "hello")),
        serve([405], "Content-Length preceded by a tab (OWS)", .rfc9112, post(["Content-Length:\t5"], body: "hello")),
        serve([405], "Content-Length followed by spaces (OWS)", .rfc9112, post(["Content-Length: 5  "], body: "hello")),
        serve([405], "Content-Length name in lowercase", .llhttp, post(["content-length: 5"], body: "hello")),
        serve([405], "Content-Length name in mixed case", .llhttp, post(["cOnTeNt-LeNgTh: 5"], body: "hello")),
        serve([200], "Content-Length zero on GET", .rfc9112, get(["Content-Length: 0"])),
        serve([200], "Content-Length-X is just another field", .llhttp, get(["Content-Length-X: 40"])),
        serve([405], "X-Content-Length is ignored, real length frames", .portswigger,
              post(["X-Content-Length: 0", "Content-Length: \(smuggledLength)"], body: smuggled)),
        serve([405, 404], "Content-Length shorter than what follows: the rest is the next request", .rfc9112,
              post(["Content-Length: 3"], body: "abc" + smuggled)),
        refuse(400, "Content-Length with plus sign", .llhttp, post(["Content-Length: +5"], body: "hello")),
        refuse(400, "Content-Length negative", .h1spec, post(["Content-Length: -1"], body: "hello")),
        refuse(400, "Content-Length with inner space", .llhttp, post(["Content-Length: 1 2"], body: "hello world!")),
        refuse(400, "Content-Length with trailing letter", .llhttp, post(["Content-Length: 5x"], body: "hello")),
        refuse(400, "Content-Length in hex", .httpGarden, post(["Content-Length: 0x5"], body: "hello")),
        refuse(400, "Content-Length in exponent form", .httpGarden, post(["Content-Length: 5e0"], body: "hello")),
        refuse(400, "Content-Length with decimal point", .httpGarden, post(["Content-Length: 5.0"], body: "hello")),
        refuse(400, "Content-Length empty", .llhttp, post(["Content-Length:"], body: "hello")),
        refuse(400, "Content-Length overflowing 64 bits", .llhttp, post(["Content-Length: 18446744073709551617"], body: "hello")),
        refuse(400, "Content-Length of 20 nines", .httpGarden, post(["Content-Length: 99999999999999999999"], body: "x")),
        // RFC 9110 §8.6 lets a recipient collapse identical duplicates; DESIGN.md refuses every duplicate.
        refuse(400, "Content-Length duplicated with the same value", .llhttp,
               post(["Content-Length: 5", "Content-Length: 5"], body: "hello")),
        refuse(400, "Content-Length duplicated with different values", .portswigger,
               post(["Content-Length: 5", "Content-Length: \(5 + smuggledLength)"], body: "hello" + smuggled)),
        refuse(400, "Content-Length as a list of equal values", .rfc9112, post(["Content-Length: 5, 5"], body: "hello")),
        refuse(400, "Content-Length as a list of different values", .httpGarden, post(["Content-Length: 5, 41"], body: "hello")),
        refuse(400, "Content-Length with vertical tab", .portswigger, post(["Content-Length: \u{0B}5"], body: "hello")),
        refuse(400, "Content-Length with trailing NUL", .httpGarden, post(["Content-Length: 5\u{00}"], body: "hello")),
        refuse(400, "Content-Length with space before the colon", .portswigger,
               post(["Content-Length : \(smuggledLength)"], body: smuggled)),
        refuse(400, "Content-Length folded onto the next line", .llhttp, post(["Content-Length:", " 5"], body: "hello")),
        refuse(400, "Content-Length with quotes", .httpGarden, post(["Content-Length: \"5\""], body: "hello")),
        refuse(400, "Content-Length with unicode digit", .httpGarden, post(["Content-Length: \u{0665}"], body: "hello")),
    ]

    // MARK: Transfer-Encoding semantics

    static let transferEncoding: [SmugglingCase] = [
        serve([405], "chunked body with lowercase size", .llhttp, post(["Transfer-Encoding: chunked"], body: "a\r\n0123456789\r\n0\r\n\r\n")),
        serve([405], "chunked body with uppercase size", .llhttp, post(["Transfer-Encoding: chunked"], body: "A\r\n0123456789\r\n0\r\n\r\n")),
        serve([405], "chunked body carrying a request is one body", .portswigger,
              post(["Transfer-Encoding: chunked"], body: chunked(smuggled))),
        serve([405], "chunked coding name in uppercase", .portswigger, post(["Transfer-Encoding: CHUNKED"], body: "0\r\n\r\n")),
        serve([405], "Transfer-Encoding name in mixed case", .portswigger, post(["tRaNsFeR-eNcOdInG: chunked"], body: chunked(smuggled))),
        serve([405], "Transfer-Encoding without space after colon", .portswigger, post(["Transfer-Encoding:chunked"], body: chunked(smuggled))),
        serve([405], "Transfer-Encoding with tab before value", .portswigger, post(["Transfer-Encoding:\tchunked"], body: chunked(smuggled))),
        serve([405], "Transfer-Encoding with trailing spaces", .portswigger, post(["Transfer-Encoding: chunked  "], body: chunked(smuggled))),
        serve([405], "chunked with leading zeros in the size", .httpGarden, post(["Transfer-Encoding: chunked"], body: "0005\r\nhello\r\n0\r\n\r\n")),
        serve([405], "last chunk written 000", .httpGarden, post(["Transfer-Encoding: chunked"], body: "5\r\nhello\r\n000\r\n\r\n")),
        serve([405], "several chunks", .llhttp, post(["Transfer-Encoding: chunked"], body: "1\r\na\r\n2\r\nbc\r\n3\r\ndef\r\n0\r\n\r\n")),
        serve([405], "empty chunked body", .llhttp, post(["Transfer-Encoding: chunked"], body: "0\r\n\r\n")),
        serve([405, 404], "request pipelined right after the last chunk", .llhttp,
              post(["Transfer-Encoding: chunked"], body: "0\r\n\r\n" + smuggled)),
        refuse(400, "Transfer-Encoding with Content-Length (CL.TE)", .portswigger,
               post(["Content-Length: 6", "Transfer-Encoding: chunked"], body: "0\r\n\r\nX")),
        refuse(400, "Content-Length after Transfer-Encoding (TE.CL)", .portswigger,
               post(["Transfer-Encoding: chunked", "Content-Length: 4"], body: chunked(smuggled))),
        refuse(400, "Transfer-Encoding with Content-Length zero", .portswigger,
               post(["Transfer-Encoding: chunked", "Content-Length: 0"], body: chunked(smuggled))),
        refuse(400, "CL.TE with a body that smuggles a request", .portswigger,
               post(["Content-Length: \(5 + smuggledLength)", "Transfer-Encoding: chunked"], body: "0\r\n\r\n" + smuggled)),
        // RFC 9112 §6.1: chunked that is not final → 400 and close; an unknown coding → 501.
        refuse(400, "Transfer-Encoding identity", .llhttp, post(["Transfer-Encoding: identity"], body: "")),
        refuse(400, "chunked followed by another coding", .llhttp, post(["Transfer-Encoding: chunked, gzip"], body: "0\r\n\r\n")),
        refuse(501, "gzip then chunked (coding not supported)", .rfc9112, post(["Transfer-Encoding: gzip, chunked"], body: "0\r\n\r\n")),
        refuse(400, "unknown coding before chunked, with Content-Length (llhttp eee, chunked)", .llhttp,
               post(["Content-Length: 10", "Transfer-Encoding: eee, chunked"], body: "HELLOWORLD" + smuggled)),
        refuse(501, "unknown coding before chunked, without Content-Length", .llhttp,
               post(["Transfer-Encoding: eee, chunked"], body: "0\r\n\r\n")),
        refuse(400, "chunked applied twice", .llhttp, post(["Transfer-Encoding: chunked, chunked"], body: "0\r\n\r\n")),
        refuse(400, "chunked in two field lines", .portswigger,
               post(["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], body: "0\r\n\r\n")),
        refuse(400, "chunked then identity in a second line", .llhttp,
               post(["Transfer-Encoding: chunked", "Transfer-Encoding: identity"], body: "0\r\n\r\n")),
        refuse(501, "gzip line then chunked line", .rfc9112, post(["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"], body: "0\r\n\r\n")),
        refuse(400, "Transfer-Encoding on HTTP/1.0", .rfc9112,
               post(["Transfer-Encoding: chunked"], body: chunked(smuggled), version: "HTTP/1.0", host: false)),
        refuse(400, "Transfer-Encoding and Content-Length on HTTP/1.0", .rfc9112,
               post(["Transfer-Encoding: chunked", "Content-Length: 5"], body: "0\r\n\r\n", version: "HTTP/1.0", host: false)),
        refuse(400, "Transfer-Encoding empty", .h1spec, post(["Transfer-Encoding:"], body: "0\r\n\r\n")),
        refuse(501, "chunked with a parameter", .rfc9112, post(["Transfer-Encoding: chunked;q=1"], body: "0\r\n\r\n")),
    ]

    // MARK: Transfer-Encoding obfuscations (PortSwigger permutations and relatives)

    static let teObfuscations: [SmugglingCase] = {
        let body = "0\r\n\r\n" + smuggled  // a CL-only reader sees 41 bytes; a TE reader sees the last chunk
        let cl = "Content-Length: \(body.utf8.count)"
        func te(_ value: String) -> [UInt8] { post([cl, "Transfer-Encoding: \(value)"], body: body) }
        func teBytes(_ prefix: [UInt8], _ suffix: [UInt8]) -> [UInt8] {
            b("POST /healthz HTTP/1.1\r\nHost: a\r\n\(cl)\r\n") + prefix + suffix + b("\r\n\r\n" + body)
        }
        return [
            refuse(400, "TE xchunked", .portswigger, te("xchunked")),
            refuse(400, "TE chunked1", .portswigger, te("chunked1")),
            refuse(400, "TE chunk", .portswigger, te("chunk")),
            refuse(400, "TE quoted \"chunked\"", .portswigger, te("\"chunked\"")),
            refuse(400, "TE chunked with vertical tab before", .portswigger, te("\u{0B}chunked")),
            refuse(400, "TE chunked with form feed before", .portswigger, te("\u{0C}chunked")),
            refuse(400, "TE chunked with NUL after", .portswigger, te("chunked\u{00}")),
            refuse(400, "TE chunked with NBSP before (obs-text)", .portswigger,
                   teBytes(b("Transfer-Encoding: "), [0xA0] + b("chunked"))),
            refuse(400, "TE chunked with 0xFF after", .portswigger, teBytes(b("Transfer-Encoding: chunked"), [0xFF])),
            refuse(400, "TE name with 0xFF", .portswigger, teBytes(b("Transfer-Encoding"), [0xFF] + b(": chunked"))),
            refuse(400, "TE with space before colon", .portswigger, te("chunked").replacingFirst("Transfer-Encoding:", "Transfer-Encoding :")),
            refuse(400, "TE with tab before colon", .portswigger, te("chunked").replacingFirst("Transfer-Encoding:", "Transfer-Encoding\t:")),
            refuse(400, "TE line starting with a space", .portswigger, post([cl, " Transfer-Encoding: chunked"], body: body)),
            refuse(400, "TE line starting with a tab", .portswigger, post([cl, "\tTransfer-Encoding: chunked"], body: body)),
            refuse(400, "TE hidden behind a bare LF", .portswigger, post([cl, "X: X\nTransfer-Encoding: chunked"], body: body)),
            refuse(400, "TE hidden behind a bare CR", .llhttp, post([cl, "X: X\rTransfer-Encoding: chunked"], body: body)),
            refuse(400, "TE name and value split by CRLF", .portswigger, post([cl, "Transfer-Encoding", ": chunked"], body: body)),
            refuse(400, "TE value folded onto the next line", .portswigger, post([cl, "Transfer-Encoding:", " chunked"], body: body)),
            refuse(400, "TE chunked then x", .portswigger, post([cl, "Transfer-Encoding: chunked", "Transfer-Encoding: x"], body: body)),
            refuse(400, "TE x then chunked", .portswigger, post([cl, "Transfer-Encoding: x", "Transfer-Encoding: chunked"], body: body)),
            refuse(400, "TE chunked, identity", .portswigger, te("chunked, identity")),
            refuse(400, "TE identity, chunked", .portswigger, te("identity, chunked")),
            refuse(400, "TE chunked with comma and junk", .portswigger, te("chunked, x")),
            refuse(400, "TE with NUL inside name", .httpGarden, post([cl, "Transfer\u{00}Encoding: chunked"], body: body)),
            refuse(400, "TE name with underscore alongside real TE", .portswigger,
                   post([cl, "Transfer_Encoding: x", "Transfer-Encoding: chunked"], body: body)),
            refuse(400, "TE chunked with trailing slash", .portswigger, te("chunked/")),
            refuse(400, "TE chunked with unicode k", .portswigger, te("chun\u{212A}ed")),
            serve([405], "Transfer_Encoding is not Transfer-Encoding: Content-Length frames", .portswigger,
                  post(["Transfer_Encoding: chunked", "Content-Length: 5"], body: "0\r\n\r\n")),
            serve([405], "X-Transfer-Encoding is ignored: Content-Length frames", .portswigger,
                  post(["X-Transfer-Encoding: chunked", "Content-Length: \(body.utf8.count)"], body: body)),
            serve([405], "Transfer-Encodings (plural) is ignored", .portswigger,
                  post(["Transfer-Encodings: chunked", "Content-Length: \(body.utf8.count)"], body: body)),
        ]
    }()

    // MARK: Chunk framing (http-garden differentials, llhttp chunk tests)

    static let chunkFraming: [SmugglingCase] = {
        func ch(_ body: String) -> [UInt8] { post(["Transfer-Encoding: chunked"], body: body) }
        func chBytes(_ body: [UInt8]) -> [UInt8] { b("POST /healthz HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") + body }
        return [
            serve([405], "chunk extension without value", .llhttp, ch("5;abc\r\nhello\r\n0\r\n\r\n")),
            serve([405], "chunk extension with value", .llhttp, ch("5;a=b\r\nhello\r\n0\r\n\r\n")),
            serve([405], "chunk extension with quoted value holding ; and =", .llhttp, ch("5;a=\"x;y=z\"\r\nhello\r\n0\r\n\r\n")),
            serve([405], "several chunk extensions", .llhttp, ch("5;a=1;b=2\r\nhello\r\n0;c\r\n\r\n")),
            serve([405], "extension on the last chunk", .httpGarden, ch("0;last=1\r\n\r\n")),
            serve([405], "one trailer field", .llhttp, ch("5\r\nhello\r\n0\r\nX-Trailer: v\r\n\r\n")),
            serve([405], "two trailer fields", .llhttp, ch("5\r\nhello\r\n0\r\nA: 1\r\nB: 2\r\n\r\n")),
            // A Content-Length in trailers must not frame anything (RFC 9110 §6.5.1).
            serve([405], "Content-Length in a trailer is ignored", .httpGarden,
                  ch("5\r\nhello\r\n0\r\nContent-Length: \(smuggledLength)\r\n\r\n")),
            serve([405], "chunk data containing CRLF and a request", .httpGarden, ch(chunked("\r\n\r\n0\r\n\r\n" + smuggled))),
            // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name ... ): whitespace before ";" is allowed.
            serve([405], "space before chunk extension (BWS)", .rfc9112, ch("5 ;a=b\r\nhello\r\n0\r\n\r\n")),
            serve([405], "tab before chunk extension (BWS)", .rfc9112, ch("5\t;a\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size 0x prefix", .httpGarden, ch("0x5\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size with plus sign", .httpGarden, ch("+5\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size negative", .httpGarden, ch("-5\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size with underscore", .httpGarden, ch("1_0\r\n0123456789abcdef\r\n0\r\n\r\n")),
            refuse(400, "chunk size not hex", .llhttp, ch("g\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size missing", .llhttp, ch("\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size overflowing 64 bits", .llhttp, ch("10000000000000005\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size of sixteen f", .httpGarden, ch("ffffffffffffffff\r\nhello\r\n0\r\n\r\n")),
            // Implementation limit: at most 15 hex digits, even when they are leading zeros.
            refuse(400, "chunk size with 20 leading zeros", .httpGarden, ch("000000000000000000005\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size followed by space then CRLF", .httpGarden, ch("5 \r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size with bare LF", .llhttp, ch("5\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk size with bare CR", .llhttp, ch("5\rhello\r\n0\r\n\r\n")),
            refuse(400, "chunk data longer than its size", .httpGarden, ch("3\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk data shorter than its size", .httpGarden, ch("7\r\nhello\r\n0\r\n\r\n" + smuggled)),
            refuse(400, "chunk data ended by LF only", .httpGarden, ch("5\r\nhello\n0\r\n\r\n")),
            refuse(400, "chunk data ended by CR only", .httpGarden, ch("5\r\nhello\r0\r\n\r\n")),
            refuse(400, "chunk data not followed by CRLF", .llhttp, ch("5\r\nhelloXX0\r\n\r\n")),
            refuse(400, "chunk extension with bare LF", .llhttp, ch("5;a\nb\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk extension with bare CR (node smuggling)", .llhttp,
                   ch("2;\rxx\r\n4c\r\n0\r\n\r\n" + smuggled + "\r\n0\r\n\r\n")),
            refuse(400, "chunk extension with NUL", .httpGarden, ch("5;a\u{00}\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk extension with DEL", .httpGarden, ch("5;a\u{7F}\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "chunk extension with unterminated quote", .httpGarden, ch("5;a=\"x\r\nhello\r\n0\r\n\r\n")),
            refuse(400, "last chunk followed directly by a request", .httpGarden, ch("0\r\n" + smuggled)),
            refuse(400, "trailer folded", .llhttp, ch("0\r\nA: 1\r\n continued\r\n\r\n")),
            refuse(400, "trailer with space before colon", .httpGarden, ch("0\r\nA : 1\r\n\r\n")),
            refuse(400, "trailer with bare LF", .httpGarden, ch("0\r\nA: 1\n\r\n")),
            refuse(400, "trailer without colon", .httpGarden, ch("0\r\nTrailer\r\n\r\n")),
            refuse(400, "trailer with NUL in value", .httpGarden, ch("0\r\nA: \u{00}\r\n\r\n")),
            refuse(400, "last chunk with LF-only end", .httpGarden, ch("0\n\n")),
            refuse(400, "chunk size line with 0xFF", .httpGarden, chBytes(b("5") + [0xFF] + b("\r\nhello\r\n0\r\n\r\n"))),
            refuse(400, "chunk extension with 0x0B", .httpGarden, ch("5;\u{0B}\r\nhello\r\n0\r\n\r\n")),
        ]
    }()

    // MARK: Request line

    static let requestLine: [SmugglingCase] = [
        serve([200], "absolute-form target", .rfc9112, req(["GET http://a/healthz HTTP/1.1", "Host: a"])),
        serve([200], "absolute-form wins over a different Host", .rfc9112, req(["GET http://example.com/healthz HTTP/1.1", "Host: other"])),
        serve([200], "empty line before the request line", .rfc9112, b("\r\n") + get([])),
        serve([200], "two empty lines before the request line", .picohttpparser, b("\r\n\r\n") + get([])),
        serve([200], "query string", .llhttp, get([], target: "/healthz?a=1&b=%20")),
        serve([404], "percent-encoded path", .llhttp, get([], target: "/%68ealthz%2F..%2f")),
        // RFC 9110 §2.5: a higher minor version is processed as the highest one implemented.
        serve([200], "HTTP/1.2 is treated as HTTP/1.1", .rfc9112, get([], version: "HTTP/1.2")),
        refuse(400, "HTTP/1.0 request line without Host, with obs-fold", .picohttpparser,
               req(["GET / HTTP/1.0", "a: b", "  c"])),
        refuse(400, "two spaces after the method", .picohttpparser, b("GET  /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "two spaces before the version", .h1spec, b("GET /healthz  HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "tab between method and target", .picohttpparser, b("GET\t/healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "space before the method", .h1spec, b(" GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "empty method", .picohttpparser, b(" /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "empty target", .picohttpparser, b("GET  HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "HTTP/0.9 request line", .h1spec, b("GET /healthz\r\n\r\n")),
        refuse(400, "trailing space after the version", .h1spec, b("GET /healthz HTTP/1.1 \r\nHost: a\r\n\r\n")),
        refuse(400, "version in lowercase", .llhttp, b("GET /healthz http/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "version HTTP/1.10", .llhttp, b("GET /healthz HTTP/1.10\r\nHost: a\r\n\r\n")),
        refuse(400, "version HTTP/11", .h1spec, b("GET /healthz HTTP/11\r\nHost: a\r\n\r\n")),
        refuse(400, "version HTTP/1.x", .h1spec, b("GET /healthz HTTP/1.x\r\nHost: a\r\n\r\n")),
        refuse(400, "version HTTPS/1.1", .h1spec, b("GET /healthz HTTPS/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "ICE protocol", .llhttp, b("GET /music ICE/1.0\r\nHost: a\r\n\r\n")),
        refuse(400, "RTSP protocol", .llhttp, b("PUT /music RTSP/1.0\r\nHost: a\r\n\r\n")),
        refuse(400, "IHTTP protocol", .llhttp, b("GET /music IHTTP/1.0\r\nHost: a\r\n\r\n")),
        refuse(505, "HTTP/2.0", .llhttp, b("GET /healthz HTTP/2.0\r\nHost: a\r\n\r\n")),
        refuse(505, "HTTP/0.9 with version", .h1spec, b("GET /healthz HTTP/0.9\r\nHost: a\r\n\r\n")),
        refuse(505, "HTTP/5.6", .llhttp, b("GET /healthz HTTP/5.6\r\nHost: a\r\n\r\n")),
        refuse(505, "HTTP/2 connection preface", .h1spec, b("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")),
        refuse(400, "request line ended by LF only", .llhttp, b("GET /healthz HTTP/1.1\nHost: a\n\n")),
        refuse(400, "request line ended by CR only", .llhttp, b("GET /healthz HTTP/1.1\rHost: a\r\n\r\n")),
        refuse(400, "bare LF before the request line", .rfc9112, b("\n") + get([])),
        refuse(400, "NUL before the method", .picohttpparser, b("\u{00}GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "NUL inside the method", .picohttpparser, b("G\u{00}T /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "DEL inside the method", .picohttpparser, b("GE\u{7F}T /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "colon before the method", .picohttpparser, b(":GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "parenthesis in the method", .h1spec, b("GE(T /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "TLS ClientHello on the plain port", .h1spec, [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + b("\r\n\r\n")),
        refuse(501, "lowercase method is another method", .rfc9112, b("get /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(501, "unknown method MKCOLA", .llhttp, b("MKCOLA /healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(501, "unknown method with a body", .h1spec, b("FOO /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: \(smuggledLength)\r\n\r\n" + smuggled)),
        refuse(501, "CONNECT", .llhttp, b("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n")),
        refuse(501, "ANNOUNCE over HTTP", .llhttp, b("ANNOUNCE /music HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "authority-form with GET", .rfc9112, b("GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "asterisk-form with GET", .rfc9112, b("GET * HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "relative target without slash", .h1spec, b("GET healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "fragment in the target", .h1spec, b("GET /healthz#top HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "fragment in the query", .h1spec, b("GET /healthz?a=1#top HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "NUL in the target", .picohttpparser, b("GET /heal\u{00}thz HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "DEL in the target", .picohttpparser, b("GET /\u{7F}hello HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "tab in the target", .h1spec, b("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "0xA0 in the target", .picohttpparser, b("GET /") + [0xA0] + b(" HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "UTF-8 in the target", .h1spec, b("GET /caf\u{E9} HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "request line without version and CRLF only", .llhttp, b("GET\r\n\r\n")),
        refuse(400, "vertical tab in the request line", .h1spec, b("GET\u{0B}/healthz HTTP/1.1\r\nHost: a\r\n\r\n")),
    ]

    // MARK: Header fields

    static let headerFields: [SmugglingCase] = [
        serve([200], "empty field value", .picohttpparser, get(["Cookie:"])),
        serve([200], "field value of spaces only", .picohttpparser, get(["Cookie:    "])),
        serve([200], "obs-text in a field value", .picohttpparser, b("GET /healthz HTTP/1.1\r\nHost: a\r\nX: c") + [0xA2] + b("y\r\n\r\n")),
        serve([200], "UTF-8 in a field value", .h1spec, get(["X-Name: caf\u{E9} \u{1F600}"])),
        serve([200], "tab inside a field value", .rfc9112, get(["X: a\tb"])),
        serve([200], "colon inside a field value", .llhttp, get(["X:: a:b"])),
        serve([200], "all token characters in a name", .rfc9112, get(["!#$%&'*+-.^_`|~09azAZ: v"])),
        serve([200], "many ordinary fields", .h1spec, get((0..<20).map { "X-F\($0): \($0)" })),
        serve([200], "very long field value under the limit", .h1spec, get(["X-Long: " + String(repeating: "v", count: 2000)])),
        refuse(400, "empty field name", .picohttpparser, get([": v"])),
        refuse(400, "space inside a field name", .picohttpparser, get(["X Y: v"])),
        refuse(400, "space before the colon", .picohttpparser, get(["X : v"])),
        refuse(400, "tab before the colon", .h1spec, get(["X\t: v"])),
        refuse(400, "@ in a field name", .llhttp, get(["Fo@: v"])),
        refuse(400, "brace in a field name", .picohttpparser, get(["{: 1"])),
        refuse(400, "control byte in a field name", .llhttp, get(["Foo\u{01}test: v"])),
        refuse(400, "NUL in a field name", .h1spec, get(["X\u{00}Y: v"])),
        refuse(400, "UTF-8 in a field name", .h1spec, get(["F\u{F3}o: v"])),
        refuse(400, "NUL in a field value", .picohttpparser, get(["X: a\u{00}b"])),
        refuse(400, "DEL in a field value", .picohttpparser, get(["X: \u{7F}"])),
        refuse(400, "control byte in a field value", .picohttpparser, get(["X: \u{01}"])),
        refuse(400, "escape byte in a field value", .h1spec, get(["X: a\u{1B}[31m"])),
        refuse(400, "form feed in a field value", .h1spec, get(["X: a\u{0C}b"])),
        refuse(400, "bare CR inside a field value", .llhttp, get(["X: a\rb"])),
        refuse(400, "fields separated by CR only", .llhttp, get(["Foo: 1\rBar: 2"])),
        refuse(400, "fields separated by LF only", .llhttp, get(["Foo: 1\nBar: 2"])),
        refuse(400, "empty field then CR only", .llhttp, post(["x:\rTransfer-Encoding: chunked"], body: "1\r\nA\r\n0\r\n\r\n")),
        refuse(400, "empty field then LF only", .llhttp, post(["x:\nTransfer-Encoding: chunked"], body: "1\r\nA\r\n0\r\n\r\n")),
        refuse(400, "CR then junk ends the head", .llhttp, b("GET /healthz HTTP/1.1\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a\r\n\r\n")),
        refuse(400, "field line without colon", .picohttpparser, get(["NoColon"])),
        refuse(400, "field name split from its colon", .llhttp, get(["name", " : value"])),
        refuse(400, "obs-fold with a space", .picohttpparser, get(["X: a", " b"])),
        refuse(400, "obs-fold with a tab", .picohttpparser, get(["X: a", "\tb"])),
        refuse(400, "space before the first field", .llhttp, b("GET /healthz HTTP/1.1\r\n Host: a\r\n\r\n")),
        refuse(400, "spaces before a Content-Length line", .llhttp,
               post(["Foo: bar", " Content-Length: \(smuggledLength)"], body: smuggled)),
        refuse(400, "corrupted Connection field", .llhttp, b("GET /healthz HTTP/1.1\r\nHost: a\r\nConnection\r\u{1B}5") + [0xD5] + b("eep-Alive\r\n\r\n")),
        refuse(400, "field value ended by CR CR LF", .h1spec, get(["X: a\r"])),
        refuse(400, "missing CR between fields hides Content-Length", .llhttp,
               get(["Dummy: x\nContent-Length: 23", "", "GET / HTTP/1.1", "Dummy: GET /admin HTTP/1.1"])),
        refuse(417, "unsupported expectation", .rfc9112, get(["Expect: 200-ok"])),
    ]

    // MARK: Host

    static let hostField: [SmugglingCase] = [
        serve([200], "Host with port", .rfc9112, req(["GET /healthz HTTP/1.1", "Host: a.example:8080"])),
        serve([200], "Host IPv6 literal", .rfc9112, req(["GET /healthz HTTP/1.1", "Host: [::1]:80"])),
        serve([200], "Host empty (allowed by RFC 9112 §3.2)", .rfc9112, req(["GET /healthz HTTP/1.1", "Host:"])),
        serve([200], "host in lowercase name", .rfc9112, req(["GET /healthz HTTP/1.1", "host: a"])),
        serve([200], "HTTP/1.0 without Host", .rfc9112, req(["GET /healthz HTTP/1.0"]), closes: true),
        refuse(400, "HTTP/1.1 without Host", .h1spec, req(["GET /healthz HTTP/1.1"])),
        refuse(400, "two Host fields", .h1spec, req(["GET /healthz HTTP/1.1", "Host: a", "Host: b"])),
        refuse(400, "two Host fields, different case", .h1spec, req(["GET /healthz HTTP/1.1", "host: a", "HOST: a"])),
        refuse(400, "Host with a space", .h1spec, req(["GET /healthz HTTP/1.1", "Host: a b"])),
        refuse(400, "Host with userinfo", .rfc9112, req(["GET /healthz HTTP/1.1", "Host: user@a"])),
        refuse(400, "Host with a path", .h1spec, req(["GET /healthz HTTP/1.1", "Host: a/b"])),
        refuse(400, "Host with a backslash", .httpGarden, req(["GET /healthz HTTP/1.1", "Host: a\\b"])),
        // reg-name admits sub-delims (RFC 3986 §3.2.2), so "a,b" is one odd but well-formed host.
        serve([200], "Host with a comma (sub-delim)", .httpGarden, req(["GET /healthz HTTP/1.1", "Host: a,b"])),
        refuse(400, "Host list with a space", .httpGarden, req(["GET /healthz HTTP/1.1", "Host: a, b"])),
        refuse(400, "Host folded", .h1spec, req(["GET /healthz HTTP/1.1", "Host:", " a"])),
        refuse(400, "Host name with space before colon", .h1spec, req(["GET /healthz HTTP/1.1", "Host : a"])),
    ]

    // MARK: Connection management, Expect, pipelining

    static let connectionAndPipelining: [SmugglingCase] = [
        serve([200], "Connection: close closes after the answer", .llhttp, get(["Connection: close"]), closes: true),
        serve([200], "Connection: CLOSE in capitals", .llhttp, get(["Connection: CLOSE"]), closes: true),
        serve([200], "close among other tokens", .llhttp, get(["Connection: keep-alive, close"]), closes: true),
        serve([200], "close in a second Connection line", .llhttp, get(["Connection: keep-alive", "Connection: close"]), closes: true),
        serve([200], "Connection: closed is not close", .llhttp, get(["Connection: closed"])),
        serve([200], "Connection: keep-alive on HTTP/1.1", .llhttp, get(["Connection: keep-alive"])),
        serve([200], "HTTP/1.0 keep-alive stays open", .llhttp, req(["GET /healthz HTTP/1.0", "Connection: keep-alive"])),
        serve([200], "HTTP/1.0 closes by default", .llhttp, req(["GET /healthz HTTP/1.0"]), closes: true),
        serve([200], "Upgrade is ignored", .llhttp, get(["Connection: Upgrade", "Upgrade: websocket"])),
        serve([200], "Upgrade h2c is ignored", .h1spec, get(["Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAAP__"])),
        serve([405], "Expect 100-continue with the body already sent", .rfc9112,
              post(["Expect: 100-continue", "Content-Length: 5"], body: "hello")),
        serve([200], "Expect 100-continue without a body", .rfc9112, get(["Expect: 100-continue"])),
        serve([200, 200, 200], "three pipelined GETs", .llhttp, get([]) + get([]) + get([])),
        serve([405, 200], "POST with body then GET", .llhttp, post(["Content-Length: 5"], body: "hello") + get([])),
        serve([405, 200], "chunked POST then GET", .llhttp, post(["Transfer-Encoding: chunked"], body: "5\r\nhello\r\n0\r\n\r\n") + get([])),
        serve([405, 405], "two chunked POSTs with trailers", .llhttp,
              post(["Transfer-Encoding: chunked"], body: "1\r\na\r\n0\r\nT: 1\r\n\r\n") + post(["Transfer-Encoding: chunked"], body: "0\r\n\r\n")),
        serve([200, 404, 200], "pipelined GET, 404, GET", .llhttp, get([]) + get([], target: "/nope") + get([])),
        serve([200], "request after Connection: close is not answered", .llhttp, get(["Connection: close"]) + get([]), closes: true),
        SmugglingCase(name: "valid request then malformed one", family: .llhttp, bytes: get([]) + b("GET / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n"),
                      statuses: [200, 400], staysOpen: false),
        SmugglingCase(name: "valid request then CL.TE", family: .portswigger,
                      bytes: get([]) + post(["Content-Length: 5", "Transfer-Encoding: chunked"], body: "0\r\n\r\n"),
                      statuses: [200, 400], staysOpen: false),
        SmugglingCase(name: "405 with body then bare-LF request", family: .llhttp,
                      bytes: post(["Content-Length: 2"], body: "ok") + b("GET /healthz HTTP/1.1\nHost: a\n\n"),
                      statuses: [405, 400], staysOpen: false),
        SmugglingCase(name: "valid request then unknown version", family: .llhttp,
                      bytes: get([]) + b("GET /healthz HTTP/3.0\r\nHost: a\r\n\r\n"), statuses: [200, 505], staysOpen: false),
    ]

    // MARK: Limits (small limits of this server)

    static let limits: [SmugglingCase] = [
        serve([200], "request line just under the limit", .h1spec,
              get([], target: "/healthz?" + String(repeating: "q", count: maxRequestLine - 30))),
        serve([405], "body exactly at the limit", .h1spec, post(["Content-Length: \(maxBody)"], body: String(repeating: "b", count: maxBody))),
        serve([405], "chunk extension exactly at the limit", .h1spec,
              post(["Transfer-Encoding: chunked"], body: "1;" + String(repeating: "e", count: maxChunkExtension) + "\r\nx\r\n0\r\n\r\n")),
        refuse(414, "request line over the limit", .h1spec, get([], target: "/" + String(repeating: "a", count: maxRequestLine))),
        refuse(431, "header block over the limit", .h1spec, get(["X: " + String(repeating: "h", count: maxHeaderBytes)])),
        refuse(431, "too many header fields", .h1spec, get((0...maxFields).map { "X-\($0): v" })),
        refuse(413, "Content-Length over the body limit", .h1spec, post(["Content-Length: \(maxBody + 1)"], body: "")),
        refuse(413, "huge Content-Length (15 digits)", .h1spec, post(["Content-Length: 999999999999999"], body: "")),
        refuse(413, "chunked body over the limit", .h1spec, post(["Transfer-Encoding: chunked"], body: String(maxBody + 1, radix: 16) + "\r\n")),
        refuse(413, "chunked body over the limit in small chunks", .httpGarden,
               post(["Transfer-Encoding: chunked"], body: String(repeating: "800\r\n" + String(repeating: "c", count: 2048) + "\r\n", count: 3))),
        refuse(400, "chunk extension over the limit", .h1spec,
               post(["Transfer-Encoding: chunked"], body: "1;" + String(repeating: "e", count: maxChunkExtension + 1) + "\r\nx\r\n0\r\n\r\n")),
        refuse(431, "trailer section over the limit", .h1spec,
               post(["Transfer-Encoding: chunked"], body: "0\r\nT: " + String(repeating: "t", count: maxHeaderBytes) + "\r\n\r\n")),
    ]
}

private extension Array where Element == UInt8 {
    /// Replaces the first occurrence of `old` (ASCII) with `new`.
    func replacingFirst(_ old: String, _ new: String) -> [UInt8] {
        let o = Array(old.utf8), n = Array(new.utf8)
        guard count >= o.count else { return self }
        for i in 0...(count - o.count) where Array(self[i..<(i + o.count)]) == o {
            return Array(self[..<i]) + n + Array(self[(i + o.count)...])
        }
        return self
    }
}
