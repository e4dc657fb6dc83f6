import Foundation
import Glibc

// Conditions the tests wait for instead of sleeping: the server has read what a client sent (the
// kernel's socket queues in /proc/net/tcp), the server printed a line, a /metrics gauge reached a
// value. Each wait polls with a generous bound and says whether the condition was reached; none
// asserts how fast it was.

/// How long any of these waits at most: long enough for a loaded two-core machine.
let observeTimeout: Double = 10

extension RawClient {
    /// The client's local port (the server sees the connection from it).
    var localPort: Int {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Turns off Nagle's algorithm, so each `send` leaves as its own segment.
    func noDelay() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits until the server process has read every byte sent on this connection so far: the
    /// client's send queue is acknowledged (the bytes reached the server's socket) and the
    /// server's socket, accepted and established, has nothing left unread. A later `send` then
    /// arrives in a later read. Also true once the server has closed its end (it answered and
    /// closed on what it read).
    @discardableResult
    func waitUntilServerHasRead(timeout: Double = observeTimeout) -> Bool {
        let mine = localPort
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let sockets = TCPTable.read(involving: mine).filter { $0.state != TCPTable.timeWait }
            let client = sockets.first { $0.localPort == mine && $0.remotePort == serverPort }
            let server = sockets.first { $0.localPort == serverPort && $0.remotePort == mine }
            // Reset, or the server's FIN arrived: the server is done with the connection.
            guard let client, client.state == TCPTable.established else { return true }
            if let server {
                if server.state == TCPTable.established {
                    if client.txQueue == 0 && server.rxQueue == 0 { return true }
                } else if server.state != TCPTable.synReceived {
                    return true  // the server closed its end
                }
            }
            usleep(500)
        } while Date() < deadline
        return false
    }
}

/// IPv4 TCP sockets of this network namespace, from /proc/net/tcp.
enum TCPTable {
    struct Socket {
        var localPort: Int
        var remotePort: Int
        var state: Int
        /// Bytes sent and not yet acknowledged by the peer.
        var txQueue: Int
        /// Bytes received and not yet read by the owning process.
        var rxQueue: Int
    }

    static let established = 1, synReceived = 3, timeWait = 6

    /// The sockets whose local or remote port is `port`. Only the lines naming it are parsed:
    /// the table also lists every connection in TIME_WAIT, hundreds after a test run.
    static func read(involving port: Int) -> [Socket] {
        var table = readProcFile("/proc/net/tcp")
        table.append(0)  // a C string for strstr (the table holds no NUL)
        let needle = String(format: ":%04X ", port)
        var out: [Socket] = []
        table.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { text in
                guard let base = text.baseAddress else { return }
                var offset = 0
                while offset < text.count - 1, let hit = strstr(base + offset, needle) {
                    let at = base.distance(to: hit)
                    var start = at, end = at
                    while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
                    while end < bytes.count - 1, bytes[end] != 0x0A { end += 1 }
                    if let s = parse(String(decoding: bytes[start..<end], as: UTF8.self)), s.localPort == port || s.remotePort == port {
                        out.append(s)
                    }
                    offset = end
                }
            }
        }
        return out
    }

    /// One line of the table: `sl local rem st tx_queue:rx_queue …`, addresses and ports in hex.
    static func parse(_ line: String) -> Socket? {
        let f = line.split(separator: " ")
        guard f.count > 4, let local = f[1].split(separator: ":").last, let remote = f[2].split(separator: ":").last,
              let lp = Int(local, radix: 16), let rp = Int(remote, radix: 16), let st = Int(f[3], radix: 16) else { return nil }
        let queues = f[4].split(separator: ":")
        guard queues.count == 2, let tx = Int(queues[0], radix: 16), let rx = Int(queues[1], radix: 16) else { return nil }
        return Socket(localPort: lp, remotePort: rp, state: st, txQueue: tx, rxQueue: rx)
    }

    /// The whole of a /proc file, read until end of file (its size is not known beforehand;
    /// Foundation's readers may stop after the first block).
    static func readProcFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }
}

extension ServerProcess {
    /// Waits until the server has printed `text` (its log lines go to a file, read as they grow).
    @discardableResult
    func waitForOutput(_ text: String, timeout: Double = observeTimeout) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if printed.contains(text) { return true }
            usleep(5_000)
        } while Date() < deadline
        return false
    }

    /// Scrapes /metrics until `condition` holds and returns those samples, or the last samples
    /// seen (nil if none) when `timeout` passes. Keeps one connection open between scrapes, and
    /// opens another when the server refuses or closes it (over the connection limit).
    func waitForMetrics(timeout: Double = observeTimeout, _ condition: ([String: Double]) -> Bool) -> [String: Double]? {
        let deadline = Date().addingTimeInterval(timeout)
        var client: RawClient?
        var last: [String: Double]?
        repeat {
            if let samples = scrape(&client) {
                last = samples
                if condition(samples) { return samples }
            }
            usleep(10_000)
        } while Date() < deadline
        return last
    }

    /// One scrape on `client` (opened when nil); nil and no client after a refusal or an error.
    private func scrape(_ client: inout RawClient?) -> [String: Double]? {
        do {
            let c = try client ?? RawClient(port: port)
            client = c
            c.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
            let r = try c.readResponse()
            guard r.status == 200 else { client = nil; return nil }
            return Self.samples(r.text)
        } catch {
            client = nil
            return nil
        }
    }

    /// `name{labels}` → value for every sample line of a Prometheus text exposition.
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }
}
