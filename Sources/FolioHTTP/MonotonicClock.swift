import Glibc

/// Seconds from CLOCK_MONOTONIC (timeouts) and from the wall clock (Date header, logs).
public enum MonotonicClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func wallSeconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &ts)
        return Int64(ts.tv_sec)
    }

    /// The monotonic clock in seconds and in microseconds, from one reading.
    public static func sample() -> (seconds: Double, micros: Int64) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return (Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9, Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }

    /// Microseconds on the monotonic clock, for request durations.
    public static func micros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

/// The `Date: ...\r\n` header line, rebuilt at most once a second per event loop.
struct DateHeaderCache {
    private(set) var line: [UInt8] = []
    /// The wall-clock second `line` shows.
    private(set) var second: Int64 = -1

    mutating func refresh() {
        let now = MonotonicClock.wallSeconds()
        guard now != second else { return }
        second = now
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: "Date: ".utf8)
        line.append(contentsOf: HTTPDate.formatBytes(now))
        line.append(0x0D)
        line.append(0x0A)
    }
}
