import Testing
@testable import FolioHTTP

/// Checks a whole-input result against the case's expected outcome.
private func verify(_ c: RequestCase, _ result: HTTPHeadParseResult, _ fields: [HTTPFieldRange]) {
    switch (c.outcome, result) {
    case (.fails(let expected), .failure(let error)):
        #expect(error == expected, "\(c.name)")
    case (.parses(let e), .complete(let h)):
        #expect(h.method == e.method)
        #expect(h.version == e.version)
        #expect(text(c.input, h.start, h.pathStart, h.pathEnd) == e.path)
        #expect(text(c.input, h.start, h.queryStart, h.queryEnd) == e.query)
        #expect(h.framing == e.framing)
        #expect(h.keepAlive == e.keepAlive)
        #expect(h.expectContinue == e.expectContinue)
        #expect(h.consumed == c.input.count - c.trailing)
        if let n = e.fieldCount { #expect(fields.count == n) }
        let headLength = h.consumed - h.start
        for f in fields {
            #expect(0 <= f.nameStart && f.nameStart < f.nameEnd && f.nameEnd < f.valueStart)
            #expect(f.valueStart <= f.valueEnd && Int(f.valueEnd) <= headLength - 4)
            #expect(c.input[h.start + Int(f.nameEnd)] == UInt8(ascii: ":"))
            if f.valueEnd > f.valueStart {
                for edge in [Int(f.valueStart), Int(f.valueEnd) - 1] {
                    let b = c.input[h.start + edge]
                    #expect(b != 0x20 && b != 0x09, "value range must exclude OWS")
                }
            }
        }
    default:
        Issue.record("\(c.name): expected \(c.outcome), got \(result)")
    }
}

@Suite("Head parser: the request table")
struct HeadParserTableTests {
    @Test("the table is large enough")
    func tableSize() {
        #expect(allRequestCases.count >= 80)
        #expect(validRequestCases.count >= 30)
    }

    @Test("all at once", arguments: allRequestCases)
    func allAtOnce(_ c: RequestCase) {
        let (result, fields) = parseHead(c.input, limits: c.limits)
        verify(c, result, fields)
    }

    /// Every prefix: need more, or the same failure as the whole; once the head is all there, the
    /// same result as the whole. Long inputs are sampled (every prefix near the ends and limits).
    @Test("byte by byte", arguments: allRequestCases)
    func byteByByte(_ c: RequestCase) {
        let (whole, _) = parseHead(c.input, limits: c.limits)
        let complete: Int
        switch c.outcome {
        case .parses: complete = c.input.count - c.trailing
        case .fails: complete = c.input.count
        }
        for p in prefixLengths(c.input.count) {
            let (result, fields) = parseHead(c.input[..<p], limits: c.limits)
            if p >= complete {
                #expect(result == whole, "prefix \(p) of \(c.input.count)")
                if case .complete = result { verify(c, result, fields) }
                continue
            }
            switch (result, c.outcome) {
            case (.needMore, _):
                break
            case (.failure(let error), .fails(let expected)):
                #expect(error == expected, "prefix \(p) of \(c.input.count): \(error)")
            default:
                Issue.record("prefix \(p) of \(c.input.count): \(result)")
            }
        }
    }

    /// The way a connection reads: a growing buffer, with `scanFrom` skipping bytes already searched.
    @Test("byte by byte with scanFrom", arguments: allRequestCases)
    func byteByByteScanFrom(_ c: RequestCase) {
        var fields: [HTTPFieldRange] = []
        var seen = 0
        var last: HTTPHeadParseResult = .needMore
        for p in 1...c.input.count {
            let buffer = Array(c.input[..<p])
            last = buffer.withUnsafeBytes {
                HTTPHeadParser.parse($0, limits: c.limits, fields: &fields, scanFrom: max(0, seen - 3))
            }
            seen = p
            if last != .needMore { break }
        }
        let (whole, _) = parseHead(c.input, limits: c.limits)
        #expect(last == whole)
    }

    @Test("field names and values")
    func fieldRanges() {
        let input = head("GET / HTTP/1.1", "Host:  example.com ", "X-Empty:", "X-Tab:\tv 1\t", "Accept: */*")
        let (result, fields) = parseHead(input)
        guard case .complete(let h) = result else { Issue.record("\(result)"); return }
        let pairs = fields.map {
            (text(input, h.start, Int($0.nameStart), Int($0.nameEnd)), text(input, h.start, Int($0.valueStart), Int($0.valueEnd)))
        }
        #expect(pairs.map(\.0) == ["Host", "X-Empty", "X-Tab", "Accept"])
        #expect(pairs.map(\.1) == ["example.com", "", "v 1", "*/*"])
    }

    @Test("the fields array is reused")
    func fieldsReused() {
        var fields: [HTTPFieldRange] = []
        for input in [head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2"), head("GET / HTTP/1.1", "Host: a")] {
            let result = input.withUnsafeBytes { HTTPHeadParser.parse($0, limits: HTTPLimits(), fields: &fields) }
            guard case .complete = result else { Issue.record("\(result)"); return }
        }
        #expect(fields.count == 1)
    }

    @Test("empty input and lone CR need more")
    func emptyInputs() {
        for input in [bytes(""), bytes("\r"), bytes("\r\n"), bytes("\r\n\r"), bytes("G"), bytes("GET")] {
            #expect(parseHead(input).0 == .needMore, "\(input)")
        }
    }
}

/// All prefix lengths for short inputs; for long ones, every prefix near the start, the end and
/// the small limits, and a stride in between.
func prefixLengths(_ count: Int) -> [Int] {
    if count <= 1500 { return Array(0..<count) }
    var lengths = Set(0..<300)
    lengths.formUnion(max(0, count - 300)..<count)
    for limit in [8 * 1024, 16 * 1024] where limit - 8 < count { lengths.formUnion((limit - 8)..<min(count, limit + 8)) }
    lengths.formUnion(stride(from: 300, to: count, by: 61))
    return lengths.sorted()
}
