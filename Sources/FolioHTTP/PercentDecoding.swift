/// Percent-decoding of URL components (RFC 3986 §2.1).
public enum PercentDecoding {
    /// Decodes `%XX` escapes; with `plusAsSpace`, `+` becomes a space (query strings).
    /// Returns nil for a malformed escape or, with `rejectNUL`, an encoded NUL.
    public static func decode(_ bytes: some Collection<UInt8>, plusAsSpace: Bool = false, rejectNUL: Bool = true) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var it = bytes.makeIterator()
        while let b = it.next() {
            if b == 0x25 {
                guard let h = it.next().flatMap(ByteClass.hexValue), let l = it.next().flatMap(ByteClass.hexValue) else { return nil }
                let v = h << 4 | l
                if v == 0, rejectNUL { return nil }
                out.append(v)
            } else if b == 0x2B, plusAsSpace {
                out.append(0x20)
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// Decodes to a String; nil when malformed or not valid UTF-8.
    public static func decodeString(_ bytes: some Collection<UInt8>, plusAsSpace: Bool = false) -> String? {
        guard let raw = decode(bytes, plusAsSpace: plusAsSpace) else { return nil }
        return String(validating: raw, as: UTF8.self)
    }
}
