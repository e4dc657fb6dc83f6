import CFolioShim

/// The request path of an event loop: read, parse, dispatch, queue the response, write.
extension EventLoop {
    /// Output above this is flushed before more pipelined requests are handled.
    static let flushThreshold = 256 * 1024

    func handle(_ conn: Connection, events: UInt32) {
        // While a deferred response is computed, a hang-up means nobody waits for it: the work is
        // cancelled (in close) and the connection closed, as nginx does for a client that left.
        if events & folio_EPOLLERR != 0 || (conn.parked != nil && events & (folio_EPOLLHUP | folio_EPOLLRDHUP) != 0) {
            close(conn)
            return
        }
        if conn.lingerDeadline != nil {
            switch Socket.read(conn.fd, into: &readBuffer) {
            case .bytes, .wouldBlock: return
            case .closed, .failed: close(conn)
            }
            return
        }
        let transport = conn.transport
        // Writable, or (TLS) readable while a write waits on a record to read first.
        if events & folio_EPOLLOUT != 0 || (transport.writeWantsRead && events & folio_EPOLLIN != 0) {
            if !conn.output.isEmpty { flushAndUpdate(conn) }
            if !conn.output.isEmpty || connections[Int(conn.fd)] !== conn { return }
        }
        let readable = events & (folio_EPOLLIN | folio_EPOLLHUP | folio_EPOLLRDHUP) != 0
            || (transport.readWantsWrite && events & folio_EPOLLOUT != 0)
        if readable, conn.output.isEmpty, conn.parked == nil {
            let result = transport.read(into: &readBuffer)
            // A TLS handshake that finished in this read counts even if the peer left right
            // after it (a client that closes before reading the session tickets).
            if conn.handshakeDeadline != nil, transport.isEstablished { handshakeFinished(conn) }
            switch result {
            case .bytes(let n):
                conn.input.append(contentsOf: readBuffer[0..<n])
                conn.timer.requestBytesArrived(now: now)
                idle.leave(conn)
            case .wouldBlock:
                break
            case .closed:
                conn.peerClosed = true
            case .failed:
                if conn.handshakeDeadline != nil { counters.bump(counters.tlsFailed) }
                close(conn)
                return
            }
            if conn.handshakeDeadline != nil {  // the handshake is still going on
                if conn.peerClosed {
                    counters.bump(counters.tlsFailed)
                    close(conn)
                } else {
                    setInterest(conn, folio_EPOLLIN | folio_EPOLLRDHUP | (transport.readWantsWrite ? folio_EPOLLOUT : 0))
                }
                return
            }
        }
        process(conn)
    }

    /// Handles every complete request in the buffer, in order, then writes what it produced.
    func process(_ conn: Connection) {
        while (!conn.closeAfterWrite || conn.pendingHead != nil) && conn.parked == nil {
            guard connections[Int(conn.fd)] === conn else { return }
            if conn.output.pendingBytes >= Self.flushThreshold {
                if case .failed = conn.transport.flush(&conn.output) { close(conn); return }
                if !conn.output.isEmpty { break }
            }
            if conn.pendingHead == nil {
                guard conn.unreadCount > 0 else { break }
                guard parseHead(conn) else { break }
            }
            guard let head = conn.pendingHead, readBody(conn, head) else { break }
            conn.pendingHead = nil
            dispatch(conn, head)
            if conn.closeAfterWrite { break }
        }
        guard connections[Int(conn.fd)] === conn else { return }
        conn.compactInput()
        if conn.peerClosed, conn.output.isEmpty, !conn.closeAfterWrite, conn.parked == nil {
            // The client finished sending; whatever is left is an incomplete request.
            close(conn)
            return
        }
        flushAndUpdate(conn)
    }

    /// Parses a head from the unread input. Returns true when one was parsed and body reading may start.
    func parseHead(_ conn: Connection) -> Bool {
        let result = conn.input.withUnsafeBytes { all in
            HTTPHeadParser.parse(
                UnsafeRawBufferPointer(rebasing: all[conn.inputStart...]), limits: config.limits,
                fields: &conn.fields, scanFrom: conn.scanFrom)
        }
        switch result {
        case .needMore:
            conn.scanFrom = max(0, conn.unreadCount - 3)
            return false
        case .failure(let error):
            counters.bump(counters.parseErrors)
            refuse(conn, status: error.status, detail: error.reason)
            return false
        case .complete(let head):
            conn.requestStartMicros = nowMicros  // when this batch of events began: the bytes were here
            conn.headInInput = true
            conn.headStart = conn.inputStart + head.start
            conn.inputStart += head.consumed
            conn.scanFrom = 0
            conn.pendingHead = head
            switch head.framing {
            case .none:
                return true
            case .length(let n):
                if n > config.limits.maxBodyBytes {
                    conn.pendingHead = nil
                    refuse(conn, status: 413, detail: "request body larger than \(config.limits.maxBodyBytes) bytes")
                    return false
                }
                conn.body.removeAll(keepingCapacity: true)
                conn.body.reserveCapacity(n)
            case .chunked:
                conn.body.removeAll(keepingCapacity: true)
                conn.chunked = ChunkedBodyDecoder()
            }
            if head.expectContinue, conn.unreadCount == 0 {
                conn.output.append("HTTP/1.1 100 Continue\r\n\r\n")
            }
            conn.timer.awaitingBody(now: now)
            return true
        }
    }

