/// A stateless, allocation-free parser for HTTP/1.1 request heads (RFC 9112), in the manner of
/// picohttpparser: give it all bytes received so far, get back "complete", "need more" or an error.
/// Field locations are written into a caller-owned array that is reused across requests.
public enum HTTPHeadParser {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09

    /// Parses the head at the start of `buf`. `scanFrom` lets a caller that saw "need more" skip
    /// bytes already searched for the end of the head (pass the previous count minus 3).
    public static func parse(
        _ buf: UnsafeRawBufferPointer, limits: HTTPLimits, fields: inout [HTTPFieldRange], scanFrom: Int = 0
    ) -> HTTPHeadParseResult {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        var start = 0
        while start + 1 < buf.count, buf[start] == cr, buf[start + 1] == lf, start < 64 { start += 2 }
        if start < buf.count, buf[start] == cr || buf[start] == lf {
            if buf[start] == lf { return .failure(.bareLF) }
            if start + 1 >= buf.count { return .needMore }
        }

        let from = max(start, scanFrom)
        let end = findHeadEnd(buf, from: from)
        // Fast path: a whole head within both limits that parses cleanly cannot hold anything
        // `earlyFailure` refuses (a bad method token, a bare LF, an over-long line or head all fail
        // `parseComplete` too, or cannot occur within the limits), so the early scan only decides
        // which error a failing head gets.
        if let end, end - start <= min(limits.maxRequestLineBytes, limits.maxHeaderBytes) {
            let result = parseComplete(buf, start: start, end: end, limits: limits, fields: &fields)
            if case .complete = result { return result }
            if let error = earlyFailure(buf, start: start, count: end, checkedUpTo: from, limits: limits) {
                return .failure(error)
            }
            return result
        }
        // Refuse what the bytes so far already prove wrong, the same way whether the head arrived
        // whole or in pieces.
        if let error = earlyFailure(buf, start: start, count: end ?? buf.count, checkedUpTo: from, limits: limits) {
            return .failure(error)
        }
        guard let end else { return .needMore }
        return parseComplete(buf, start: start, end: end, limits: limits, fields: &fields)
    }

    /// Offset just past the CRLFCRLF ending the head, if present.
    static func findHeadEnd(_ buf: UnsafeRawBufferPointer, from: Int) -> Int? {
        // Each LF at or after from + 3 (so the CRLFCRLF starts at or after `from`), found 16 bytes
        // at a time.
        let n = buf.count
        var i = max(from, 0) + 3
        while i < n {
            i = ByteScan.firstOf(buf, from: i, end: n, lf, lf)
            if i >= n { return nil }
            if buf[i - 1] == cr, buf[i - 2] == lf, buf[i - 3] == cr { return i + 1 }
            i += 1
        }
        return nil
    }

    /// The first error that `buf[start..<count]` already proves, searched in byte order and judging
    /// each byte only by the bytes before it: a malformed method token, a request line over its limit,
    /// a bare LF, a head over its limit. So a prefix of a request fails, if at all, exactly as the
    /// whole request does, however the bytes were split into reads. Header bytes before `checkedUpTo`
    /// were checked by an earlier call that answered "need more"; the request line is always rechecked.
    static func earlyFailure(
        _ buf: UnsafeRawBufferPointer, start: Int, count: Int, checkedUpTo: Int, limits: HTTPLimits
    ) -> HTTPParseError? {
        let lineLimit = start + limits.maxRequestLineBytes  // first byte past the longest request line
        let headLimit = start + limits.maxHeaderBytes  // first byte past the largest head
        // The request line: a method token and SP first (junk, TLS, binary), then any bytes up to LF.
        var i = start
        var inMethod = true
        while i < count {
            let b = buf[i]
            if i >= headLimit { return .headersTooLarge }
            if b == lf {
                if i == start || buf[i - 1] != cr { return .bareLF }
                break
            }
            // A CR right at the limit may still end a line of exactly the limit.
            if i >= lineLimit, !(i == lineLimit && b == cr) { return .requestLineTooLong }
            if inMethod {
                if b == sp, i > start { inMethod = false } else if !ByteClass.isToken(b) { return .badRequestLine }
            }
            i += 1
        }
        // Header lines: no LF without its CR, and no more bytes than the limit.
        i = max(i + 1, checkedUpTo)
        let stop = min(count, headLimit)
        while i < stop {
            if buf[i] == lf, buf[i - 1] != cr { return .bareLF }
            i += 1
        }
        return count > headLimit ? .headersTooLarge : nil
    }

