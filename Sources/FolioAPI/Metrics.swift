public import FolioHTTP
import Foundation
import Synchronization

/// Request metrics: counts by route pattern and status class and a latency histogram, kept per
/// event loop (each loop's mutex is only ever taken by that loop and by a scrape), summed when
/// `/metrics` is scraped and written in the Prometheus text format.
public final class Metrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

    /// The same bounds in microseconds, for the hot path.
    static let bucketMicros: [Int64] = buckets.map { Int64(($0 * 1_000_000).rounded()) }

    struct RouteStats {
        var label: String
        var statusClasses = [Int](repeating: 0, count: 5)
        var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count)
        var count = 0
        var sumMicros: Int64 = 0

        init(label: String) { self.label = label }
    }

    /// One loop's statistics, indexed by a route slot (see `record`).
    final class Shard: Sendable {
        let routes = Mutex<[RouteStats?]>([])
    }

    private let shards: [Shard]
    private let started = Date()
    private let server = Mutex<ServerControl?>(nil)
    /// Extra gauges from the application (snapshot generation, articles, cache use).
    private let gauges = Mutex<[@Sendable () -> [(name: String, help: String, value: Double)]]>([])

    public init(shardCount: Int = 16) {
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
    }

    /// Connects the HTTP server's counters (open connections, bytes, refusals) once it exists.
    public func attach(_ control: ServerControl) { server.withLock { $0 = control } }

    /// Adds gauges computed at scrape time (a name ending in `_total` is typed as a counter).
    public func addGauges(_ provider: @escaping @Sendable () -> [(name: String, help: String, value: Double)]) {
        gauges.withLock { $0.append(provider) }
    }

    /// Records one request on loop `loop`. `slot` is a small number naming the route (the
    /// router's route index, or a fixed slot past the routes); `label` is its name in the output
    /// (evaluated only the first time a loop sees the slot).
    func record(slot: Int, label: @autoclosure () -> String, status: Int, micros: Int64, loop: Int) {
        var bucket = Self.bucketMicros.count
        for (i, b) in Self.bucketMicros.enumerated() where micros <= b { bucket = i; break }
        let cls = min(4, max(0, status / 100 - 1))
        shards[loop % shards.count].routes.withLock { routes in
            if slot >= routes.count { routes.append(contentsOf: repeatElement(nil, count: slot + 1 - routes.count)) }
            if routes[slot] == nil { routes[slot] = RouteStats(label: label()) }
            routes[slot]!.record(cls: cls, bucket: bucket, micros: micros)
        }
    }

    /// The Prometheus text exposition of everything.
    public func render() -> [UInt8] {
        var total: [String: RouteStats] = [:]
        for shard in shards {
            shard.routes.withLock { routes in
                for case let v? in routes { total[v.label, default: RouteStats(label: v.label)].add(v) }
            }
        }
        var out = ""
        out += "# HELP folio_http_requests_total Requests answered, by route pattern and status class.\n"
        out += "# TYPE folio_http_requests_total counter\n"
        let names = total.keys.sorted()
        for route in names {
            for (i, n) in total[route]!.statusClasses.enumerated() where n > 0 {
                out += "folio_http_requests_total{route=\"\(escape(route))\",status=\"\(i + 1)xx\"} \(n)\n"
            }
        }
        out += "# HELP folio_http_request_duration_seconds Time spent producing responses, by route pattern.\n"
        out += "# TYPE folio_http_request_duration_seconds histogram\n"
        for route in names {
            let s = total[route]!
            var cumulative = 0
            for (i, b) in Self.buckets.enumerated() {
                cumulative += s.bucketCounts[i]
                out += "folio_http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"\(b)\"} \(cumulative)\n"
            }
            out += "folio_http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"+Inf\"} \(s.count)\n"
            out += "folio_http_request_duration_seconds_sum{route=\"\(escape(route))\"} \(Double(s.sumMicros) / 1_000_000)\n"
            out += "folio_http_request_duration_seconds_count{route=\"\(escape(route))\"} \(s.count)\n"
        }
        func gauge(_ name: String, _ help: String, _ type: String, _ value: Double) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            out += value.rounded() == value && abs(value) < 1e15 ? "\(name) \(Int64(value))\n" : "\(name) \(value)\n"
        }
        if let control = server.withLock({ $0 }) {
            let t = control.totals
            gauge("folio_open_connections", "Client connections open now.", "gauge", Double(control.connectionCount))
            gauge("folio_connections_accepted_total", "Connections accepted.", "counter", Double(t.accepted))
            gauge("folio_connections_refused_total", "Connections refused with 503 over the connection limit.", "counter", Double(t.refused))
            gauge("folio_connections_reclaimed_total", "Idle connections closed at the connection limit to let a new client in.", "counter", Double(t.reclaimed))
            gauge("folio_accept_pauses_total", "Times accepting stopped for 100 ms because accept failed (out of file descriptors).", "counter", Double(t.acceptPauses))
            gauge("folio_bytes_sent_total", "Response body bytes sent.", "counter", Double(t.bytesSent))
            gauge("folio_request_timeouts_total", "Requests answered 408 for arriving too slowly.", "counter", Double(t.timeouts))
            gauge("folio_parse_errors_total", "Requests refused by the HTTP parser.", "counter", Double(t.parseErrors))
            gauge("folio_tls_handshakes_total", "TLS handshakes completed.", "counter", Double(t.tlsHandshakes))
            gauge("folio_tls_resumed_total", "TLS handshakes that resumed an earlier session.", "counter", Double(t.tlsResumed))
            gauge("folio_tls_kernel_connections_total", "TLS connections whose sending the kernel encrypts (kTLS).", "counter", Double(t.tlsKernel))
            gauge("folio_tls_failed_total", "TLS connections closed before their handshake finished.", "counter", Double(t.tlsFailed))
        }
        for provider in gauges.withLock({ $0 }) {
            for g in provider() { gauge(g.name, g.help, g.name.hasSuffix("_total") ? "counter" : "gauge", g.value) }
        }
        gauge("folio_resident_memory_bytes", "Resident set size of the process.", "gauge", Double(Self.residentBytes()))
        gauge("folio_uptime_seconds", "Seconds since the process started serving.", "gauge", (Date().timeIntervalSince(started) * 1000).rounded() / 1000)
        return Array(out.utf8)
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// VmRSS from /proc/self/status, in bytes.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}

extension Metrics.RouteStats {
    mutating func record(cls: Int, bucket: Int, micros: Int64) {
        statusClasses[cls] += 1
        if bucket < bucketCounts.count { bucketCounts[bucket] += 1 }
        count += 1
        sumMicros += micros
    }

    mutating func add(_ o: Metrics.RouteStats) {
        for i in 0..<5 { statusClasses[i] += o.statusClasses[i] }
        for i in 0..<bucketCounts.count { bucketCounts[i] += o.bucketCounts[i] }
        count += o.count
        sumMicros += o.sumMicros
    }
}