    /// Moves body bytes from the input. Returns true once the whole body is in.
    func readBody(_ conn: Connection, _ head: HTTPRequestHead) -> Bool {
        switch head.framing {
        case .none:
            return true
        case .length(let n):
            let take = min(n - conn.body.count, conn.unreadCount)
            conn.body.append(contentsOf: conn.input[conn.inputStart..<(conn.inputStart + take)])
            conn.inputStart += take
            return conn.body.count == n
        case .chunked:
            let progress = conn.input.withUnsafeBytes { all in
                conn.chunked.decode(UnsafeRawBufferPointer(rebasing: all[conn.inputStart...]), into: &conn.body, limits: config.limits)
            }
            switch progress {
            case .needMore(let consumed):
                conn.inputStart += consumed
                return false
            case .done(let consumed):
                conn.inputStart += consumed
                return true
            case .failure(let error):
                conn.pendingHead = nil
                counters.bump(counters.parseErrors)
                refuse(conn, status: error.status, detail: error.reason)
                return false
            }
        }
    }

    func dispatch(_ conn: Connection, _ head: HTTPRequestHead) {
        conn.served += 1
        let limit = config.limits.maxRequestsPerConnection
        let keepAlive = head.keepAlive && !drainStarted && (limit == 0 || conn.served < limit)
        var body: [UInt8] = []
        if head.framing != .none { swap(&body, &conn.body) }
        var request = HTTPRequest(
            method: head.method, version: head.version, head: conn.headInInput ? conn.input : conn.headStorage,
            headStart: conn.headStart, fields: conn.fields,
            pathRange: head.pathStart..<head.pathEnd,
            queryRange: head.queryStart..<head.queryEnd,
            body: body, keepAlive: keepAlive)
        request.loopIndex = index
        request.receivedMicros = conn.requestStartMicros
        request.fieldNames = head.fieldNames
        request.peer = conn.peer
        let requestID = requestIDs.id(for: request)
        if !conn.isTLS, let tls = config.tls, tls.plainHTTP == .redirect {
            finish(conn, head: head, keepAlive: keepAlive, response: redirectToHTTPS(request), requestID: requestID,
                   path: request.head[request.pathRange])
            return
        }
        let response = responder.respond(to: request)
        if let deferred = response.deferred {
            park(conn, head: head, keepAlive: keepAlive, path: Array(request.pathBytes), requestID: requestID, work: deferred)
            return
        }
        finish(conn, head: head, keepAlive: keepAlive, response: response, requestID: requestID, path: request.head[request.pathRange])
    }

    /// Queues a finished response, logs it, and marks the connection for closing when it must.
    func finish(_ conn: Connection, head: HTTPRequestHead, keepAlive: Bool, response: HTTPResponse, requestID: RequestID,
                path: ArraySlice<UInt8>) {
        counters.bump(counters.requests)
        let sent = queue(response, on: conn, method: head.method, version: head.version, close: !keepAlive, requestID: requestID)
        if config.accessLog {
            log.record(method: head.method, path: path, status: response.status,
                       bytes: sent, micros: MonotonicClock.micros() - conn.requestStartMicros,
                       requestID: requestID, now: date.second)
        }
        if !keepAlive { conn.closeAfterWrite = true }
        conn.justResponded = true
    }

    /// Hands deferred work to a worker thread; the connection waits (reading nothing) until
    /// `deliver` brings the response back through the loop's mailbox and eventfd.
    func park(_ conn: Connection, head: HTTPRequestHead, keepAlive: Bool, path: [UInt8], requestID: RequestID, work: DeferredResponse) {
        let parked = ParkedRequest(head: head, keepAlive: keepAlive, path: path, requestID: requestID)
        conn.parked = parked
        conn.timer.responded(now: now, pendingOutput: true, partialRequestBuffered: false)
        let mailbox = self.mailbox, fd = conn.fd, serial = conn.serial
        work.start(DeferredCompletion(cancellation: parked.cancellation) { response in
            mailbox.post(LoopMailbox.Delivery(fd: fd, serial: serial, response: response))
        })
    }

