import Glibc
import Testing
@testable import FolioHTTP

@Suite("Output queue over a socketpair")
struct OutputQueueTests {
    /// A connected pair of non-blocking stream sockets; the test reads from `peer`.
    func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        let rc = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds)
        precondition(rc == 0)
        return (fds[0], fds[1])
    }

    func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return out }
            out += buf[..<n]
        }
    }

    @Test("small and large pieces arrive in order")
    func ordered() {
        let (fd, peer) = socketPair()
        defer { close(fd); close(peer) }
        var q = OutputQueue()
        let large = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        q.append("HTTP/1.1 200 OK\r\nContent-Length: ")
        q.appendDecimal(large.count)
        q.append(bytes("\r\n\r\n"))
        q.append(large)
        q.append(UInt8(ascii: "!"))
        let expected = bytes("HTTP/1.1 200 OK\r\nContent-Length: 40000\r\n\r\n") + large + [UInt8(ascii: "!")]
        #expect(q.pendingBytes == expected.count)
        var received: [UInt8] = []
        var rounds = 0
        while !q.isEmpty, rounds < 1000 {
            switch q.flush(to: fd) {
            case .failed: Issue.record("flush failed"); return
            case .drained, .blocked: break
            }
            received += readAll(peer)
            rounds += 1
        }
        received += readAll(peer)
        #expect(received == expected)
        #expect(q.tail.isEmpty)
    }

    /// Forty pipelined responses (a copied head, then a shared 20 KB body or a copied small one)
    /// make more segments than one write gathers, and the small socket buffer forces partial
    /// writes in the middle of segments: every byte still arrives once, in order.
    @Test("many segments, gathered and partly written, arrive in order")
    func gathered() {
        let (fd, peer) = socketPair()
        defer { close(fd); close(peer) }
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var q = OutputQueue()
        var expected: [UInt8] = []
        for i in 0..<40 {
            let head = bytes("HTTP/1.1 200 OK\r\nX-N: \(i)\r\n\r\n")
            let body = i % 3 == 0 ? [UInt8](repeating: UInt8(i), count: 300)
                : (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            q.append(head)
            q.append(body)
            expected += head + body
        }
        var received: [UInt8] = []
        var rounds = 0
        while !q.isEmpty, rounds < 100_000 {
            if case .failed = q.flush(to: fd) { Issue.record("flush failed"); return }
            received += readAll(peer)
            rounds += 1
        }
        received += readAll(peer)
        #expect(received.count == expected.count)
        #expect(received == expected)
        #expect(rounds > 10, "the small buffer made the flushes partial")
    }

    @Test("a reader that never reads: the queue blocks and keeps the rest")
    func blocked() {
        let (fd, peer) = socketPair()
        defer { close(fd); close(peer) }
        var q = OutputQueue()
        let big = [UInt8](repeating: 7, count: 4 * 1024 * 1024)
        q.append(big)
        guard case .blocked(let wrote) = q.flush(to: fd) else { Issue.record("expected blocked"); return }
        #expect(wrote > 0 && wrote < big.count)
        #expect(q.pendingBytes == big.count - wrote)
        q.discard()
        #expect(q.isEmpty)
    }

    @Test("decimal digits", arguments: [0, 7, 10, 1234567890, Int.max])
    func decimal(_ value: Int) {
        var q = OutputQueue()
        q.appendDecimal(value)
        #expect(q.tail == Array(String(value).utf8))
        #expect(q.pendingBytes == q.tail.count)
    }

    @Test("a closed peer fails the flush")
    func closedPeer() {
        let (fd, peer) = socketPair()
        defer { close(fd) }
        close(peer)
        var q = OutputQueue()
        q.append(bytes("x"))
        guard case .failed = q.flush(to: fd) else { Issue.record("expected failure"); return }
    }
}