    static func parseComplete(
        _ buf: UnsafeRawBufferPointer, start: Int, end: Int, limits: HTTPLimits, fields: inout [HTTPFieldRange]
    ) -> HTTPHeadParseResult {
        fields.removeAll(keepingCapacity: true)
        // Method.
        var i = start
        while ByteClass.isToken(buf[i]) { i += 1 }
        guard i > start, buf[i] == sp else { return .failure(.badRequestLine) }
        let method = HTTPMethod.from(UnsafeRawBufferPointer(rebasing: buf[start..<i]))
        i += 1
        // Target: visible ASCII up to the next SP.
        let targetStart = i
        i = ByteScan.firstOutside(buf, from: i, end: end, low: 0x21, high: 0x7E)
        guard i > targetStart, buf[i] == sp else {
            return .failure(buf[i] == cr || buf[i] == lf ? .badRequestLine : .badTarget)
        }
        let targetEnd = i
        i += 1
        // Version: HTTP/d.d CRLF
        guard i + 9 < end else { return .failure(.badVersion) }
        guard buf[i] == 0x48, buf[i + 1] == 0x54, buf[i + 2] == 0x54, buf[i + 3] == 0x50, buf[i + 4] == 0x2F,
              isDigit(buf[i + 5]), buf[i + 6] == 0x2E, isDigit(buf[i + 7])
        else { return .failure(.badVersion) }
        let major = buf[i + 5] - 0x30, minor = buf[i + 7] - 0x30
        i += 8
        guard buf[i] == cr, buf[i + 1] == lf else { return .failure(buf[i] == lf ? .bareLF : .badVersion) }
        if i - start > limits.maxRequestLineBytes { return .failure(.requestLineTooLong) }
        guard major == 1 else { return .failure(.unsupportedVersion) }
        // RFC 9110 §2.5: a higher minor version is processed as the highest one implemented (1.1).
        let version: HTTPVersion = minor >= 1 ? .http11 : .http10
        i += 2

        // Header fields, until the empty line.
        while !(buf[i] == cr && buf[i + 1] == lf) {
            if buf[i] == sp || buf[i] == htab { return .failure(.obsFold) }
            let nameStart = i
            while ByteClass.isToken(buf[i]) { i += 1 }
            if buf[i] != 0x3A {
                if i > nameStart, buf[i] == sp || buf[i] == htab { return .failure(.spaceBeforeColon) }
                if buf[i] == cr { return .failure(buf[i + 1] == lf ? .badFieldName : .bareCR) }
                if buf[i] == lf { return .failure(.bareLF) }
                return .failure(.badFieldName)
            }
            guard i > nameStart else { return .failure(.badFieldName) }
            let nameEnd = i
            i += 1
            while buf[i] == sp || buf[i] == htab { i += 1 }
            let valueStart = i
            i = ByteScan.firstOutside(buf, from: i, end: end, low: 0x20, high: 0x7E)  // the usual bytes
            while buf[i] != cr {
                guard ByteClass.isFieldValue(buf[i]) else {
                    return .failure(buf[i] == lf ? .bareLF : .badFieldValue)
                }
                i += 1
            }
            guard buf[i + 1] == lf else { return .failure(.bareCR) }
            var valueEnd = i
            while valueEnd > valueStart, buf[valueEnd - 1] == sp || buf[valueEnd - 1] == htab { valueEnd -= 1 }
            if fields.count == limits.maxHeaderFields { return .failure(.tooManyHeaders) }
            fields.append(HTTPFieldRange(
                nameStart: Int32(nameStart - start), nameEnd: Int32(nameEnd - start),
                valueStart: Int32(valueStart - start), valueEnd: Int32(valueEnd - start)))
            i += 2
        }

        // Target form (RFC 9112 §3.2).
        var pathStart = targetStart
        if buf[targetStart] != 0x2F {
            if targetEnd - targetStart == 1, buf[targetStart] == 0x2A, method == .options {
                // asterisk-form: path "*"
            } else if let p = absoluteFormPathStart(buf, targetStart, targetEnd) {
                pathStart = p
            } else if method == .other || method == .connect {
                return .failure(.unknownMethod)
            } else {
                return .failure(.badTarget)
            }
        }
        // No fragment in the path or query; one scan finds the query's "?" or a "#" before it.
        let queryMark = ByteScan.firstOf(buf, from: pathStart, end: targetEnd, 0x3F, 0x23)
        if queryMark < targetEnd,
           buf[queryMark] == 0x23 || ByteScan.firstOf(buf, from: queryMark, end: targetEnd, 0x23, 0x23) < targetEnd {
            return .failure(.badTarget)
        }

        let base = UnsafeRawBufferPointer(rebasing: buf[start..<end])
        let semantics = HeadSemantics.evaluate(base, fields: fields, version: version)
        switch semantics {
        case .failure(let error): return .failure(error)
        case .success(let facts):
            if method == .other || method == .connect { return .failure(.unknownMethod) }
            return .complete(HTTPRequestHead(
                method: method, version: version, start: start, consumed: end,
                pathStart: pathStart - start,
                pathEnd: queryMark - start,
                queryStart: (queryMark < targetEnd ? queryMark + 1 : targetEnd) - start, queryEnd: targetEnd - start,
                framing: facts.framing, keepAlive: facts.keepAlive, expectContinue: facts.expectContinue,
                fieldNames: facts.fieldNames))
        }
    }

    /// For absolute-form targets (`http://host/path?q`), the offset of the path; nil when not absolute-form.
    static func absoluteFormPathStart(_ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end, isSchemeChar(buf[i]) { i += 1 }
        guard i > start, i + 2 < end, buf[i] == 0x3A, buf[i + 1] == 0x2F, buf[i + 2] == 0x2F else { return nil }
        i += 3
        let authority = i
        while i < end, buf[i] != 0x2F, buf[i] != 0x3F { i += 1 }
        guard i > authority, i < end, buf[i] == 0x2F else { return nil }
        return i
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isSchemeChar(_ b: UInt8) -> Bool {
        (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || isDigit(b) || b == 0x2B || b == 0x2D || b == 0x2E
    }
}