    /// A deferred response took longer than the write timeout: answer 503 (with Retry-After)
    /// instead of closing in silence, cancel the work, and close after the answer.
    func abandonParked(_ conn: Connection) {
        guard let parked = conn.parked else { return }
        conn.parked = nil
        parked.cancellation.cancel()
        counters.bump(counters.timeouts)
        var response = responder.errorResponse(
            status: 503, detail: "the response took longer than \(Int(config.limits.writeTimeout)) s to prepare; try again")
        response.addHeader("Retry-After", "5")
        finish(conn, head: parked.head, keepAlive: false, response: response, requestID: parked.requestID, path: parked.path[...])
        flushAndUpdate(conn)
    }

    /// A deferred response arrived: write it and go on with the connection's next requests.
    func deliver(_ delivery: LoopMailbox.Delivery) {
        guard Int(delivery.fd) < connections.count, let conn = connections[Int(delivery.fd)],
              conn.serial == delivery.serial, let parked = conn.parked else { return }
        conn.parked = nil
        let keepAlive = parked.keepAlive && !drainStarted
        finish(conn, head: parked.head, keepAlive: keepAlive, response: delivery.response, requestID: parked.requestID,
               path: parked.path[...])
        process(conn)
    }

    /// Answers a request the HTTP layer refused, and closes the connection after it.
    func refuse(_ conn: Connection, status: Int, detail: String) {
        let response = responder.errorResponse(status: status, detail: detail)
        let sent = queue(response, on: conn, method: .get, version: .http11, close: true, requestID: nil)
        if config.accessLog {
            log.record(method: .other, path: [], status: status, bytes: sent, micros: 0, requestID: nil, now: date.second)
        }
        conn.closeAfterWrite = true
        conn.justResponded = true
        conn.inputStart = conn.input.count
    }

    /// Queues a response's bytes. Returns the body bytes queued.
    @discardableResult
    func queue(_ response: HTTPResponse, on conn: Connection, method: HTTPMethod, version: HTTPVersion, close: Bool,
               requestID: RequestID?) -> Int {
        let hasBody = !HTTPStatus.forbidsBody(response.status)
        let headersOnly = method == .head || !hasBody
        let pending = conn.output.pendingBytes
        if pending > 0, pending + response.body.count > config.limits.maxPendingOutputBytes {
            conn.closeAfterWrite = true
            self.close(conn)  // the client is not reading: drop it instead of growing without bound
            return 0
        }
        appendHead(&conn.output, response, contentLength: hasBody ? response.body.count : nil,
                   close: close, keepAliveHeader: version == .http10 && !close, requestID: requestID, hsts: conn.isTLS)
        if !headersOnly { conn.output.append(response.body) }
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

    /// Writes queued output; then either waits for EPOLLOUT, closes, or waits for the next request.
    func flushAndUpdate(_ conn: Connection) {
        guard connections[Int(conn.fd)] === conn else { return }
        if !conn.output.isEmpty {
            switch conn.transport.flush(&conn.output) {
            case .failed:
                close(conn)
                return
            case .blocked(let wrote):
                if conn.timer.phase != .writing {
                    conn.timer.responded(now: now, pendingOutput: true, partialRequestBuffered: false)
                } else if wrote > 0 {
                    conn.timer.wroteSome(now: now)
                }
                setInterest(conn, folio_EPOLLOUT | (conn.peerClosed ? 0 : folio_EPOLLRDHUP)
                    | (conn.transport.writeWantsRead ? folio_EPOLLIN : 0))
                return
            case .drained:
                break
            }
        }
        if conn.parked != nil {
            setInterest(conn, folio_EPOLLRDHUP)  // only to learn that the client left (errors always come)
            return
        }
        if conn.closeAfterWrite, conn.pendingHead == nil {
            closeGracefully(conn)
            return
        }
        if (conn.justResponded || conn.timer.phase == .writing), conn.pendingHead == nil {
            conn.timer.responded(now: now, pendingOutput: false, partialRequestBuffered: conn.unreadCount > 0)
        }
        conn.justResponded = false
        if conn.unreadCount == 0, conn.pendingHead == nil, conn.handshakeDeadline == nil { idle.join(conn) }
        setInterest(conn, folio_EPOLLIN | (conn.peerClosed ? 0 : folio_EPOLLRDHUP) | (conn.transport.readWantsWrite ? folio_EPOLLOUT : 0))
        if conn.isTLS, conn.transport.hasPendingData { pendingReads.append(conn) }
    }

    /// A TLS handshake just completed: count it (full or resumed, kernel TLS or not).
    func handshakeFinished(_ conn: Connection) {
        conn.handshakeDeadline = nil
        counters.bump(counters.tlsHandshakes)
        if let tls = conn.transport as? TLSTransport {
            if tls.resumedSession { counters.bump(counters.tlsResumed) }
            if tls.kernelTLS { counters.bump(counters.tlsKernel) }
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
