import Testing
@testable import FolioHTTP

/// What a whole request must parse to.
struct ExpectedHead: Sendable {
    var method: HTTPMethod = .get
    var version: HTTPVersion = .http11
    var path = "/"
    var query = ""
    var framing: HTTPBodyFraming = .none
    var keepAlive = true
    var expectContinue = false
    var fieldCount: Int?
}

enum Outcome: Sendable {
    case parses(ExpectedHead)
    case fails(HTTPParseError)

    static func ok(
        _ method: HTTPMethod = .get, _ version: HTTPVersion = .http11, path: String = "/", query: String = "",
        framing: HTTPBodyFraming = .none, keepAlive: Bool? = nil, expectContinue: Bool = false, fields: Int? = nil
    ) -> Outcome {
        .parses(ExpectedHead(
            method: method, version: version, path: path, query: query, framing: framing,
            keepAlive: keepAlive ?? (version == .http11), expectContinue: expectContinue, fieldCount: fields))
    }
}

/// One row of the request table: raw bytes, limits, and the outcome of parsing them whole.
struct RequestCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let outcome: Outcome
    let limits: HTTPLimits
    /// Bytes after the head (a body, the next request) that the parser must not consume.
    let trailing: Int

    init(_ name: String, _ input: [UInt8], _ outcome: Outcome, limits: HTTPLimits = HTTPLimits(), trailing: Int = 0) {
        self.name = name
        self.input = input
        self.outcome = outcome
        self.limits = limits
        self.trailing = trailing
    }

    var testDescription: String { name }
}

private typealias C = RequestCase
private let host = "Host: example.com"

