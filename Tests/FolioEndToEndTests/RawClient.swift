import CTLSTestClient
import Foundation
import Glibc

/// A blocking TCP client for tests: sends raw bytes, reads raw responses, with time limits;
/// over TLS when given a CA file to trust (`RawClient(port:tls:)`).
final class RawClient {
    let fd: Int32
    /// The port connected to.
    let serverPort: Int
    /// The TLS session, when the client speaks HTTPS.
    private var session: OpaquePointer?

    /// What a TLS client trusts and asks for.
    struct TLS {
        var caFile: String
        var host = "localhost"
        /// 12 or 13 for one protocol version, 0 for either.
        var version: Int32 = 0
    }

    /// Connects, then (with `tls`) completes a TLS handshake, verifying the server's certificate.
    convenience init(port: Int, tls: TLS?) throws {
        try self.init(port: port)
        guard let tls else { return }
        var message = [CChar](repeating: 0, count: 512)
        guard let ssl = folio_test_tls_connect(fd, tls.caFile, tls.host, tls.version, &message, message.count) else {
            throw ClientError.tls(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        session = ssl
    }

    /// "TLSv1.3" and the like; nil over plain TCP.
    var tlsVersion: String? { session.map { String(cString: folio_test_tls_version($0)) } }

    init(port: Int) throws {
        serverPort = port
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { Glibc.close(fd); throw ClientError.connect(errno) }
        setTimeout(5)
    }

    enum ClientError: Error { case connect(Int32), timeout, tls(String) }

    func setTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { b -> Int in
                if let session { return Int(folio_test_tls_write(session, b.baseAddress, Int32(b.count))) }
                return Glibc.send(fd, b.baseAddress, b.count, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads until the peer closes or the timeout passes.
    func readAll(timeout: Double = 5) -> [UInt8] {
        setTimeout(timeout)
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// True when the server has closed the connection (EOF within `timeout`).
    func isClosed(timeout: Double = observeTimeout) -> Bool {
        setTimeout(timeout)
        var buf = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
        return false
    }

    /// Reads exactly one response (Content-Length framed, or none for 1xx/204/304/HEAD).
    func readResponse(head: Bool = false, timeout: Double = observeTimeout) throws -> Response {
        setTimeout(timeout)
        while true {
            if let r = Response.parse(pending, head: head) {
                pending.removeFirst(r.length)
                return r.response
            }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = receive(&buf)
            if n <= 0 { throw ClientError.timeout }
            pending.append(contentsOf: buf[0..<n])
        }
    }

    /// One recv (or TLS read) into `buffer`: bytes, 0 at the end, -1 on error or timeout.
    private func receive(_ buffer: inout [UInt8]) -> Int {
        buffer.withUnsafeMutableBytes { b in
            if let session { return Int(folio_test_tls_read(session, b.baseAddress, Int32(b.count))) }
            return recv(fd, b.baseAddress, b.count, 0)
        }
    }

    private var pending: [UInt8] = []

    deinit {
        if let session { folio_test_tls_free(session) }
        Glibc.close(fd)
    }
}

/// A parsed HTTP response.
struct Response {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// The status line's reason phrase.
    var reason = ""

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }

    static func parse(_ bytes: [UInt8], head: Bool) -> (response: Response, length: Int)? {
        guard let end = find(bytes, [13, 10, 13, 10]) else { return nil }
        let text = String(decoding: bytes[0..<end], as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let c = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<c]), line[line.index(after: c)...].trimmingCharacters(in: .whitespaces))
        }
        var r = Response(status: status, headers: headers, body: [])
        r.reason = statusLine.dropFirst(2).joined(separator: " ")
        let bodyStart = end + 4
        let length = (head || status < 200 || status == 204 || status == 304) ? 0 : Int(r.header("content-length") ?? "0") ?? 0
        guard bytes.count >= bodyStart + length else { return nil }
        r.body = Array(bytes[bodyStart..<(bodyStart + length)])
        return (r, bodyStart + length)
    }

    static func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    /// Parses every response in `bytes` (pipelined answers).
    static func parseAll(_ bytes: [UInt8]) -> [Response] {
        var rest = bytes
        var out: [Response] = []
        while let r = parse(rest, head: false) {
            out.append(r.response)
            rest.removeFirst(r.length)
        }
        return out
    }
}
