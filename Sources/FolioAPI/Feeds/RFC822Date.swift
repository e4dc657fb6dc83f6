import FolioContent

/// RFC 822 dates as RSS 2.0 wants them (with RFC 1123's four-digit year):
/// `Mon, 18 Sep 2023 10:56:00 +0400`, at the timestamp's own offset. Written by hand.
enum RFC822Date {
    static let days: [StaticString] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ t: Timestamp) -> String {
        var out: [UInt8] = []
        append(t, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ t: Timestamp, to out: inout [UInt8]) {
        let c = t.civil
        let local = t.epochSeconds + Int64(t.utcOffsetSeconds)
        // 1970-01-01 was a Thursday; floor division keeps dates before 1970 right.
        var day = local / 86_400
        if local < 0, local % 86_400 != 0 { day -= 1 }
        let weekday = Int(((day % 7) + 7) % 7)
        days[weekday].withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: [0x2C, 0x20])
        two(c.day, &out)
        out.append(0x20)
        months[c.month - 1].withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x20)
        let y = max(0, min(9999, c.year))
        two(y / 100, &out)
        two(y % 100, &out)
        out.append(0x20)
        two(c.hour, &out)
        out.append(0x3A)
        two(c.minute, &out)
        out.append(0x3A)
        two(c.second, &out)
        out.append(0x20)
        let offset = Int(t.utcOffsetSeconds)
        out.append(offset < 0 ? 0x2D : 0x2B)
        let minutes = abs(offset) / 60
        two(minutes / 60, &out)
        two(minutes % 60, &out)
    }

    static func two(_ n: Int, _ out: inout [UInt8]) {
        out.append(UInt8(0x30 + (n / 10) % 10))
        out.append(UInt8(0x30 + n % 10))
    }
}
