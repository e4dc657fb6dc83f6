import Foundation
import Glibc
import Testing

/// The malformed-request and request-smuggling corpus (SmugglingCases.swift) against one live
/// `folio serve`, each case on its own connection. A case passes when the server answers exactly
/// the expected statuses, then either answers a follow-up `GET /healthz` on the same connection
/// (the connection stayed in step) or closes without answering anything more.
@Suite("Smuggling corpus")
struct SmugglingCorpusTests {
    static var config: [String: Any] { [
        "limits": [
            "max_request_line_bytes": SmugglingCases.maxRequestLine, "max_header_bytes": SmugglingCases.maxHeaderBytes,
            "max_header_fields": SmugglingCases.maxFields, "max_body_bytes": SmugglingCases.maxBody,
            "max_chunk_extension_bytes": SmugglingCases.maxChunkExtension,
            "header_timeout": 5, "body_timeout": 5, "idle_timeout": 10,
        ],
        "access_log": false,
    ] }

    /// Sent right after every case, in the same write.
    static let followUp = Array("GET /healthz HTTP/1.1\r\nHost: follow-up\r\nConnection: close\r\n\r\n".utf8)

    @Test("corpus size") func corpusSize() {
        let all = SmugglingCases.all
        var families: [String: Int] = [:]
        for c in all { families[c.family.rawValue, default: 0] += 1 }
        let summary = families.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("Smuggling corpus: \(all.count) cases (\(summary)); \(all.filter(\.staysOpen).count) keep the connection")
        #expect(all.count >= 160)
        #expect(Set(all.map(\.name)).count == all.count, "case names are unique")
    }

    @Test("case", arguments: SmugglingCases.all)
    func corpusCase(_ c: SmugglingCase) throws {
        try run(c, split: false)
    }

    /// The same cases with the bytes in two writes, cut in the middle, the second sent after the
    /// server has read the first: the parser is incremental and must reach the same answer however
    /// the bytes arrive.
    @Test("case, in two writes", arguments: SmugglingCases.all)
    func corpusCaseInTwoWrites(_ c: SmugglingCase) throws {
        try run(c, split: true)
    }

    func run(_ c: SmugglingCase, split: Bool) throws {
        let port = try SharedCorpusServer.acquire()
        defer { SharedCorpusServer.release() }
        let client = try RawClient(port: port)
        let all = c.bytes + Self.followUp
        if split {
            // The second half is sent only once the server has read the first, so it comes in a
            // later read however the machine schedules (unless the server already answered and
            // closed on the first half).
            client.noDelay()
            let cut = max(1, c.bytes.count / 2)
            client.send(Array(all[..<cut]))
            #expect(client.waitUntilServerHasRead(), "\(c.testDescription): the server never read the first half")
            client.send(Array(all[cut...]))
        } else {
            client.send(all)
        }
        let (bytes, closed) = client.readUntilClosed(timeout: 10)
        let responses = Response.parseAll(bytes).filter { $0.status != 100 }
        let expected = c.statuses + (c.staysOpen ? [200] : [])
        #expect(responses.map(\.status) == expected, "\(c.testDescription): got \(String(decoding: bytes.prefix(600), as: UTF8.self))")
        #expect(closed, "\(c.testDescription): connection not closed")
        if c.staysOpen, let last = responses.last, responses.count == expected.count {
            #expect(last.text == #"{"status":"ok"}"#, "\(c.testDescription): follow-up answered \(last.text)")
        }
        for r in responses where r.status >= 400 {
            #expect(r.header("Content-Type") == "application/problem+json", "\(c.testDescription): \(r.status) without problem+json")
        }
        if !c.staysOpen, let last = responses.last, last.status >= 400 {
            #expect(last.header("Connection") == "close", "\(c.testDescription): refusal without Connection: close")
        }
    }
}

/// One server for the whole corpus: started by the first case, stopped by the last one (or at exit
/// when a filter runs only some cases).
enum SharedCorpusServer {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var server: ServerProcess?
    nonisolated(unsafe) private static var finished = 0
    nonisolated(unsafe) private static var startError: (any Error)?

    static func acquire() throws -> Int {
        try lock.withLock {
            if let startError { throw startError }
            if let server { return server.port }
            do {
                let s = try ServerProcess(config: SmugglingCorpusTests.config)
                server = s
                atexit { SharedCorpusServer.stopNow() }
                return s.port
            } catch {
                startError = error
                throw error
            }
        }
    }

    static func release() {
        let last = lock.withLock { () -> Bool in
            finished += 1
            return finished == 2 * SmugglingCases.all.count  // both parameterised tests
        }
        if last { stopNow() }
    }

    static func stopNow() {
        let s = lock.withLock { () -> ServerProcess? in
            defer { server = nil }
            return server
        }
        if let s {
            let (status, output) = s.stop()
            if status != 0 { print("corpus server exited with \(status):\n\(output.suffix(2000))") }
        }
    }
}

extension RawClient {
    /// Reads until the peer closes (true) or `timeout` passes (false).
    func readUntilClosed(timeout: Double) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            setTimeout(max(0.05, deadline.timeIntervalSinceNow))
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { out.append(contentsOf: buf[0..<n]); continue }
            if n == 0 { return (out, true) }
            if errno == ECONNRESET { return (out, true) }
            if errno == EINTR { continue }
        }
        return (out, false)
    }
}
