/// IMF-fixdate (RFC 9110 §5.6.7) formatting and parsing without Foundation formatters.
public enum HTTPDate {
    static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since the epoch.
    public static func format(_ epoch: Int64) -> String {
        String(decoding: formatBytes(epoch), as: UTF8.self)
    }

    /// The same, as 29 ASCII bytes.
    public static func formatBytes(_ epoch: Int64) -> [UInt8] {
        let dayNumber = floorDiv(epoch, 86_400)
        let secs = Int(epoch - dayNumber * 86_400)
        let (y, m, d) = civil(fromDays: dayNumber)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out.append(contentsOf: days[Int(((dayNumber % 7) + 7) % 7)].utf8)
        out.append(contentsOf: ", ".utf8)
        two(&out, d)
        out.append(0x20)
        out.append(contentsOf: months[m - 1].utf8)
        out.append(0x20)
        let year = max(0, min(9999, y))
        two(&out, year / 100)
        two(&out, year % 100)
        out.append(0x20)
        two(&out, secs / 3600)
        out.append(0x3A)
        two(&out, secs / 60 % 60)
        out.append(0x3A)
        two(&out, secs % 60)
        out.append(contentsOf: " GMT".utf8)
        return out
    }

    /// Parses an IMF-fixdate; nil for anything else (obsolete forms are ignored, RFC 9110 allows it).
    public static func parse(_ text: some StringProtocol) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 29, b[3] == 0x2C, b[4] == 0x20, b[7] == 0x20, b[11] == 0x20, b[16] == 0x20,
              b[19] == 0x3A, b[22] == 0x3A, b[25] == 0x20, b[26] == 0x47, b[27] == 0x4D, b[28] == 0x54
        else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r { let d = b[i] &- 0x30; guard d <= 9 else { return nil }; n = n * 10 + Int(d) }
            return n
        }
        let monthText = String(decoding: b[8..<11], as: UTF8.self)
        guard let day = num(5..<7), let year = num(12..<16), let hh = num(17..<19), let mm = num(20..<22),
              let ss = num(23..<25), let monthIndex = months.firstIndex(of: monthText),
              day >= 1, day <= 31, hh < 24, mm < 60, ss < 61
        else { return nil }
        return days(fromCivil: year, monthIndex + 1, day) * 86_400 + Int64(hh * 3600 + mm * 60 + ss)
    }

    static func two(_ out: inout [UInt8], _ v: Int) {
        out.append(UInt8(0x30 + v / 10 % 10))
        out.append(UInt8(0x30 + v % 10))
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Howard Hinnant's civil-from-days.
    public static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// Howard Hinnant's days-from-civil.
    public static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
