import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
@testable import FolioHTTP

/// Deferred responses on a real in-process server: work that outlives the write timeout gets a
/// 503 problem (not a silent close) and is told it was abandoned; a client that leaves cancels
/// the work; an answer that arrives in time is written as usual.
@Suite("Deferred responses", .serialized)
struct DeferredResponseTests {
    /// Answers `/slow` after `delay` seconds unless cancelled first (recording what happened),
    /// and anything else at once.
    final class SlowResponder: HTTPResponder {
        let delay: Double
        let cancelled = Atomic<Int>(0)
        let completed = Atomic<Int>(0)

        init(delay: Double) { self.delay = delay }

        func respond(to request: HTTPRequest) -> HTTPResponse {
            guard request.path == "/slow" else { return HTTPResponse(status: 200, contentType: "text/plain", body: Array("fast".utf8)) }
            let delay = self.delay
            return .deferred(DeferredResponse { [self] completion in
                Thread.detachNewThread { [self] in
                    let deadline = Date().addingTimeInterval(delay)
                    while Date() < deadline {
                        if completion.isCancelled {
                            cancelled.add(1, ordering: .relaxed)
                            return
                        }
                        usleep(5_000)
                    }
                    completed.add(1, ordering: .relaxed)
                    completion.complete(HTTPResponse(status: 200, contentType: "text/plain", body: Array("slow".utf8)))
                }
            })
        }
    }

    static func server(_ responder: SlowResponder, writeTimeout: Double) throws -> HTTPServer {
        var config = HTTPServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.threads = 1
        config.accessLog = false
        config.limits.writeTimeout = writeTimeout
        let server = try HTTPServer(configuration: config, responder: responder)
        server.start()
        return server
    }

    /// A blocking loopback connection with a receive timeout.
    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything until the server closes (or 10 s pass).
    static func readAll(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    @Test func workThatOutlivesTheWriteTimeoutGetsA503AndIsCancelled() throws {
        let responder = SlowResponder(delay: 30)
        let server = try Self.server(responder, writeTimeout: 0.5)
        defer { server.shutdown() }
        let fd = try Self.connect(server.port)
        defer { close(fd) }
        Self.send(fd, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        let answer = Self.readAll(fd)
        #expect(answer.hasPrefix("HTTP/1.1 503 "), "\(answer)")
        #expect(answer.contains("Retry-After: 5\r\n"))
        #expect(answer.contains("Connection: close\r\n"))
        #expect(answer.contains("Content-Type: application/problem+json\r\n"))
        #expect(answer.contains("took longer than"))
        #expect(Self.eventually { responder.cancelled.load(ordering: .relaxed) == 1 }, "the work was not told")
        #expect(responder.completed.load(ordering: .relaxed) == 0)
    }

    @Test func aClientThatLeavesCancelsTheWork() throws {
        let responder = SlowResponder(delay: 30)
        let server = try Self.server(responder, writeTimeout: 30)
        defer { server.shutdown() }
        let fd = try Self.connect(server.port)
        Self.send(fd, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        // The request is parked once the server has it; wait for that through the counter the
        // loop keeps (an open connection), then leave.
        #expect(Self.eventually { server.control.connectionCount == 1 })
        usleep(100_000)
        close(fd)
        #expect(Self.eventually { responder.cancelled.load(ordering: .relaxed) == 1 }, "the work went on for nobody")
    }

    @Test func anAnswerInTimeIsWrittenAndTheConnectionGoesOn() throws {
        let responder = SlowResponder(delay: 0.05)
        let server = try Self.server(responder, writeTimeout: 5)
        defer { server.shutdown() }
        let fd = try Self.connect(server.port)
        defer { close(fd) }
        Self.send(fd, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let answer = Self.readAll(fd)
        #expect(answer.hasPrefix("HTTP/1.1 200 "), "\(answer)")
        let slow = try #require(answer.range(of: "slow"))
        let fast = try #require(answer.range(of: "fast"))
        #expect(slow.lowerBound < fast.lowerBound, "pipelined answers out of order")
        #expect(answer.contains("X-Content-Type-Options: nosniff\r\n"))
        #expect(responder.cancelled.load(ordering: .relaxed) == 0)
    }
}
