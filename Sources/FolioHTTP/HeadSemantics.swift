/// The framing and connection facts RFC 9112 derives from header fields, with the smuggling
/// shapes refused: Content-Length with Transfer-Encoding, duplicate or malformed Content-Length,
/// a final coding other than chunked, and a missing or duplicate Host on HTTP/1.1.
struct HeadSemantics {
    var framing: HTTPBodyFraming = .none
    var keepAlive: Bool
    var expectContinue = false
    var fieldNames: UInt64 = 0

    static func evaluate(
        _ head: UnsafeRawBufferPointer, fields: [HTTPFieldRange], version: HTTPVersion
    ) -> Result<HeadSemantics, HTTPParseError> {
        var facts = HeadSemantics(keepAlive: version == .http11)
        var hostCount = 0
        var contentLength: Int?
        var sawTransferEncoding = false
        var codings = TransferCodings()
        var connectionClose = false, connectionKeepAlive = false

        for f in fields {
            let ns = Int(f.nameStart), ne = Int(f.nameEnd), vs = Int(f.valueStart), ve = Int(f.valueEnd)
            facts.fieldNames |= FieldNameSummary.bit(length: ne - ns, first: head[ns], last: head[ne - 1])
            switch ne - ns {
            case 4 where ByteClass.equalsLowercase(head, ns, ne, "host"):
                hostCount += 1
                if hostCount > 1 { return .failure(.duplicateHost) }
                if !isValidHost(head, vs, ve) { return .failure(.badHost) }
            case 14 where ByteClass.equalsLowercase(head, ns, ne, "content-length"):
                if contentLength != nil { return .failure(.duplicateContentLength) }
                guard let n = parseLength(head, vs, ve) else { return .failure(.badContentLength) }
                contentLength = n
            case 17 where ByteClass.equalsLowercase(head, ns, ne, "transfer-encoding"):
                sawTransferEncoding = true
                if let error = codings.add(head, vs, ve) { return .failure(error) }
            case 10 where ByteClass.equalsLowercase(head, ns, ne, "connection"):
                forEachListElement(head, vs, ve) { s, e in
                    if ByteClass.equalsLowercase(head, s, e, "close") { connectionClose = true }
                    if ByteClass.equalsLowercase(head, s, e, "keep-alive") { connectionKeepAlive = true }
                }
            case 6 where ByteClass.equalsLowercase(head, ns, ne, "expect"):
                if ByteClass.equalsLowercase(head, vs, ve, "100-continue") {
                    facts.expectContinue = version == .http11
                } else {
                    return .failure(.expectationFailed)
                }
            default:
                break
            }
        }

        if version == .http11, hostCount == 0 { return .failure(.missingHost) }
        if sawTransferEncoding {
            if version == .http10 { return .failure(.transferEncodingOnHTTP10) }
            if contentLength != nil { return .failure(.lengthAndChunked) }
            if let error = codings.finish() { return .failure(error) }
            facts.framing = .chunked
        } else if let n = contentLength, n > 0 {
            facts.framing = .length(n)
        }
        if !facts.expectContinue || facts.framing == .none { facts.expectContinue = false }
        facts.keepAlive = version == .http11 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return .success(facts)
    }

