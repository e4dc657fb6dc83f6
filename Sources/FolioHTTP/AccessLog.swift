import Glibc

/// A per-loop access log: one line per request (time, method, path, status, bytes, microseconds),
/// buffered and written to standard output in batches so logging costs no syscall per request.
struct AccessLog {
    private let buffer = GrowableBytes()
    private var stamp: [UInt8] = []
    private var stampSecond: Int64 = -1
    private var lastFlush: Double = 0
    let json: Bool

    init(json: Bool) {
        self.json = json
    }

    mutating func record(method: HTTPMethod, path: ArraySlice<UInt8>, status: Int, bytes: Int, micros: Int64, requestID: RequestID?) {
        refreshStamp()
        if json {
            append("{\"time\":\"")
            stamp.withUnsafeBytes { buffer.append($0) }
            append("\",\"method\":\"")
            append(method.token)
            append("\",\"path\":\"")
            appendEscaped(path)
            append("\",\"status\":")
            appendDecimal(Int64(status))
            append(",\"bytes\":")
            appendDecimal(Int64(bytes))
            append(",\"us\":")
            appendDecimal(micros)
            if let requestID {
                append(",\"request_id\":\"")
                requestID.withBytes { buffer.append($0) }  // plain bytes only
                append("\"")
            }
            append("}\n")
        } else {
            stamp.withUnsafeBytes { buffer.append($0) }
            buffer.append(0x20)
            append(method.token)
            buffer.append(0x20)
            appendEscaped(path)
            buffer.append(0x20)
            appendDecimal(Int64(status))
            buffer.append(0x20)
            appendDecimal(Int64(bytes))
            append("B ")
            appendDecimal(micros)
            append("us")
            if let requestID {
                append(" id=")
                requestID.withBytes { buffer.append($0) }  // plain bytes only
            }
            buffer.append(0x0A)
        }
        if buffer.count >= 16 * 1024 { flush() }
    }

    /// Writes what is buffered if it is older than `interval` seconds (or always, with 0).
    mutating func flush(ifOlderThan interval: Double = 0, now: Double = 0) {
        guard buffer.count > 0, interval == 0 || now - lastFlush >= interval else { return }
        lastFlush = now
        let bytes = buffer.bytes(0..<buffer.count)
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
        buffer.removeAll(keepingCapacityUpTo: 64 * 1024)
    }

    var isEmpty: Bool { buffer.count == 0 }

    private mutating func refreshStamp() {
        let now = MonotonicClock.wallSeconds()
        guard now != stampSecond else { return }
        stampSecond = now
        let day = now >= 0 ? now / 86_400 : (now - 86_399) / 86_400
        let secs = Int(now - day * 86_400)
        let (y, m, d) = HTTPDate.civil(fromDays: day)
        stamp.removeAll(keepingCapacity: true)
        func two(_ v: Int) { stamp.append(UInt8(0x30 + v / 10 % 10)); stamp.append(UInt8(0x30 + v % 10)) }
        two(y / 100); two(y % 100); stamp.append(0x2D); two(m); stamp.append(0x2D); two(d)
        stamp.append(0x54); two(secs / 3600); stamp.append(0x3A); two(secs / 60 % 60); stamp.append(0x3A); two(secs % 60)
        stamp.append(0x5A)
    }

    private func append(_ s: StaticString) {
        buffer.append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private func appendDecimal(_ v: Int64) {
        if v < 0 { buffer.append(0x2D) }
        var n = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of stack; a UInt64 has at most 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[23 - count] = UInt8(0x30 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            buffer.append(UnsafeRawBufferPointer(rebasing: d[(24 - count)...]))
        }
    }

    /// Client-sent bytes are printable ASCII already (the parser checked them); quote and backslash
    /// are escaped so a JSON line stays valid, and anything else outside printable ASCII becomes `?`.
    private func appendEscaped(_ bytes: ArraySlice<UInt8>) {
        bytes.prefix(2048).withUnsafeBytes { raw in
            let n = raw.count
            if ByteScan.firstOutside(raw, from: 0, end: n, low: 0x20, high: 0x7E) == n,
               ByteScan.firstOf(raw, from: 0, end: n, 0x22, 0x5C) == n {
                buffer.append(raw)  // the usual case: plain printable ASCII
                return
            }
            for b in raw {
                if b == 0x22 || b == 0x5C {
                    if json { buffer.append(0x5C) }
                    buffer.append(b)
                } else if b >= 0x20 && b < 0x7F {
                    buffer.append(b)
                } else {
                    buffer.append(0x3F)
                }
            }
        }
    }
}