/// Valid request shapes and the facts the parser must report for them.
let validRequestCases: [RequestCase] = [
    C("minimal GET", head("GET / HTTP/1.1", host), .ok(fields: 1)),
    C("path and query", head("GET /api/v1/articles?page=2&size=10 HTTP/1.1", host),
      .ok(path: "/api/v1/articles", query: "page=2&size=10")),
    C("empty query", head("GET /a? HTTP/1.1", host), .ok(path: "/a", query: "")),
    C("question mark inside query", head("GET /a?b?c=/d HTTP/1.1", host), .ok(path: "/a", query: "b?c=/d")),
    C("percent-encoded path", head("GET /a%20b/%2e%2e HTTP/1.1", host), .ok(path: "/a%20b/%2e%2e")),
    C("HEAD", head("HEAD /x HTTP/1.1", host), .ok(.head, path: "/x")),
    C("POST with Content-Length", head("POST /x HTTP/1.1", host, "Content-Length: 5") + bytes("hello"),
      .ok(.post, path: "/x", framing: .length(5), fields: 2), trailing: 5),
    C("PUT chunked", head("PUT /x HTTP/1.1", host, "Transfer-Encoding: chunked"),
      .ok(.put, path: "/x", framing: .chunked)),
    C("PATCH", head("PATCH /x HTTP/1.1", host, "Content-Length: 2"), .ok(.patch, path: "/x", framing: .length(2))),
    C("DELETE", head("DELETE /x/1 HTTP/1.1", host), .ok(.delete, path: "/x/1")),
    C("TRACE", head("TRACE / HTTP/1.1", host), .ok(.trace)),
    C("OPTIONS asterisk-form", head("OPTIONS * HTTP/1.1", host), .ok(.options, path: "*")),
    C("OPTIONS origin-form", head("OPTIONS /x HTTP/1.1", host), .ok(.options, path: "/x")),
    C("absolute-form", head("GET http://example.com/a/b?x=1 HTTP/1.1", host), .ok(path: "/a/b", query: "x=1")),
    C("absolute-form https with port", head("GET https://example.com:8443/ HTTP/1.1", host), .ok(path: "/")),
    C("Content-Length: 0 has no body", head("POST / HTTP/1.1", host, "Content-Length: 0"), .ok(.post)),
    C("Content-Length with leading zeros", head("POST / HTTP/1.1", host, "Content-Length: 007"),
      .ok(.post, framing: .length(7))),
    C("Content-Length of 15 digits", head("POST / HTTP/1.1", host, "Content-Length: 100000000000000"),
      .ok(.post, framing: .length(100_000_000_000_000))),
    C("Transfer-Encoding in any case", head("POST / HTTP/1.1", host, "transfer-encoding: ChUnKeD"),
      .ok(.post, framing: .chunked)),
    C("Expect 100-continue with a body", head("POST / HTTP/1.1", host, "Content-Length: 3", "Expect: 100-continue"),
      .ok(.post, framing: .length(3), expectContinue: true)),
    C("Expect 100-continue any case, chunked", head("POST / HTTP/1.1", host, "Transfer-Encoding: chunked", "expect: 100-Continue"),
      .ok(.post, framing: .chunked, expectContinue: true)),
    C("Expect 100-continue without a body", head("GET / HTTP/1.1", host, "Expect: 100-continue"), .ok()),
    C("Expect 100-continue on HTTP/1.0 is ignored", head("POST / HTTP/1.0", "Content-Length: 3", "Expect: 100-continue"),
      .ok(.post, .http10, framing: .length(3))),
    C("HTTP/1.0 without Host closes", head("GET / HTTP/1.0"), .ok(.get, .http10, keepAlive: false, fields: 0)),
    C("HTTP/1.0 keep-alive", head("GET / HTTP/1.0", "Connection: keep-alive"), .ok(.get, .http10, keepAlive: true)),
    C("HTTP/1.0 Keep-Alive in a list", head("GET / HTTP/1.0", "Connection: foo, Keep-Alive "), .ok(.get, .http10, keepAlive: true)),
    C("HTTP/1.0 keep-alive and close", head("GET / HTTP/1.0", "Connection: keep-alive, close"), .ok(.get, .http10, keepAlive: false)),
    C("HTTP/1.0 keep-alive-ish token", head("GET / HTTP/1.0", "Connection: keep-alives"), .ok(.get, .http10, keepAlive: false)),
    C("HTTP/1.1 close", head("GET / HTTP/1.1", host, "Connection: close"), .ok(keepAlive: false)),
    C("HTTP/1.1 Close in a list", head("GET / HTTP/1.1", host, "Connection: upgrade,Close"), .ok(keepAlive: false)),
    C("HTTP/1.1 close in a second Connection field", head("GET / HTTP/1.1", host, "Connection: te", "connection: close"),
      .ok(keepAlive: false)),
    C("HTTP/1.1 closed is not close", head("GET / HTTP/1.1", host, "Connection: closed"), .ok(keepAlive: true)),
    C("HTTP/1.1 explicit keep-alive", head("GET / HTTP/1.1", host, "Connection: keep-alive"), .ok(keepAlive: true)),
    C("one leading empty line", bytes("\r\n") + head("GET / HTTP/1.1", host), .ok()),
    C("two leading empty lines", bytes("\r\n\r\n") + head("GET / HTTP/1.1", host), .ok()),
    C("empty Host on HTTP/1.1", head("GET / HTTP/1.1", "Host:"), .ok()),
    C("IPv6 Host with port", head("GET / HTTP/1.1", "Host: [::1]:8080"), .ok()),
    C("host in any case", head("GET / HTTP/1.1", "hOsT: a"), .ok()),
    C("OWS around values, HTAB inside", head("GET / HTTP/1.1", "Host: \t a \t", "X-A:\tone\ttwo  "), .ok(fields: 2)),
    C("empty field value", head("GET / HTTP/1.1", host, "X-Empty:"), .ok(fields: 2)),
    C("obs-text in a field value", Array(head("GET / HTTP/1.1", host).dropLast(2)) + [0x58, 0x3A, 0x20, 0x80, 0xFF, 0xC3, 0xA9, 0x0D, 0x0A, 0x0D, 0x0A],
      .ok(fields: 2)),
    C("token characters in names", head("GET / HTTP/1.1", host, "!#$%&'*+-.^_`|~09azAZ: v"), .ok(fields: 2)),
    C("request line exactly at the limit", head("GET /" + String(repeating: "a", count: 18) + " HTTP/1.1", "Host: a"),
      .ok(path: "/" + String(repeating: "a", count: 18)), limits: smallLimits),
    C("header block exactly at the limit", head("GET / HTTP/1.1", "Host: a", "X: " + String(repeating: "v", count: 64)),
      .ok(), limits: smallLimits),
    C("header fields exactly at the limit", head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2", "C: 3"),
      .ok(fields: 4), limits: smallLimits),
    C("100 header fields by default", head(["GET / HTTP/1.1", host] + (1..<100).map { "X-\($0): v" }),
      .ok(fields: 100)),
    C("next request follows", head("GET /a HTTP/1.1", host) + head("GET /b HTTP/1.1", host),
      .ok(path: "/a"), trailing: head("GET /b HTTP/1.1", host).count),
]

