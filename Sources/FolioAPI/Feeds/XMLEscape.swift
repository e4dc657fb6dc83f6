/// Bytes of an XML 1.0 document, written straight into a buffer (no Foundation, no formatters).
///
/// Text and attribute values are escaped (`&`, `<`, `>`, `"`, `'`), stay UTF-8 (non-ASCII text is
/// written as is; the documents declare `encoding="utf-8"`), and lose the code points XML 1.0
/// forbids: C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF. Swift strings hold no lone
/// surrogates, so those cannot occur. CR is written as `&#13;` so parsers do not fold it into LF.
struct XMLWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends markup verbatim (the program's own tags, never content).
    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a program-built string verbatim (numbers, dates, fixed names).
    mutating func rawString(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    /// Appends escaped character data or attribute content.
    mutating func text(_ s: String) {
        XMLEscape.append(s, to: &bytes)
    }

    /// `<name>escaped text</name>`.
    mutating func element(_ open: StaticString, _ value: String, _ close: StaticString) {
        raw(open)
        text(value)
        raw(close)
    }

    /// `<name attr="escaped"/>` helper: writes ` attr="value"`.
    mutating func attribute(_ name: StaticString, _ value: String) {
        bytes.append(0x20)
        raw(name)
        bytes.append(0x3D)
        bytes.append(0x22)
        text(value)
        bytes.append(0x22)
    }
}

enum XMLEscape {
    /// Appends `s` escaped for XML 1.0 text and attribute values.
    static func append(_ s: String, to out: inout [UInt8]) {
        var utf8 = s.utf8
        // Fast path: nothing to escape or strip.
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0xEF }) {
            out.append(contentsOf: utf8)
            return
        }
        utf8 = s.utf8
        var it = utf8.makeIterator()
        var pending: [UInt8] = []
        while let b = it.next() {
            switch b {
            case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
            case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
            case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
            case 0x22: out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
            case 0x27: out.append(contentsOf: [0x26, 0x61, 0x70, 0x6F, 0x73, 0x3B])  // &apos;
            case 0x0D: out.append(contentsOf: [0x26, 0x23, 0x31, 0x33, 0x3B])  // &#13;
            case 0x09, 0x0A: out.append(b)
            case 0x00..<0x20: continue  // illegal in XML 1.0
            case 0xEF:
                // U+FFFE and U+FFFF are EF BF BE / EF BF BF: drop them, keep every other EF sequence.
                pending = [b]
                if let b2 = it.next() {
                    pending.append(b2)
                    if let b3 = it.next() {
                        pending.append(b3)
                        if b2 == 0xBF, b3 == 0xBE || b3 == 0xBF { continue }
                    }
                }
                out.append(contentsOf: pending)
            default: out.append(b)
            }
        }
    }

    /// `s` escaped, as a String (tests and non-hot paths).
    static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        append(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