    /// 1*DIGIT, at most 15 digits; nothing else (no sign, no list, no spaces).
    static func parseLength(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Int? {
        guard e > s, e - s <= 15 else { return nil }
        var n = 0
        for i in s..<e {
            let d = b[i] &- 0x30
            guard d <= 9 else { return nil }
            n = n * 10 + Int(d)
        }
        return n
    }

    /// host [":" port] with reg-name, IPv4 or IP-literal characters only; empty is allowed (RFC 9112 §3.2).
    static func isValidHost(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Bool {
        // Names and addresses are letters, digits, '.', '-' and ':', checked 16 bytes at a time; a
        // value shorter than a block is checked as the last lanes of the block ending at `e` (the
        // head's earlier bytes fill the rest and are ignored). Anything else in the allowed set
        // takes the byte loop. Letters and digits are ranges (wrapping subtract, one unsigned
        // compare) with constants made outside the loops, so the compares stay vector instructions.
        let caseBit = SIMD16<UInt8>(repeating: 0x20), a = SIMD16<UInt8>(repeating: 0x61), zero = SIMD16<UInt8>(repeating: 0x30)
        let letters = SIMD16<UInt8>(repeating: 26), digits = SIMD16<UInt8>(repeating: 10)
        let dot = SIMD16<UInt8>(repeating: 0x2E), dash = SIMD16<UInt8>(repeating: 0x2D), colon = SIMD16<UInt8>(repeating: 0x3A)
        @inline(__always) func plain(_ v: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
            ((v | caseBit) &- a .< letters) .| (v &- zero .< digits) .| (v .== dot) .| (v .== dash) .| (v .== colon)
        }
        var i = s
        while i + 16 <= e {
            let ok = ByteScan.words(plain(b.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)))
            if ok[0] & ok[1] != .max { break }
            i += 16
        }
        if i < e, e - i < 16, e >= 16 {
            // Only the last e - i lanes are the value's: word bits of the lanes to skip are cleared.
            let skip = 16 - (e - i)
            let keep0: UInt64 = skip >= 8 ? 0 : ~0 << (8 * skip)
            let keep1: UInt64 = skip <= 8 ? ~0 : ~0 << (8 * (skip - 8))
            let ok = ByteScan.words(plain(b.loadUnaligned(fromByteOffset: e - 16, as: SIMD16<UInt8>.self)))
            if (~ok[0] & keep0) | (~ok[1] & keep1) == 0 { return true }
        }
        while i < e {
            if !ByteClass.isHostChar(b[i]) { return false }
            i += 1
        }
        return true
    }

    /// Calls `body` with each non-empty, OWS-trimmed element of a comma list.
    static func forEachListElement(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ body: (Int, Int) -> Void) {
        var i = s
        while i <= e {
            var j = i
            while j < e, b[j] != 0x2C { j += 1 }
            var a = i, z = j
            while a < z, b[a] == 0x20 || b[a] == 0x09 { a += 1 }
            while z > a, b[z - 1] == 0x20 || b[z - 1] == 0x09 { z -= 1 }
            if z > a { body(a, z) }
            i = j + 1
        }
    }
}

/// The Transfer-Encoding list across all its field lines: only a lone, final `chunked` is served.
struct TransferCodings {
    private var lastIsChunked = false
    private var chunkedSeen = false
    private var unknown = false

    mutating func add(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> HTTPParseError? {
        var error: HTTPParseError?
        var i = s
        if s == e { return .badTransferEncoding }
        while i <= e {
            var j = i
            while j < e, b[j] != 0x2C { j += 1 }
            var a = i, z = j
            while a < z, b[a] == 0x20 || b[a] == 0x09 { a += 1 }
            while z > a, b[z - 1] == 0x20 || b[z - 1] == 0x09 { z -= 1 }
            if z == a { error = error ?? .badTransferEncoding }
            for k in a..<z where !ByteClass.isToken(b[k]) {
                // Parameters (";q=") or stray bytes in a coding are not served.
                error = error ?? (b[k] == 0x3B ? .unknownTransferCoding : .badTransferEncoding)
            }
            let isChunked = ByteClass.equalsLowercase(b, a, z, "chunked")
            if isChunked {
                if chunkedSeen { error = error ?? .badTransferEncoding }
                chunkedSeen = true
            } else if z > a {
                unknown = true
            }
            lastIsChunked = isChunked
            i = j + 1
        }
        return error
    }

    /// After all fields: the final coding must be chunked, and nothing else may be applied.
    func finish() -> HTTPParseError? {
        if !lastIsChunked { return .badTransferEncoding }  // RFC 9112 §6.1: MUST 400
        if unknown { return .unknownTransferCoding }
        return nil
    }
}
