// libFuzzer target for the HTTP/1.1 request parser (head parser + chunked body decoder).
//
// Fuzzing build (libFuzzer supplies `main`; FUZZING leaves ours out):
//     scripts/fuzz-parser [SECONDS]
// Plain build (`swift build`): the executable runs files given on the command line through the
// same checks, to reproduce a crash without the sanitizer runtime:
//     .build/debug/FolioParserFuzzer crash-1234...

import FolioHTTP

#if canImport(Glibc)
import Glibc
#endif
#if !FUZZING
import FuzzReplay
#endif

/// libFuzzer's entry point: one input, checked under small and default limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    for limits in [FuzzChecks.smallLimits, HTTPLimits()] {
        FuzzChecks.checkStream(input, limits: limits)
        FuzzChecks.checkChunked(input, limits: limits)
    }
    FuzzChecks.checkLimitsOnlyRefuse(input)
    return 0
}

enum FuzzChecks {
    static let smallLimits: HTTPLimits = {
        var l = HTTPLimits()
        l.maxRequestLineBytes = 48
        l.maxHeaderBytes = 160
        l.maxHeaderFields = 6
        l.maxBodyBytes = 96
        l.maxChunkExtensionBytes = 12
        return l
    }()

    static func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { fatalError("invariant: \(message())", file: file, line: line) }
    }

    /// Runs `body` over a fresh heap copy of exactly `bytes` (so the address sanitizer sees any
    /// read past the end).
    static func withExactCopy<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        defer { copy.deallocate() }
        if bytes.count > 0 { copy.copyMemory(from: bytes) }
        return body(UnsafeRawBufferPointer(rebasing: copy[0..<bytes.count]))
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, _ limits: HTTPLimits, _ fields: inout [HTTPFieldRange], scanFrom: Int = 0) -> HTTPHeadParseResult {
        withExactCopy(bytes) { HTTPHeadParser.parse($0, limits: limits, fields: &fields, scanFrom: scanFrom) }
    }

    /// Reads requests one after another the way a connection does: head, body by its framing,
    /// next head at what was consumed. At most 8 requests per input.
    static func checkStream(_ input: UnsafeRawBufferPointer, limits: HTTPLimits) {
        var offset = 0
        var fields: [HTTPFieldRange] = []
        for _ in 0..<8 {
            guard offset < input.count else { return }
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            let result = parse(rest, limits, &fields)
            checkPrefixes(rest, limits: limits, whole: result)
            guard case .complete(let head) = result else { return }
            checkHead(head, fields: fields, in: rest, limits: limits)
            offset += head.consumed
            switch head.framing {
            case .none:
                break
            case .length(let n):
                guard n <= input.count - offset else { return }
                offset += n
            case .chunked:
                let body = UnsafeRawBufferPointer(rebasing: input[offset...])
                guard let consumed = checkChunked(body, limits: limits) else { return }
                offset += consumed
            }
        }
    }

    /// Smaller limits can only turn an answer into 414 or 431, never change it otherwise.
    static func checkLimitsOnlyRefuse(_ input: UnsafeRawBufferPointer) {
        var smallFields: [HTTPFieldRange] = [], fields: [HTTPFieldRange] = []
        let small = parse(input, smallLimits, &smallFields)
        let normal = parse(input, HTTPLimits(), &fields)
        if small == normal {
            if case .complete = small { require(smallFields == fields, "same head, different fields") }
            return
        }
        guard case .failure(let e) = small, e.status == 414 || e.status == 431 else {
            fatalError("invariant: small limits \(small), default limits \(normal)")
        }
    }

    /// Invariants of a complete head.
    static func checkHead(_ h: HTTPRequestHead, fields: [HTTPFieldRange], in buf: UnsafeRawBufferPointer, limits: HTTPLimits) {
        require(h.start >= 0 && h.start < h.consumed && h.consumed <= buf.count, "consumed \(h.consumed) of \(buf.count)")
        let head = UnsafeRawBufferPointer(rebasing: buf[h.start..<h.consumed])
        let n = head.count
        require(n >= 4 && head[n - 4] == 0x0D && head[n - 3] == 0x0A && head[n - 2] == 0x0D && head[n - 1] == 0x0A, "head ends in CRLFCRLF")
        require(n <= limits.maxHeaderBytes, "head \(n) over the limit")
        require(fields.count <= limits.maxHeaderFields, "too many fields accepted")
        for i in 0..<h.start where i % 2 == 0 { require(buf[i] == 0x0D && buf[i + 1] == 0x0A, "skipped bytes are empty lines") }
        // Request line: within its limit, and the target ranges inside it, in order.
        var lineEnd = 0
        while head[lineEnd] != 0x0D { lineEnd += 1 }
        require(head[lineEnd + 1] == 0x0A, "request line ends in CRLF")
        require(lineEnd <= limits.maxRequestLineBytes, "request line \(lineEnd) over the limit")
        require(0 < h.pathStart && h.pathStart < h.pathEnd && h.pathEnd <= h.queryStart && h.queryStart <= h.queryEnd && h.queryEnd < lineEnd,
                "target ranges \(h.pathStart) \(h.pathEnd) \(h.queryStart) \(h.queryEnd)")
        require(head[h.pathStart] == 0x2F || (h.pathEnd - h.pathStart == 1 && head[h.pathStart] == 0x2A && h.method == .options),
                "path starts with / (or is * for OPTIONS)")
        for i in h.pathStart..<h.queryEnd {
            let b = head[i]
            require(b > 0x20 && b < 0x7F && b != 0x23, "target byte \(b)")
            if i < h.pathEnd { require(b != 0x3F, "? inside the path") }
        }
        if h.queryStart < h.queryEnd || h.queryStart > h.pathEnd { require(head[h.pathEnd] == 0x3F, "query follows ?") }
        require(h.method != .other && h.method != .connect, "unknown method accepted")
        // Fields: inside the head, names are tokens followed by a colon, values trimmed and clean.
        var previousEnd = lineEnd + 2
        var hosts = 0, lengths = 0, encodings = 0
        for f in fields {
            let ns = Int(f.nameStart), ne = Int(f.nameEnd), vs = Int(f.valueStart), ve = Int(f.valueEnd)
            require(previousEnd == ns && ns < ne && ne < vs && vs <= ve && ve + 2 <= n - 2, "field ranges \(ns) \(ne) \(vs) \(ve)")
            require(head[ne] == 0x3A, "colon after the name")
            for i in ns..<ne { require(isToken(head[i]), "name byte \(head[i])") }
            for i in vs..<ve { let b = head[i]; require(b == 0x09 || (b >= 0x20 && b != 0x7F), "value byte \(b)") }
            if ve > vs { for i in [vs, ve - 1] { require(head[i] != 0x20 && head[i] != 0x09, "untrimmed value") } }
            var lineEnd = ve
            while head[lineEnd] == 0x20 || head[lineEnd] == 0x09 { lineEnd += 1 }
            require(head[lineEnd] == 0x0D && head[lineEnd + 1] == 0x0A, "field line ends in CRLF")
            previousEnd = lineEnd + 2
            let name = String(decoding: head[ns..<ne], as: UTF8.self).lowercased()
            if name == "host" { hosts += 1 }
            if name == "content-length" { lengths += 1 }
            if name == "transfer-encoding" { encodings += 1 }
        }
        require(previousEnd == n - 2, "fields cover the head")
        // Framing: never ambiguous.
        require(hosts == 1 || (hosts == 0 && h.version == .http10), "Host count \(hosts)")
        require(lengths <= 1, "several Content-Length accepted")
        require(lengths == 0 || encodings == 0, "Content-Length with Transfer-Encoding accepted")
        switch h.framing {
        case .none: require(encodings == 0, "Transfer-Encoding without chunked framing")
        case .length(let len): require(len > 0 && lengths == 1, "length framing \(len)")
        case .chunked: require(encodings >= 1 && h.version == .http11, "chunked framing")
        }
        if h.expectContinue { require(h.framing != .none && h.version == .http11, "100-continue without a body") }
    }

    /// A prefix of a head either needs more bytes or fails exactly as the whole does; from the end
    /// of a complete head on, it gives the same result. Reading in pieces with `scanFrom` also
    /// reaches the same result.
    static func checkPrefixes(_ buf: UnsafeRawBufferPointer, limits: HTTPLimits, whole: HTTPHeadParseResult) {
        var fields: [HTTPFieldRange] = []
        let complete: Int
        if case .complete(let h) = whole { complete = h.consumed } else { complete = buf.count }
        var lengths: [Int]
        if complete <= 200 {
            lengths = Array(0...complete)
        } else {
            lengths = Array(stride(from: 0, to: complete - 16, by: complete / 48 + 1)) + Array((complete - 16)...complete)
        }
        if buf.count > complete { lengths.append(buf.count) }
        for p in lengths {
            let result = parse(UnsafeRawBufferPointer(rebasing: buf[0..<p]), limits, &fields)
            if p >= complete {
                require(result == whole, "prefix \(p) of \(buf.count): \(result) but whole \(whole)")
            } else if case .failure(let e) = result {
                require(whole == .failure(e), "prefix \(p) of \(buf.count): \(e) but whole \(whole)")
            } else {
                require(result == .needMore, "prefix \(p) of \(buf.count) before the head's end: \(result)")
            }
        }
        // Growing buffer with scanFrom, in pieces whose size comes from the input.
        let piece = buf.count > 0 ? Int(buf[0] % 13) + 1 : 1
        var seen = 0
        var result = HTTPHeadParseResult.needMore
        while seen < buf.count {
            let next = min(buf.count, seen + piece)
            result = parse(UnsafeRawBufferPointer(rebasing: buf[0..<next]), limits, &fields, scanFrom: max(0, seen - 3))
            seen = next
            if result != .needMore { break }
        }
        if buf.count > 0 { require(result == whole, "scanFrom reading: \(result) but whole \(whole)") }
    }

    /// Decodes `input` as a chunked body at once and in two pieces (split where the input says);
    /// both must agree. Returns the bytes consumed when the body is complete.
    @discardableResult
    static func checkChunked(_ input: UnsafeRawBufferPointer, limits: HTTPLimits) -> Int? {
        var decoder = ChunkedBodyDecoder()
        var body: [UInt8] = []
        let whole = withExactCopy(input) { decoder.decode($0, into: &body, limits: limits) }
        require(body.count <= limits.maxBodyBytes, "body \(body.count) over the limit")
        switch whole {
        case .needMore(let consumed): require(consumed == input.count, "needMore consumed \(consumed) of \(input.count)")
        case .done(let consumed):
            require(consumed >= 5 && consumed <= input.count, "done consumed \(consumed) of \(input.count)")
            let again = withExactCopy(UnsafeRawBufferPointer(rebasing: input[consumed...])) { decoder.decode($0, into: &body, limits: limits) }
            require(again == .done(consumed: 0), "done is final: \(again)")
        case .failure: break
        }

        let split = input.count > 1 ? Int(input[input.count - 1]) % input.count : 0
        var decoder2 = ChunkedBodyDecoder()
        var body2: [UInt8] = []
        var result = withExactCopy(UnsafeRawBufferPointer(rebasing: input[0..<split])) { decoder2.decode($0, into: &body2, limits: limits) }
        if case .needMore(let first) = result {
            require(first == split, "needMore consumed \(first) of \(split)")
            result = withExactCopy(UnsafeRawBufferPointer(rebasing: input[split...])) { decoder2.decode($0, into: &body2, limits: limits) }
            if case .done(let second) = result { result = .done(consumed: first + second) }
            if case .needMore(let second) = result { result = .needMore(consumed: first + second) }
        }
        require(result == whole, "split at \(split): \(result) but whole \(whole)")
        if case .failure = whole {} else { require(body2 == body, "split body differs") }
        if case .done(let consumed) = whole { return consumed }
        return nil
    }

    static func isToken(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }
}

#if !FUZZING
/// Without libFuzzer: run each file named on the command line through the same checks.
@main
struct FolioParserFuzzer {
    static func main() { FuzzReplay.run(fuzz) }
}
#endif
