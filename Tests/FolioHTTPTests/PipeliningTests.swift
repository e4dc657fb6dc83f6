import Testing
@testable import FolioHTTP

/// A request as a connection would see it: the head facts and the decoded body.
struct ReadRequest: Equatable, CustomStringConvertible {
    var method: HTTPMethod
    var path: String
    var body: [UInt8]
    var keepAlive: Bool
    var description: String { "\(method.name) \(path) body=\(body.count) keepAlive=\(keepAlive)" }
}

/// Reads requests out of `input` the way the connection does: bytes arrive in pieces of
/// `piece` bytes, each complete head is followed by its body (Content-Length or chunked), and
/// the next request starts at what the previous one consumed.
func readRequests(_ input: [UInt8], piece: Int, limits: HTTPLimits = HTTPLimits()) -> ([ReadRequest], HTTPParseError?) {
    var buffer: [UInt8] = []
    var fed = 0
    var requests: [ReadRequest] = []
    var fields: [HTTPFieldRange] = []
    enum Phase { case head, length(HTTPRequestHead, Int), chunked(HTTPRequestHead, ChunkedBodyDecoder) }
    var phase = Phase.head
    var body: [UInt8] = []

    while true {
        var progressed = true
        while progressed {
            progressed = false
            switch phase {
            case .head:
                guard !buffer.isEmpty else { break }
                let result = buffer.withUnsafeBytes { HTTPHeadParser.parse($0, limits: limits, fields: &fields) }
                switch result {
                case .needMore: break
                case .failure(let error): return (requests, error)
                case .complete(let h):
                    buffer.removeFirst(h.consumed)
                    body = []
                    switch h.framing {
                    case .none:
                        requests.append(ReadRequest(method: h.method, path: "", body: [], keepAlive: h.keepAlive))
                    case .length(let n): phase = .length(h, n)
                    case .chunked: phase = .chunked(h, ChunkedBodyDecoder())
                    }
                    progressed = true
                }
            case .length(let h, let n):
                let take = min(n - body.count, buffer.count)
                body += buffer[..<take]
                buffer.removeFirst(take)
                if body.count == n {
                    requests.append(ReadRequest(method: h.method, path: "", body: body, keepAlive: h.keepAlive))
                    phase = .head
                    progressed = true
                }
            case .chunked(let h, var decoder):
                let progress = buffer.withUnsafeBytes { decoder.decode($0, into: &body, limits: limits) }
                switch progress {
                case .failure(let error): return (requests, error)
                case .needMore(let consumed):
                    buffer.removeFirst(consumed)
                    phase = .chunked(h, decoder)
                case .done(let consumed):
                    buffer.removeFirst(consumed)
                    requests.append(ReadRequest(method: h.method, path: "", body: body, keepAlive: h.keepAlive))
                    phase = .head
                    progressed = true
                }
            }
        }
        if fed == input.count { return (requests, nil) }
        let next = min(input.count, fed + piece)
        buffer += input[fed..<next]
        fed = next
    }
}

@Suite("Head parser: pipelining")
struct PipeliningTests {
    @Test("three heads back to back, parsed in sequence through consumed")
    func threeHeads() {
        let input = bytes("\r\n") + head("GET /a HTTP/1.1", "Host: a") + head("HEAD /b?x=1 HTTP/1.1", "Host: a")
            + head("DELETE /c HTTP/1.1", "Host: a", "Connection: close")
        var offset = 0
        var seen: [String] = []
        for _ in 0..<3 {
            let slice = Array(input[offset...])
            let (result, _) = parseHead(slice)
            guard case .complete(let h) = result else { Issue.record("\(result) at \(offset)"); return }
            #expect(h.consumed <= slice.count)
            seen.append("\(h.method.name) \(text(slice, h.start, h.pathStart, h.queryEnd)) \(h.keepAlive)")
            offset += h.consumed
        }
        #expect(seen == ["GET /a true", "HEAD /b?x=1 true", "DELETE /c false"])
        #expect(offset == input.count)
    }

    static let mixed: [UInt8] =
        head("POST /a HTTP/1.1", "Host: a", "Content-Length: 5") + bytes("hello")
        + head("PUT /b HTTP/1.1", "Host: a", "Transfer-Encoding: chunked")
        + bytes("3;x=\"a;b\"\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n")
        + head("GET /c HTTP/1.1", "Host: a")
        + head("GET /d HTTP/1.0")

    static let expected = [
        ReadRequest(method: .post, path: "", body: bytes("hello"), keepAlive: true),
        ReadRequest(method: .put, path: "", body: bytes("abcde"), keepAlive: true),
        ReadRequest(method: .get, path: "", body: [], keepAlive: true),
        ReadRequest(method: .get, path: "", body: [], keepAlive: false),
    ]

    @Test("heads and bodies back to back, in pieces of every size", arguments: [1, 2, 3, 5, 7, 16, 64, 4096])
    func mixedBodies(piece: Int) {
        let (requests, error) = readRequests(Self.mixed, piece: piece)
        #expect(error == nil)
        #expect(requests == Self.expected)
    }

    @Test("a bad request after good ones stops the stream with its error")
    func badAfterGood() {
        let input = head("GET /a HTTP/1.1", "Host: a") + head("GET /b HTTP/1.1", "Host: a", "Content-Length: 1", "Content-Length: 1")
            + head("GET /c HTTP/1.1", "Host: a")
        for piece in [1, 9, 1000] {
            let (requests, error) = readRequests(input, piece: piece)
            #expect(requests.count == 1)
            #expect(error == .duplicateContentLength)
        }
    }

    @Test("a smuggling attempt: the body of one request is not parsed as a head")
    func bodyNotParsed() {
        let inner = head("GET /admin HTTP/1.1", "Host: a")
        let input = head("POST /a HTTP/1.1", "Host: a", "Content-Length: \(inner.count)") + inner
        let (requests, error) = readRequests(input, piece: 1)
        #expect(error == nil)
        #expect(requests.count == 1)
        #expect(requests.first?.body == inner)
    }
}
