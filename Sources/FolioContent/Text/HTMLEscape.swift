/// HTML escaping and entity decoding shared by the Markdown renderer, the
/// sanitiser, the plain-text extractor and search snippets.
enum HTMLEscape {
    /// Escapes `& < > " '` for text and double-quoted attribute values.
    static func escape(_ s: some StringProtocol) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count + 16)
        append(s.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for c in bytes { append(byte: c, to: &out) }
    }

    @inline(__always)
    static func append(byte c: UInt8, to out: inout [UInt8]) {
        switch c {
        case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
        case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
        case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
        case 0x22: out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
        case 0x27: out.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])  // &#39;
        default: out.append(c)
        }
    }

    /// If an entity reference (`&name;`, `&#123;`, `&#x1F;`) starts at `i`,
    /// its length in bytes; otherwise nil.
    static func entityLength(_ b: [UInt8], at i: Int) -> Int? {
        guard i < b.count, b[i] == 0x26 else { return nil }
        var j = i + 1
        if j < b.count, b[j] == 0x23 {
            j += 1
            let hex = j < b.count && (b[j] == 0x78 || b[j] == 0x58)
            if hex { j += 1 }
            let start = j
            while j < b.count, j - start < 8, isDigit(b[j]) || (hex && isHexLetter(b[j])) { j += 1 }
            guard j > start, j < b.count, b[j] == 0x3B else { return nil }
            return j + 1 - i
        }
        let start = j
        while j < b.count, j - start < 32, isAlnum(b[j]) { j += 1 }
        guard j > start, j < b.count, b[j] == 0x3B, isAlpha(b[start]) else { return nil }
        return j + 1 - i
    }

    /// Decodes the entity reference spanning `b[i..<i+length]`; unknown
    /// names decode to themselves.
    static func decodeEntity(_ b: ArraySlice<UInt8>) -> String {
        let body = b.dropFirst().dropLast()
        if body.first == 0x23 {
            var digits = body.dropFirst()
            var radix: UInt32 = 10
            if digits.first == 0x78 || digits.first == 0x58 { radix = 16; digits = digits.dropFirst() }
            let value = UInt32(String(decoding: digits, as: UTF8.self), radix: Int(radix)) ?? 0xFFFD
            let scalar = (value == 0 ? nil : Unicode.Scalar(value)) ?? "\u{FFFD}"
            return String(Character(scalar))
        }
        switch String(decoding: body, as: UTF8.self) {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{00A0}"
        case "copy": return "©"
        case "reg": return "®"
        case "trade": return "™"
        case "hellip": return "…"
        case "mdash": return "—"
        case "ndash": return "–"
        case "lsquo": return "‘"
        case "rsquo": return "’"
        case "ldquo": return "“"
        case "rdquo": return "”"
        case "laquo": return "«"
        case "raquo": return "»"
        case "middot": return "·"
        case "bull": return "•"
        case "euro": return "€"
        case "pound": return "£"
        case "deg": return "°"
        case "times": return "×"
        default: return String(decoding: b, as: UTF8.self)
        }
    }

    /// Decodes every entity reference in `s`.
    static func decode(_ s: some StringProtocol) -> String {
        let b = Array(s.utf8)
        guard b.contains(0x26) else { return String(s) }
        var out = [UInt8]()
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == 0x26, let len = entityLength(b, at: i) {
                out.append(contentsOf: decodeEntity(b[i..<(i + len)]).utf8)
                i += len
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }
    @inline(__always) static func isHexLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 }
}

/// Which link targets may appear in rendered or sanitised HTML.
enum SafeURL {
    /// http, https and mailto URLs, and relative references (`/path`,
    /// `#frag`, `page.html`). `javascript:`, `data:`, `vbscript:` and any
    /// other scheme are refused, including when disguised with whitespace,
    /// control characters or letter case.
    ///
    /// Works on bytes, as a URL parser does on code points: a Character view would fold a colon
    /// and a combining mark after it into one grapheme and miss the scheme (found by the
    /// sanitizer's fuzz target: `dita:` followed by U+06D7 passed).
    static func isSafe(_ url: String) -> Bool {
        let cleaned = url.utf8.filter { $0 > 0x20 && $0 != 0x7F }
        guard let colon = cleaned.firstIndex(of: 0x3A) else { return true }
        let beforeColon = cleaned[..<colon]
        if beforeColon.contains(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) { return true }
        let scheme = String(decoding: beforeColon.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        return scheme == "http" || scheme == "https" || scheme == "mailto"
    }
}
