import Glibc

/// A per-loop access log: one line per request (time, method, path, status, bytes, microseconds),
/// buffered and written in batches (to standard output or the access-log file) so logging costs
/// no syscall per request.
struct AccessLog {
    private let buffer = GrowableBytes()
    private var stamp: [UInt8] = []
    private var stampSecond: Int64 = -1
    private var lastFlush: Double = 0
    let json: Bool
    let fd: Int32

    init(json: Bool, fd: Int32 = 1) {
        self.json = json
        self.fd = fd
    }

    /// Longest path printed; longer ones are cut (a line stays bounded).
    static let maxPathBytes = 2048

    /// `now` is the wall clock in seconds (the event loop passes the second it already read for
    /// the Date header).
    mutating func record(method: HTTPMethod, path: ArraySlice<UInt8>, status: Int, bytes: Int, micros: Int64, requestID: RequestID?,
                         now: Int64 = MonotonicClock.wallSeconds()) {
        refreshStamp(now)
        let json = self.json
        let stamp = self.stamp
        let path = path.prefix(Self.maxPathBytes)
        // The whole line in one pass: fixed text (under 100 bytes in either format, with the
        // method), at most two bytes per path byte, three numbers of at most 20 digits, the id.
        let maxCount = stamp.count + 2 * path.count + RequestID.maxGivenLength + 3 * 20 + 160
        _ = buffer.appendInPlace(maxCount: maxCount) { c in
            if json {
                c.put("{\"time\":\"")
                c.put(stamp)
                c.put("\",\"method\":\"")
                c.put(method.token)
                c.put("\",\"path\":\"")
                Self.putEscaped(path, json: true, into: &c)
                c.put("\",\"status\":")
                c.putDecimal(status)
                c.put(",\"bytes\":")
                c.putDecimal(bytes)
                c.put(",\"us\":")
                c.putDecimal(Int(micros))
                if let requestID {
                    c.put(",\"request_id\":\"")
                    requestID.withBytes { c.put($0) }  // plain bytes only
                    c.put("\"")
                }
                c.put("}\n")
            } else {
                c.put(stamp)
                c.put(" ")
                c.put(method.token)
                c.put(" ")
                Self.putEscaped(path, json: false, into: &c)
                c.put(" ")
                c.putDecimal(status)
                c.put(" ")
                c.putDecimal(bytes)
                c.put("B ")
                c.putDecimal(Int(micros))
                c.put("us")
                if let requestID {
                    c.put(" id=")
                    requestID.withBytes { c.put($0) }  // plain bytes only
                }
                c.put("\n")
            }
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
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
        buffer.removeAll(keepingCapacityUpTo: 64 * 1024)
    }

    var isEmpty: Bool { buffer.count == 0 }

    /// The lines not yet written (tests).
    var buffered: [UInt8] { buffer.array }

    private mutating func refreshStamp(_ now: Int64) {
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

    /// Client-sent bytes are printable ASCII already (the parser checked them); quote and backslash
    /// are escaped (JSON) so a line stays valid, and anything else outside printable ASCII becomes `?`.
    private static func putEscaped(_ bytes: ArraySlice<UInt8>, json: Bool, into c: inout ByteCursor) {
        bytes.withUnsafeBytes { raw in
            let n = raw.count
            if ByteScan.firstOutsideOrOf(raw, from: 0, end: n, low: 0x20, high: 0x7E, 0x22, 0x5C) == n {
                c.put(raw)  // the usual case: plain printable ASCII
                return
            }
            for b in raw {
                if b == 0x22 || b == 0x5C {
                    if json { c.put(0x5C) }
                    c.put(b)
                } else if b >= 0x20 && b < 0x7F {
                    c.put(b)
                } else {
                    c.put(0x3F)
                }
            }
        }
    }
}
