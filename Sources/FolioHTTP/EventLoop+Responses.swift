/// How an event loop turns a response into bytes on a connection's output: the head composed in
/// one pass (status line, cached Date, Content-Length, Connection, the response's header lines,
/// HSTS on HTTPS, X-Request-Id), the body queued by reference when large; and the 308 of a plain
/// listener that redirects to HTTPS.
extension EventLoop {
    /// Queues a response's bytes. Returns the body bytes queued.
    @discardableResult
    func queue(_ response: HTTPResponse, on conn: Connection, method: HTTPMethod, version: HTTPVersion, close: Bool,
               requestID: RequestID?) -> Int {
        let hasBody = !HTTPStatus.forbidsBody(response.status)
        let headersOnly = method == .head || !hasBody
        // A client that is not reading (the socket refused output) is dropped instead of letting
        // its output grow without bound; one that reads gets even a large response.
        let pending = conn.machine.output.pendingBytes
        if conn.machine.writeBlocked, pending + (headersOnly ? 0 : response.body.count) > config.limits.maxPendingOutputBytes {
            conn.machine.abort()
            return 0
        }
        appendHead(&conn.machine.output, response, contentLength: hasBody ? response.body.count : nil,
                   close: close, keepAliveHeader: version == .http10 && !close, requestID: requestID, hsts: conn.isTLS)
        if !headersOnly { conn.machine.output.append(response.body) }
        let sent = headersOnly ? 0 : response.body.count
        counters.bump(counters.bytesSent, by: sent)
        return sent
    }

    /// The response head, composed into the output in one pass: status line, Date,
    /// Content-Length, Connection, the response's own header lines, X-Request-Id, blank line.
    func appendHead(_ out: inout OutputQueue, _ response: HTTPResponse, contentLength: Int?, close: Bool, keepAliveHeader: Bool,
                    requestID: RequestID?, hsts: Bool = false) {
        let status = HTTPStatus.statusLine(response.status)
        let dateLine = date.line
        let hstsLine = hsts ? self.hstsLine : []
        // The closure borrows the header bytes as a raw buffer: capturing `response` itself would
        // copy it (three retains) into the closure's context.
        response.headerBytes.withUnsafeBytes { headerLines in
            let maxCount = status.count + dateLine.count + 40 + 26 + headerLines.count
                + 16 + RequestID.maxGivenLength + 2 + 2 + hstsLine.count
            out.appendInPlace(maxCount: maxCount) { c in
                c.put(status)
                c.put(dateLine)
                if let contentLength {
                    c.put("Content-Length: ")
                    c.putDecimal(contentLength)
                    c.put("\r\n")
                }
                if close {
                    c.put("Connection: close\r\n")
                } else if keepAliveHeader {
                    c.put("Connection: keep-alive\r\n")
                }
                c.put(headerLines)
                if !hstsLine.isEmpty { hstsLine.withUnsafeBytes { c.put($0) } }
                if let requestID {
                    c.put("X-Request-Id: ")
                    requestID.withBytes { c.put($0) }
                    c.put("\r\n")
                }
                c.put("\r\n")
            }
        }
    }
}

extension EventLoop {
    /// 308 to the same target on the HTTPS port (the plain listener in `redirect` mode). The host
    /// comes from the request's Host header when it is a plain host name or address, else from
    /// the listening address.
    func redirectToHTTPS(_ request: HTTPRequest) -> HTTPResponse {
        var host = config.host
        if let given = request.header("host"), !given.isEmpty,
           given.utf8.allSatisfy({ ByteClass.isHostChar($0) }) {
            host = given
            if given.hasPrefix("[") {
                if let end = given.firstIndex(of: "]") { host = String(given[...end]) }
            } else if let colon = given.firstIndex(of: ":") {
                host = String(given[..<colon])
            }
        } else if host.contains(":") {
            host = "[\(host)]"
        }
        let port = tlsPort ?? 443
        let authority = port == 443 ? host : "\(host):\(port)"
        var response = HTTPResponse(status: 308)
        response.addHeader("Location", "https://\(authority)\(String(decoding: request.targetBytes, as: UTF8.self))")
        return response
    }
}
