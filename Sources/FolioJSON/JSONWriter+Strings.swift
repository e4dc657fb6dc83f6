extension JSONWriter {
    /// Writes `"…"` with the contents of `value` escaped.
    mutating func writeQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { writeEscaped($0) }
        if done == nil {
            // Not stored as contiguous UTF-8 (e.g. bridged); rare, so copy.
            var copy = value
            copy.makeContiguousUTF8()
            writeEscapedFallback(copy)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `"…"` with the contents of `value` escaped.
    mutating func writeQuoted(_ value: Substring) {
        bytes.append(UInt8(ascii: "\""))
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { writeEscaped($0) }
        if done == nil {
            var copy = String(value)
            copy.makeContiguousUTF8()
            writeEscapedFallback(copy)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscapedFallback(_ contiguous: String) {
        let done: Void? = contiguous.utf8.withContiguousStorageIfAvailable { writeEscaped($0) }
        if done == nil {
            Array(contiguous.utf8).withUnsafeBufferPointer { writeEscaped($0) }
        }
    }

    /// Appends the escaped form of the UTF-8 in `source` (without quotes).
    ///
    /// Runs of bytes that need no escape are copied in bulk. Escaped: `"`,
    /// `\`, every byte below 0x20, U+2028 and U+2029 (invalid in JavaScript
    /// string literals before ES2019), and the `/` of `</` so the output can
    /// sit inside an HTML `<script>`. A Swift `String` is always valid UTF-8
    /// (invalid input was replaced by U+FFFD when it was decoded), so there
    /// are no lone surrogates to deal with.
    mutating func writeEscaped(_ source: UnsafeBufferPointer<UInt8>) {
        let count = source.count
        var runStart = 0
        var i = 0
        let base = UnsafeRawPointer(source.baseAddress)
        while i < count {
            // Eight bytes at a time while none of them may need an escape.
            if let base, i + 8 <= count, !JSONEscaping.mayNeedEscape(word: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
                continue
            }
            let byte = source[i]
            guard JSONEscaping.mayNeedEscape(byte) else {
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "/"):
                // Only `</` needs it; the previous byte is in this string.
                guard i > 0, source[i - 1] == UInt8(ascii: "<") else {
                    i += 1
                    continue
                }
                flush(source, from: runStart, to: i)
                append(UInt8(ascii: "\\"), UInt8(ascii: "/"))
                i += 1
            case 0xE2:
                // U+2028 is E2 80 A8, U+2029 is E2 80 A9.
                guard i + 2 < count, source[i + 1] == 0x80,
                    source[i + 2] == 0xA8 || source[i + 2] == 0xA9
                else {
                    i += 1
                    continue
                }
                flush(source, from: runStart, to: i)
                appendUnicodeEscape(source[i + 2] == 0xA8 ? 0x2028 : 0x2029)
                i += 3
            case UInt8(ascii: "\""):
                flush(source, from: runStart, to: i)
                append(UInt8(ascii: "\\"), UInt8(ascii: "\""))
                i += 1
            case UInt8(ascii: "\\"):
                flush(source, from: runStart, to: i)
                append(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
                i += 1
            default:
                // A control character below 0x20.
                flush(source, from: runStart, to: i)
                switch byte {
                case 0x08: append(UInt8(ascii: "\\"), UInt8(ascii: "b"))
                case 0x09: append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
                case 0x0A: append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
                case 0x0C: append(UInt8(ascii: "\\"), UInt8(ascii: "f"))
                case 0x0D: append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
                default: appendUnicodeEscape(UInt16(byte))
                }
                i += 1
            }
            runStart = i
        }
        flush(source, from: runStart, to: count)
    }

    @inline(__always)
    private mutating func flush(_ source: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        if start < end {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<end]))
        }
    }

    @inline(__always)
    private mutating func append(_ a: UInt8, _ b: UInt8) {
        bytes.append(a)
        bytes.append(b)
    }

    /// Appends `\uXXXX` with lowercase hex digits.
    private mutating func appendUnicodeEscape(_ unit: UInt16) {
        append(UInt8(ascii: "\\"), UInt8(ascii: "u"))
        append(JSONEscaping.hexDigit(unit >> 12), JSONEscaping.hexDigit(unit >> 8))
        append(JSONEscaping.hexDigit(unit >> 4), JSONEscaping.hexDigit(unit))
    }
}

/// Byte classification shared by the string and key writers.
enum JSONEscaping {
    /// True for bytes that start something that may need escaping:
    /// controls, `"`, `\`, `/` (of `</`) and 0xE2 (of U+2028/U+2029).
    @inline(__always)
    static func mayNeedEscape(_ byte: UInt8) -> Bool {
        if byte < 0x40 {
            // Bits 0x00–0x1F (controls), 0x22 `"` and 0x2F `/`.
            let lowMask: UInt64 = 0x0000_8004_FFFF_FFFF
            return (lowMask >> UInt64(byte)) & 1 != 0
        }
        return byte == UInt8(ascii: "\\") || byte == 0xE2
    }

    /// Whether any of the eight bytes of `w` may need escaping (the bytes `mayNeedEscape(_:)`
    /// marks), by SWAR: a byte below 0x20, or equal to `"`, `/`, `\` or 0xE2. Exact (no false
    /// negatives; a false positive only sends the caller to its byte loop). Measured with
    /// JSONBench's `BODIES` case (20 bodies of the generated corpus, html and text, 529 KB):
    /// 406–412 MB/s byte by byte, 474–508 MB/s with this skip (two runs each); the corpus has a
    /// byte to look at every 118 (html) and 245 (text) bytes.
    @inline(__always)
    static func mayNeedEscape(word w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        // A byte below 0x20: subtracting 0x20 borrows into its high bit while the byte's own
        // high bit was clear.
        let below = (w &- ones &* 0x20) & ~w & highs != 0
        return below || hasZero(w ^ (ones &* 0x22)) || hasZero(w ^ (ones &* 0x2F)) || hasZero(w ^ (ones &* 0x5C))
            || hasZero(w ^ (ones &* 0xE2))
    }

    /// The lowercase hex digit for the low four bits of `value`.
    @inline(__always)
    static func hexDigit(_ value: UInt16) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: value) & 0xF
        return nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Whether `name` can be copied into a JSON string as is: ASCII with
    /// no control character, `"`, `\` or `</`.
    static func isPlainKey(_ name: StaticString) -> Bool {
        name.withUTF8Buffer { buffer in
            var previous: UInt8 = 0
            for byte in buffer {
                if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    return false
                }
                if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "<") {
                    return false
                }
                previous = byte
            }
            return true
        }
    }
}
