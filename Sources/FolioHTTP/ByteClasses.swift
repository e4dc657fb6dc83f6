/// Byte classes of RFC 9110 §5.6.2 (token characters) and §5.5 (field values), as lookup tables.
enum ByteClass {
    /// Token characters as a 128-bit set (two words): no table load, no lazy global.
    @inline(__always) static func isToken(_ b: UInt8) -> Bool {
        inSet(b, low: 0x03ff_6cfa_0000_0000, high: 0x57ff_ffff_c7ff_fffe)
    }

    /// Characters of a Host value: reg-name, IPv4, IP-literal and port (RFC 3986 §3.2.2, with `%`).
    @inline(__always) static func isHostChar(_ b: UInt8) -> Bool {
        inSet(b, low: 0x2fff_7ff2_0000_0000, high: 0x47ff_fffe_afff_fffe)
    }

    /// Whether ASCII byte `b` is in the set whose bits for bytes 0–63 are `low` and 64–127 `high`.
    @inline(__always) static func inSet(_ b: UInt8, low: UInt64, high: UInt64) -> Bool {
        if b < 64 { return (low >> UInt64(b)) & 1 != 0 }
        if b < 128 { return (high >> UInt64(b &- 64)) & 1 != 0 }
        return false
    }

    /// field-vchar / SP / HTAB (obs-text allowed).
    @inline(__always) static func isFieldValue(_ b: UInt8) -> Bool {
        b >= 0x20 ? b != 0x7F : b == 0x09
    }

    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool { hexValue(b) != nil }

    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Case-insensitive comparison of `bytes[range]` with a lowercase ASCII literal.
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end - start == n else { return false }
        let p = literal.utf8Start
        for i in 0..<n where bytes[start + i] | 0x20 != p[i] { return false }
        return true
    }
}