/// Everything the parser must refuse, with the exact error.
let rejectedRequestCases: [RequestCase] = [
    // Framing: smuggling shapes.
    C("Content-Length with Transfer-Encoding", head("POST / HTTP/1.1", host, "Content-Length: 5", "Transfer-Encoding: chunked"),
      .fails(.lengthAndChunked)),
    C("Transfer-Encoding with Content-Length", head("POST / HTTP/1.1", host, "Transfer-Encoding: chunked", "Content-Length: 5"),
      .fails(.lengthAndChunked)),
    C("duplicate Content-Length, same value", head("POST / HTTP/1.1", host, "Content-Length: 5", "Content-Length: 5"),
      .fails(.duplicateContentLength)),
    C("duplicate Content-Length, different values", head("POST / HTTP/1.1", host, "Content-Length: 5", "content-length: 6"),
      .fails(.duplicateContentLength)),
    C("Content-Length list", head("POST / HTTP/1.1", host, "Content-Length: 5, 5"), .fails(.badContentLength)),
    C("Content-Length plus sign", head("POST / HTTP/1.1", host, "Content-Length: +5"), .fails(.badContentLength)),
    C("Content-Length minus sign", head("POST / HTTP/1.1", host, "Content-Length: -1"), .fails(.badContentLength)),
    C("Content-Length non-numeric", head("POST / HTTP/1.1", host, "Content-Length: abc"), .fails(.badContentLength)),
    C("Content-Length hex", head("POST / HTTP/1.1", host, "Content-Length: 0x10"), .fails(.badContentLength)),
    C("Content-Length inner space", head("POST / HTTP/1.1", host, "Content-Length: 1 2"), .fails(.badContentLength)),
    C("Content-Length empty", head("POST / HTTP/1.1", host, "Content-Length:"), .fails(.badContentLength)),
    C("Content-Length of 16 digits", head("POST / HTTP/1.1", host, "Content-Length: 1000000000000000"),
      .fails(.badContentLength)),
    C("Content-Length of 20 digits (overflow)", head("POST / HTTP/1.1", host, "Content-Length: 18446744073709551617"),
      .fails(.badContentLength)),
    C("Transfer-Encoding gzip only", head("POST / HTTP/1.1", host, "Transfer-Encoding: gzip"), .fails(.badTransferEncoding)),
    C("Transfer-Encoding chunked then gzip", head("POST / HTTP/1.1", host, "Transfer-Encoding: chunked, gzip"),
      .fails(.badTransferEncoding)),
    C("Transfer-Encoding identity", head("POST / HTTP/1.1", host, "Transfer-Encoding: identity"), .fails(.badTransferEncoding)),
    C("Transfer-Encoding chunked twice", head("POST / HTTP/1.1", host, "Transfer-Encoding: chunked, chunked"),
      .fails(.badTransferEncoding)),
    C("Transfer-Encoding chunked in two fields", head("POST / HTTP/1.1", host, "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"),
      .fails(.badTransferEncoding)),
    C("Transfer-Encoding empty", head("POST / HTTP/1.1", host, "Transfer-Encoding:"), .fails(.badTransferEncoding)),
    C("Transfer-Encoding empty element", head("POST / HTTP/1.1", host, "Transfer-Encoding: , chunked"), .fails(.badTransferEncoding)),
    C("Transfer-Encoding chunked with junk", head("POST / HTTP/1.1", host, "Transfer-Encoding: chunked\"x\""),
      .fails(.badTransferEncoding)),
    C("Transfer-Encoding unknown coding before chunked", head("POST / HTTP/1.1", host, "Transfer-Encoding: gzip, chunked"),
      .fails(.unknownTransferCoding)),
    C("Transfer-Encoding unknown coding in an earlier field", head("POST / HTTP/1.1", host, "Transfer-Encoding: br", "Transfer-Encoding: chunked"),
      .fails(.unknownTransferCoding)),
    C("Transfer-Encoding coding with parameters", head("POST / HTTP/1.1", host, "Transfer-Encoding: chunked;q=1"),
      .fails(.unknownTransferCoding)),
    C("Transfer-Encoding on HTTP/1.0", head("POST / HTTP/1.0", "Transfer-Encoding: chunked"), .fails(.transferEncodingOnHTTP10)),
    // Field syntax.
    C("obs-fold with SP", head("GET / HTTP/1.1", host, "X: a", " b"), .fails(.obsFold)),
    C("obs-fold with HTAB", head("GET / HTTP/1.1", host, "X: a", "\tb"), .fails(.obsFold)),
    C("whitespace before the first field", head("GET / HTTP/1.1", " Host: a"), .fails(.obsFold)),
    C("space before colon", head("GET / HTTP/1.1", "Host : a"), .fails(.spaceBeforeColon)),
    C("tab before colon", head("GET / HTTP/1.1", host, "Content-Length\t: 5"), .fails(.spaceBeforeColon)),
    C("field without colon", head("GET / HTTP/1.1", host, "X-No-Colon"), .fails(.badFieldName)),
    C("empty field name", head("GET / HTTP/1.1", host, ": v"), .fails(.badFieldName)),
    C("separator in field name", head("GET / HTTP/1.1", host, "X(Y): v"), .fails(.badFieldName)),
    C("NUL in field name", head("GET / HTTP/1.1", host, "X\u{0}Y: v"), .fails(.badFieldName)),
    C("control character in field name", head("GET / HTTP/1.1", host, "X\u{1}Y: v"), .fails(.badFieldName)),
    C("DEL in field name", head("GET / HTTP/1.1", host, "X\u{7F}Y: v"), .fails(.badFieldName)),
    C("bare CR in field name", head("GET / HTTP/1.1", host, "X\rY: v"), .fails(.bareCR)),
    C("bare LF in field name", head("GET / HTTP/1.1", host, "X\nY: v"), .fails(.bareLF)),
    C("NUL in field value", head("GET / HTTP/1.1", host, "X: a\u{0}b"), .fails(.badFieldValue)),
    C("control character in field value", head("GET / HTTP/1.1", host, "X: a\u{1F}b"), .fails(.badFieldValue)),
    C("DEL in field value", head("GET / HTTP/1.1", host, "X: a\u{7F}b"), .fails(.badFieldValue)),
    C("bare CR in field value", head("GET / HTTP/1.1", host, "X: a\rb"), .fails(.bareCR)),
    C("bare LF in field value", head("GET / HTTP/1.1", host, "X: a\nY: b"), .fails(.bareLF)),
    C("bare LF ending the request line", bytes("GET / HTTP/1.1\nHost: a\r\n\r\n"), .fails(.bareLF)),
    C("bare LF line endings throughout", bytes("GET / HTTP/1.1\nHost: a\n\n"), .fails(.bareLF)),
    C("bare LF after a field line", bytes("GET / HTTP/1.1\r\nHost: a\n\r\n\r\n"), .fails(.bareLF)),
    C("bare CR ending the request line", bytes("GET / HTTP/1.1\rHost: a\r\n\r\n"), .fails(.badVersion)),
    C("leading bare LF", bytes("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), .fails(.bareLF)),
    // Host.
    C("missing Host on HTTP/1.1", head("GET / HTTP/1.1", "Accept: */*"), .fails(.missingHost)),
    C("duplicate Host", head("GET / HTTP/1.1", "Host: a", "Host: a"), .fails(.duplicateHost)),
    C("duplicate Host, different case", head("GET / HTTP/1.1", "Host: a", "HOST: b"), .fails(.duplicateHost)),
    C("Host with a slash", head("GET / HTTP/1.1", "Host: a/b"), .fails(.badHost)),
    C("Host with userinfo", head("GET / HTTP/1.1", "Host: u@a"), .fails(.badHost)),
    C("Host with a space", head("GET / HTTP/1.1", "Host: a b"), .fails(.badHost)),
    // Request line.
    C("junk before the request line", bytes("xx\r\n") + head("GET / HTTP/1.1", host), .fails(.badRequestLine)),
    C("TLS handshake", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03], .fails(.badRequestLine)),
    C("space before the method", head(" GET / HTTP/1.1", host), .fails(.badRequestLine)),
    C("NUL before the method", [0] + head("GET / HTTP/1.1", host), .fails(.badRequestLine)),
    C("separator in method", head("GE(T / HTTP/1.1", host), .fails(.badRequestLine)),
    C("tab after method", head("GET\t/ HTTP/1.1", host), .fails(.badRequestLine)),
    C("request line without target", head("GET", host), .fails(.badRequestLine)),
    C("request line without version", head("GET /", host), .fails(.badRequestLine)),
    C("33 leading empty lines", bytes(String(repeating: "\r\n", count: 33)) + head("GET / HTTP/1.1", host), .fails(.badRequestLine)),
    C("HTTP/2.0", head("GET / HTTP/2.0", host), .fails(.unsupportedVersion)),
    C("HTTP/1.2 is served as HTTP/1.1 (RFC 9110 §2.5)", head("GET / HTTP/1.2", host), .ok()),
    C("HTTP/1.9 is served as HTTP/1.1", head("GET / HTTP/1.9", host), .ok()),
    C("HTTP/0.9", head("GET / HTTP/0.9", host), .fails(.unsupportedVersion)),
    C("HTTP/3.0", head("GET / HTTP/3.0", host), .fails(.unsupportedVersion)),
    C("version lowercase", head("GET / http/1.1", host), .fails(.badVersion)),
    C("version HTTP/1.10", head("GET / HTTP/1.10", host), .fails(.badVersion)),
    C("version HTTP/1", head("GET / HTTP/1", host), .fails(.badVersion)),
    C("version HTTP/11", head("GET / HTTP/11", host), .fails(.badVersion)),
    C("version with trailing space", head("GET / HTTP/1.1 ", host), .fails(.badVersion)),
    C("version with letters", head("GET / HTTP/a.b", host), .fails(.badVersion)),
    C("version HTTPS/1.1", head("GET / HTTPS/1.1", host), .fails(.badVersion)),
    C("version missing", head("GET / ", host), .fails(.badVersion)),
    C("unknown method", head("BREW /pot HTTP/1.1", host), .fails(.unknownMethod)),
    C("lowercase method", head("get / HTTP/1.1", host), .fails(.unknownMethod)),
    C("CONNECT authority-form", head("CONNECT example.com:443 HTTP/1.1", host), .fails(.unknownMethod)),
    C("unknown method with asterisk", head("FOO * HTTP/1.1", host), .fails(.unknownMethod)),
    C("Expect other than 100-continue", head("POST / HTTP/1.1", host, "Content-Length: 1", "Expect: 200-ok"),
      .fails(.expectationFailed)),
    C("Expect 100-continue in a list", head("POST / HTTP/1.1", host, "Content-Length: 1", "Expect: 100-continue, x"),
      .fails(.expectationFailed)),
    // Target.
    C("target without leading slash", head("GET a/b HTTP/1.1", host), .fails(.badTarget)),
    C("asterisk-form for GET", head("GET * HTTP/1.1", host), .fails(.badTarget)),
    C("fragment in path", head("GET /a#b HTTP/1.1", host), .fails(.badTarget)),
    C("fragment in query", head("GET /a?b#c HTTP/1.1", host), .fails(.badTarget)),
    C("two spaces before the target", head("GET  / HTTP/1.1", host), .fails(.badTarget)),
    C("control character in target", head("GET /a\u{1}b HTTP/1.1", host), .fails(.badTarget)),
    C("DEL in target", head("GET /a\u{7F} HTTP/1.1", host), .fails(.badTarget)),
    C("non-ASCII in target", head("GET /é HTTP/1.1", host), .fails(.badTarget)),
    C("absolute-form without a path", head("GET http://example.com HTTP/1.1", host), .fails(.badTarget)),
    C("authority-form for GET", head("GET example.com:80 HTTP/1.1", host), .fails(.badTarget)),
    // Limits.
    C("request line one over the limit", head("GET /" + String(repeating: "a", count: 19) + " HTTP/1.1", "Host: a"),
      .fails(.requestLineTooLong), limits: smallLimits),
    C("request line far over the limit", head("GET /" + String(repeating: "a", count: 200) + " HTTP/1.1", "Host: a"),
      .fails(.requestLineTooLong), limits: smallLimits),
    C("long request line with a bad target byte", head("GET /" + String(repeating: "a", count: 40) + "\u{1} HTTP/1.1", "Host: a"),
      .fails(.requestLineTooLong), limits: smallLimits),
    C("long method token", head(String(repeating: "G", count: 40) + " / HTTP/1.1", "Host: a"),
      .fails(.requestLineTooLong), limits: smallLimits),
    // Found by the fuzzer against the original parser: the prefix without the CR got 414, the
    // whole (a non-token byte after the long token) got 400.
    C("fuzz: long token then CR", bytes("qqqqqqqsqqqqqqkeep-aliveqqqqqqqqqqqqqqqqqqqqqqqqq\r"),
      .fails(.requestLineTooLong), limits: fuzzLimits),
    C("long token then a separator", bytes(String(repeating: "q", count: 40) + "(\r\n\r\n"),
      .fails(.requestLineTooLong), limits: smallLimits),
    C("default 8 KiB request line", head("GET /" + String(repeating: "a", count: 8200) + " HTTP/1.1", host),
      .fails(.requestLineTooLong)),
    C("header block one over the limit", head("GET / HTTP/1.1", "Host: a", "X: " + String(repeating: "v", count: 65)),
      .fails(.headersTooLarge), limits: smallLimits),
    C("header block far over the limit", head("GET / HTTP/1.1", "Host: a", "X: " + String(repeating: "v", count: 500)),
      .fails(.headersTooLarge), limits: smallLimits),
    C("too many header fields", head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2", "C: 3", "D: 4"),
      .fails(.tooManyHeaders), limits: smallLimits),
    C("101 header fields by default", head(["GET / HTTP/1.1", host] + (1...100).map { "X-\($0): v" }),
      .fails(.tooManyHeaders)),
    C("default 16 KiB header block", head(["GET / HTTP/1.1", host] + (1...40).map { "X-\($0): " + String(repeating: "v", count: 500) }),
      .fails(.headersTooLarge)),
]

let allRequestCases = validRequestCases + rejectedRequestCases

private func head(_ lines: [String]) -> [UInt8] {
    Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
}
