/// An instant that keeps the UTC offset it was written with, so
/// `2023-09-18T10:56:00+04:00` reads back exactly as it was given.
///
/// Parsing and formatting are hand-written (no `DateFormatter`), and the
/// RFC 3339 form is computed once at construction, so encoding a timestamp
/// on the request path is a string copy. Ordering and equality are by
/// instant (`epochSeconds`); the offset is presentation only.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64
    /// The offset from UTC the instant was written with, in seconds (east positive).
    public let utcOffsetSeconds: Int32
    /// `YYYY-MM-DDTHH:MM:SS±HH:MM` (UTC is written `+00:00`), formatted when asked. Not
    /// stored: two heap strings per article were about 128 MB at 1,000,000 articles. The API's
    /// JSON writes the bytes straight into the response (`appendRFC3339(to:)`).
    public var rfc3339: String {
        var out = [UInt8]()
        out.reserveCapacity(26)
        appendRFC3339(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the `rfc3339` form's UTF-8 bytes to `out`.
    public func appendRFC3339(to out: inout [UInt8]) {
        Timestamp.appendRFC3339(epochSeconds: epochSeconds, offset: utcOffsetSeconds, to: &out)
    }

    /// An instant at the given offset. The offset is rounded to whole minutes
    /// and clamped to ±23:59.
    public init(epochSeconds: Int64, utcOffsetSeconds: Int32 = 0) {
        let offset = max(-86_340, min(86_340, utcOffsetSeconds / 60 * 60))
        self.epochSeconds = epochSeconds
        self.utcOffsetSeconds = offset
    }

    /// Parses an RFC 3339 date-time (`2023-09-18T10:56:00+04:00`, `…Z`,
    /// fractional seconds truncated, `T` or a space as separator, seconds
    /// optional) or a plain date (`2023-09-18`, midnight UTC). Returns nil
    /// when the text is not one of those or names an impossible date.
    public init?(rfc3339 text: String) {
        var utf8 = Array(text.utf8)
        // Trim surrounding ASCII spaces.
        while let last = utf8.last, last == 0x20 { utf8.removeLast() }
        var i = 0
        while i < utf8.count, utf8[i] == 0x20 { i += 1 }
        let bytes = utf8[i...]
        guard let parsed = Timestamp.parse(Array(bytes)) else { return nil }
        self.init(epochSeconds: parsed.0, utcOffsetSeconds: parsed.1)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.epochSeconds < rhs.epochSeconds }
    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.epochSeconds == rhs.epochSeconds }
    public func hash(into hasher: inout Hasher) { hasher.combine(epochSeconds) }

    public var description: String { rfc3339 }

    /// True when both the instant and the offset are the same.
    public func isIdentical(to other: Timestamp) -> Bool {
        epochSeconds == other.epochSeconds && utcOffsetSeconds == other.utcOffsetSeconds
    }

    /// The civil date and time at this timestamp's own offset.
    public var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let c = Raw(epochSeconds: epochSeconds, offset: utcOffsetSeconds).civil
        return (c.0, c.1, c.2, c.3, c.4, c.5)
    }

    // MARK: - Calendar arithmetic (Howard Hinnant's algorithms)

    /// Days since 1970-01-01 for a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: - Parsing and formatting

    private static func parse(_ b: [UInt8]) -> (Int64, Int32)? {
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for k in at..<(at + count) {
                let c = b[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            return value
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
              let day = digits(8, 2), (1...12).contains(month), day >= 1, day <= daysInMonth(year, month)
        else { return nil }
        let days = Int64(daysFromCivil(year, month, day))
        if b.count == 10 { return (days * 86_400, 0) }
        guard b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
              let hour = digits(11, 2), b.count > 13, b[13] == 0x3A, let minute = digits(14, 2),
              hour < 24, minute < 60
        else { return nil }
        var i = 16
        var second = 0
        if i < b.count, b[i] == 0x3A {
            guard let s = digits(i + 1, 2), s <= 60 else { return nil }
            second = min(s, 59)  // a leap second is read as :59
            i += 3
            if i < b.count, b[i] == 0x2E {
                i += 1
                let start = i
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                guard i > start else { return nil }
            }
        }
        guard i < b.count else { return nil }  // RFC 3339 requires an offset
        var offset = 0
        switch b[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 0x3A, let om = digits(i + 4, 2),
                  oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return (local - Int64(offset), Int32(offset))
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS±HH:MM` to `out`, digits in place (a temporary array per
    /// field made seven allocations per timestamp: 11 % of start-up at 1,000,000 articles when
    /// every timestamp was formatted there).
    static func appendRFC3339(epochSeconds: Int64, offset: Int32, to out: inout [UInt8]) {
        let ts = Timestamp.Raw(epochSeconds: epochSeconds, offset: offset)
        let (y, mo, d, h, mi, s) = ts.civil
        // Two digits at a time, dividing by constants (a loop dividing by a variable power of ten
        // made formatting a fifth of a 20-article list's CPU once dates were no longer stored).
        func two(_ v: Int) {
            out.append(UInt8(truncatingIfNeeded: 0x30 + v / 10 % 10))
            out.append(UInt8(truncatingIfNeeded: 0x30 + v % 10))
        }
        if y < 0 { out.append(0x2D) }
        two(abs(y) / 100); two(abs(y) % 100)  // the year's last four digits
        out.append(0x2D); two(mo); out.append(0x2D); two(d)
        out.append(0x54); two(h); out.append(0x3A); two(mi); out.append(0x3A); two(s)
        out.append(offset < 0 ? 0x2D : 0x2B)
        let a = Int(abs(offset))
        two(a / 3600); out.append(0x3A); two(a / 60 % 60)
    }

    /// Calendar fields without building the string (used while formatting).
    private struct Raw {
        let epochSeconds: Int64
        let offset: Int32
        var civil: (Int, Int, Int, Int, Int, Int) {
            let local = epochSeconds + Int64(offset)
            let days = local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
            let secs = Int(local - days * 86_400)
            let (y, m, d) = Timestamp.civilFromDays(Int(days))
            return (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
        }
    }
}
