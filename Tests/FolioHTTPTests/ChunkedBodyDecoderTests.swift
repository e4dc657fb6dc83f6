import Testing
@testable import FolioHTTP

struct ChunkedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    /// The decoded body, or the error.
    let expected: Result<[UInt8], HTTPParseError>
    let limits: HTTPLimits
    /// Bytes after the body (the next request) that must not be consumed.
    let trailing: Int

    init(_ name: String, _ input: String, _ expected: Result<[UInt8], HTTPParseError>, limits: HTTPLimits = HTTPLimits(), trailing: Int = 0) {
        self.name = name
        self.input = Array(input.utf8)
        self.expected = expected
        self.limits = limits
        self.trailing = trailing
    }

    var testDescription: String { name }
}

private func body(_ s: String) -> Result<[UInt8], HTTPParseError> { .success(Array(s.utf8)) }

let chunkedCases: [ChunkedCase] = [
    ChunkedCase("empty body", "0\r\n\r\n", body("")),
    ChunkedCase("one chunk", "5\r\nhello\r\n0\r\n\r\n", body("hello")),
    ChunkedCase("several chunks, upper and lower hex", "3\r\nabc\r\nA\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n",
                body("abc0123456789abcdefghij")),
    ChunkedCase("leading zeros", "0005\r\nhello\r\n000\r\n\r\n", body("hello")),
    ChunkedCase("data containing CRLF", "4\r\n\r\n\r\n\r\n0\r\n\r\n", body("\r\n\r\n")),
    ChunkedCase("extensions", "5;name=value;flag\r\nhello\r\n0;last\r\n\r\n", body("hello")),
    ChunkedCase("quoted extension with ; and CR-free specials", "2;x=\"a;b,c=d\"\r\nhi\r\n0\r\n\r\n", body("hi")),
    ChunkedCase("trailer fields", "2\r\nhi\r\n0\r\nChecksum: abc\r\nX-Empty:\r\n\r\n", body("hi")),
    ChunkedCase("next request not consumed", "2\r\nhi\r\n0\r\n\r\nGET / HTTP/1.1\r\n", body("hi"), trailing: 16),
    ChunkedCase("body exactly at the limit", "40\r\n" + String(repeating: "x", count: 64) + "\r\n0\r\n\r\n",
                body(String(repeating: "x", count: 64)), limits: smallLimits),
    ChunkedCase("extension exactly at the limit", "1;12345678\r\nx\r\n0\r\n\r\n", body("x"), limits: smallLimits),
    ChunkedCase("15 hex digits", "000000000000001\r\nx\r\n0\r\n\r\n", body("x")),
    // RFC 9112 §7.1.1: BWS before ";" in chunk-ext.
    ChunkedCase("space before extension", "5 ;a=b\r\nhello\r\n0 \t;x\r\n\r\n", body("hello")),
    ChunkedCase("tab before extension", "5\t;a\r\nhello\r\n0\r\n\r\n", body("hello")),

    ChunkedCase("no size", "\r\nhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("bad hex", "5g\r\nhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("hex prefix", "0x5\r\nhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("sign", "+5\r\nhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("space after size", "5 \r\nhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("space then a second size", "5 5\r\nhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("whitespace before extension over the limit", "1" + String(repeating: " ", count: 20) + ";a\r\nx\r\n0\r\n\r\n",
                .failure(.chunkExtensionTooLong), limits: smallLimits),
    ChunkedCase("16 hex digits (overflow)", "0000000000000001\r\nx\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("huge size", "ffffffffffffffffff\r\n", .failure(.badChunkSize)),
    ChunkedCase("bare LF after size", "5\nhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("bare CR after size", "5\rhello\r\n0\r\n\r\n", .failure(.badChunkSize)),
    ChunkedCase("bare LF after extension", "5;a\nhello\r\n0\r\n\r\n", .failure(.badChunkExtension)),
    ChunkedCase("data longer than the size", "3\r\nhello\r\n0\r\n\r\n", .failure(.badChunkTerminator)),
    ChunkedCase("bare LF after data", "5\r\nhello\n0\r\n\r\n", .failure(.badChunkTerminator)),
    ChunkedCase("CR without LF after data", "5\r\nhello\rx0\r\n\r\n", .failure(.badChunkTerminator)),
    ChunkedCase("extension one over the limit", "1;123456789\r\nx\r\n0\r\n\r\n", .failure(.chunkExtensionTooLong), limits: smallLimits),
    ChunkedCase("extension far over the default limit", "1;" + String(repeating: "e", count: 2000) + "\r\nx\r\n0\r\n\r\n",
                .failure(.chunkExtensionTooLong)),
    ChunkedCase("NUL in extension", "1;a\u{0}\r\nx\r\n0\r\n\r\n", .failure(.badChunkExtension)),
    ChunkedCase("control character in extension", "1;a=\u{1}\r\nx\r\n0\r\n\r\n", .failure(.badChunkExtension)),
    ChunkedCase("unterminated quote swallows CR", "1;a=\"x\r\nx\r\n0\r\n\r\n", .failure(.badChunkExtension)),
    ChunkedCase("chunk over the body limit", "41\r\n" + String(repeating: "x", count: 65) + "\r\n0\r\n\r\n",
                .failure(.bodyTooLarge), limits: smallLimits),
    ChunkedCase("chunks adding up over the body limit", "20\r\n" + String(repeating: "x", count: 32) + "\r\n21\r\n" + String(repeating: "y", count: 33) + "\r\n0\r\n\r\n",
                .failure(.bodyTooLarge), limits: smallLimits),
    ChunkedCase("huge chunk over the default limit", "fffffffffffffff\r\n", .failure(.bodyTooLarge)),
    ChunkedCase("trailer obs-fold", "0\r\nA: 1\r\n folded\r\n\r\n", .failure(.obsFold)),
    ChunkedCase("trailer starting with whitespace", "0\r\n\tA: 1\r\n\r\n", .failure(.obsFold)),
    ChunkedCase("trailer space before colon", "0\r\nA : 1\r\n\r\n", .failure(.spaceBeforeColon)),
    ChunkedCase("trailer without colon", "0\r\nA\r\n\r\n", .failure(.badFieldName)),
    ChunkedCase("trailer NUL in value", "0\r\nA: \u{0}\r\n\r\n", .failure(.badFieldValue)),
    ChunkedCase("trailer bare LF in value", "0\r\nA: 1\n\r\n", .failure(.bareLF)),
    ChunkedCase("trailer bare LF line", "0\r\n\n", .failure(.badFieldName)),
    ChunkedCase("trailer bare CR", "0\r\nA: 1\rB: 2\r\n\r\n", .failure(.bareCR)),
    ChunkedCase("last chunk with bare CR", "0\r\n\rx", .failure(.bareCR)),
    ChunkedCase("trailer section too large", "0\r\nA: " + String(repeating: "v", count: 100) + "\r\n\r\n",
                .failure(.trailerTooLarge), limits: smallLimits),
    ChunkedCase("many trailer lines too large", "0\r\n" + String(repeating: "A: 1234567890\r\n", count: 8) + "\r\n",
                .failure(.trailerTooLarge), limits: smallLimits),
]

private func decodeAll(_ input: ArraySlice<UInt8>, limits: HTTPLimits) -> (ChunkedBodyDecoder.Progress, [UInt8]) {
    var decoder = ChunkedBodyDecoder()
    var out: [UInt8] = []
    let copy = Array(input)
    let progress = copy.withUnsafeBytes { decoder.decode($0, into: &out, limits: limits) }
    return (progress, out)
}

@Suite("Chunked body decoder")
struct ChunkedBodyDecoderTests {
    @Test("all at once", arguments: chunkedCases)
    func allAtOnce(_ c: ChunkedCase) {
        let (progress, out) = decodeAll(c.input[...], limits: c.limits)
        switch (c.expected, progress) {
        case (.success(let expected), .done(let consumed)):
            #expect(out == expected)
            #expect(consumed == c.input.count - c.trailing)
        case (.failure(let expected), .failure(let error)):
            #expect(error == expected)
        default:
            Issue.record("expected \(c.expected), got \(progress)")
        }
    }

    /// One byte per call, each call given only the bytes not yet consumed plus the new one.
    @Test("byte by byte", arguments: chunkedCases)
    func byteByByte(_ c: ChunkedCase) {
        var decoder = ChunkedBodyDecoder()
        var out: [UInt8] = []
        var pending: [UInt8] = []
        var final: ChunkedBodyDecoder.Progress?
        var fed = 0
        for b in c.input {
            pending.append(b)
            fed += 1
            let progress = pending.withUnsafeBytes { decoder.decode($0, into: &out, limits: c.limits) }
            switch progress {
            case .needMore(let consumed):
                pending.removeFirst(consumed)
            case .done(let consumed):
                #expect(consumed == pending.count, "done must be reported on the byte that completes the body")
                final = progress
            case .failure:
                final = progress
            }
            if final != nil { break }
        }
        switch (c.expected, final) {
        case (.success(let expected), .done?):
            #expect(out == expected)
            #expect(fed == c.input.count - c.trailing)
        case (.failure(let expected), .failure(let error)?):
            #expect(error == expected)
        default:
            Issue.record("expected \(c.expected), got \(String(describing: final))")
        }
    }

    @Test("every split point in two calls", arguments: chunkedCases.filter { $0.input.count < 300 })
    func twoPieces(_ c: ChunkedCase) {
        let (whole, wholeOut) = decodeAll(c.input[...], limits: c.limits)
        for split in 0...c.input.count {
            var decoder = ChunkedBodyDecoder()
            var out: [UInt8] = []
            let first = Array(c.input[..<split])
            var progress = first.withUnsafeBytes { decoder.decode($0, into: &out, limits: c.limits) }
            if case .needMore(let consumed) = progress {
                let rest = Array(c.input[consumed...])
                progress = rest.withUnsafeBytes { decoder.decode($0, into: &out, limits: c.limits) }
                if case .done(let n) = progress { progress = .done(consumed: n + consumed) }
            }
            #expect(progress == whole, "split at \(split)")
            if case .done = progress { #expect(out == wholeOut) }
        }
    }

    @Test("after done, more calls stay done and consume nothing")
    func doneIsFinal() {
        var decoder = ChunkedBodyDecoder()
        var out: [UInt8] = []
        let input = bytes("1\r\nx\r\n0\r\n\r\n")
        #expect(input.withUnsafeBytes { decoder.decode($0, into: &out, limits: HTTPLimits()) } == .done(consumed: input.count))
        let next = bytes("GET")
        #expect(next.withUnsafeBytes { decoder.decode($0, into: &out, limits: HTTPLimits()) } == .done(consumed: 0))
        #expect([UInt8]().withUnsafeBytes { decoder.decode($0, into: &out, limits: HTTPLimits()) } == .done(consumed: 0))
        #expect(out == bytes("x"))
    }

    @Test("the body limit counts bytes decoded across calls")
    func limitAcrossCalls() {
        var decoder = ChunkedBodyDecoder()
        var out: [UInt8] = []
        let chunk = bytes("20\r\n" + String(repeating: "x", count: 32) + "\r\n")
        for expected in [ChunkedBodyDecoder.Progress.needMore(consumed: chunk.count), .needMore(consumed: chunk.count)] {
            #expect(chunk.withUnsafeBytes { decoder.decode($0, into: &out, limits: smallLimits) } == expected)
        }
        #expect(chunk.withUnsafeBytes { decoder.decode($0, into: &out, limits: smallLimits) } == .failure(.bodyTooLarge))
    }
}
