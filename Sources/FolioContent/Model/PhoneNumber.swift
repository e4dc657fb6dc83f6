/// Telephone numbers as published and in E.164.
public enum PhoneNumber {
    /// E.164 form of a published number: `(+994 12) 596-82-39` → `+994125968239`,
    /// `00 44 20 7946 0000` → `+442079460000`. Separators (spaces, dots,
    /// hyphens, slashes, parentheses) are dropped. Returns nil without a
    /// country code (leading `+` or `00`), with other characters, or when
    /// the digit count is outside 8…15.
    public static func e164(_ published: String) -> String? {
        var digits = [UInt8]()
        var sawPlus = false
        for c in published.utf8 {
            switch c {
            case 0x30...0x39: digits.append(c)
            case 0x2B:
                guard !sawPlus, digits.isEmpty else { return nil }
                sawPlus = true
            case 0x20, 0x2D, 0x2E, 0x28, 0x29, 0x2F: continue
            default: return nil
            }
        }
        if !sawPlus {
            guard digits.count > 2, digits[0] == 0x30, digits[1] == 0x30 else { return nil }
            digits.removeFirst(2)
        }
        guard (8...15).contains(digits.count), digits[0] != 0x30 else { return nil }
        return "+" + String(decoding: digits, as: UTF8.self)
    }
}
