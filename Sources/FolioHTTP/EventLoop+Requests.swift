import CFolioShim

/// The request path of an event loop: read, let the connection's state machine decide, carry out
/// its steps (dispatch, write, wait, linger, close).
extension EventLoop {
    func handle(_ conn: Connection, events: UInt32) {
        // While a deferred response is computed, a hang-up means nobody waits for it: the work is
        // cancelled (in close) and the connection closed, as nginx does for a client that left.
        if events & folio_EPOLLERR != 0 || (conn.machine.isParked && events & (folio_EPOLLHUP | folio_EPOLLRDHUP) != 0) {
            close(conn)
            return
        }
        if conn.machine.isLingering {
            switch Socket.read(conn.fd, into: &readBuffer) {
            case .bytes, .wouldBlock: return
            case .closed, .failed: close(conn)
            }
            return
        }
        let transport = conn.transport
        // Writable, or (TLS) readable while a write waits on a record to read first.
        if events & folio_EPOLLOUT != 0 || (transport.writeWantsRead && events & folio_EPOLLIN != 0) {
            conn.machine.writable()
        }
        let readable = events & (folio_EPOLLIN | folio_EPOLLHUP | folio_EPOLLRDHUP) != 0
            || (transport.readWantsWrite && events & folio_EPOLLOUT != 0)
        if events & folio_EPOLLRDHUP != 0 { conn.hangUpSeen = true }
        if readable, conn.machine.wantsInput {
            let result = transport.read(into: &readBuffer)
            // A TLS handshake that finished in this read counts even if the peer left right
            // after it (a client that closes before reading the session tickets).
            if conn.machine.isHandshaking, transport.isEstablished { handshakeFinished(conn) }
            switch result {
            case .bytes(let n):
                conn.machine.received(readBuffer[0..<n], now: now)
                idle.leave(conn)
            case .wouldBlock:
                break
            case .closed:
                conn.machine.peerFinishedSending()
            case .failed:
                if conn.machine.isHandshaking { counters.bump(counters.tlsFailed) }
                close(conn)
                return
            }
            if conn.machine.isHandshaking {  // the handshake is still going on
                if conn.machine.peerClosed {
                    counters.bump(counters.tlsFailed)
                    close(conn)
                } else {
                    setInterest(conn, folio_EPOLLIN | folio_EPOLLRDHUP | (transport.readWantsWrite ? folio_EPOLLOUT : 0))
                }
                return
            }
        }
        drive(conn)
    }

    /// Carries out the connection's steps until one says to wait or to close: every complete
    /// request in the buffer is answered in order, and what they produced is written.
    func drive(_ conn: Connection) {
        while true {
            switch conn.machine.next(now: now) {
            case .request(let head, let keepAlive):
                dispatch(conn, head, keepAlive: keepAlive)
            case .refuse(let status, let detail, let malformed):
                if malformed { counters.bump(counters.parseErrors) }
                refuse(conn, status: status, detail: detail)
            case .write:
                conn.machine.wrote(conn.transport.flush(&conn.machine.output), now: now)?.cancellation.cancel()
            case .awaitInput(let waitsForRequest):
                if waitsForRequest { idle.join(conn) }
                let transport = conn.transport
                setInterest(conn, folio_EPOLLIN | (conn.machine.peerClosed ? 0 : folio_EPOLLRDHUP)
                    | (transport.readWantsWrite ? folio_EPOLLOUT : 0))
                if conn.isTLS, transport.hasPendingData { pendingReads.append(conn) }
                return
            case .awaitWritable:
                // Not reading meanwhile: a hang-up already seen is not asked for again (epoll is
                // level-triggered: it would wake the loop on every wait until the output drains).
                setInterest(conn, folio_EPOLLOUT | (conn.machine.peerClosed || conn.hangUpSeen ? 0 : folio_EPOLLRDHUP)
                    | (conn.transport.writeWantsRead ? folio_EPOLLIN : 0))
                return
            case .awaitResponse:
                setInterest(conn, folio_EPOLLRDHUP)  // only to learn that the client left (errors always come)
                return
            case .linger:
                // After the last response: FIN, then read and discard for a moment so unread
                // request bytes do not turn our close into a reset that destroys the response.
                conn.transport.shutdownWrite()
                setInterest(conn, folio_EPOLLIN | folio_EPOLLRDHUP)
                return
            case .close:
                close(conn)
                return
            }
        }
    }

    func dispatch(_ conn: Connection, _ head: HTTPRequestHead, keepAlive: Bool) {
        if !conn.writes, head.method != .get && head.method != .head && head.method != .options {
            conn.writes = true
            writerCount += 1
            _ = folio_epoll_add(writerEpoll, conn.fd, folio_EPOLLIN | folio_EPOLLET)
        }
        let body = head.framing == .none ? [] : conn.machine.takeBody()
        var request = HTTPRequest(
            method: head.method, version: head.version, head: conn.machine.headBytes,
            headStart: conn.machine.headStart, fields: conn.machine.fields,
            pathRange: head.pathStart..<head.pathEnd,
            queryRange: head.queryStart..<head.queryEnd,
            body: body, keepAlive: keepAlive)
        request.loopIndex = index
        request.receivedMicros = micros(at: conn.machine.requestStarted)
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
        finish(conn, head: head, keepAlive: keepAlive, response: response, requestID: requestID,
               path: request.head[request.pathRange])
    }

    /// `now`-based seconds (a connection's `requestStarted`) as the loop's microseconds.
    func micros(at seconds: Double) -> Int64 {
        nowMicros - Int64(((now - seconds) * 1_000_000).rounded())
    }

    /// Queues a finished response, logs it (timed from when its head was complete), and tells the
    /// connection whether it closes after it.
    func finish(_ conn: Connection, head: HTTPRequestHead, keepAlive: Bool, response: HTTPResponse, requestID: RequestID,
                path: ArraySlice<UInt8>) {
        counters.bump(counters.requests)
        let sent = queue(response, on: conn, method: head.method, version: head.version, close: !keepAlive, requestID: requestID)
        if config.accessLog {
            log.record(method: head.method, path: path, status: response.status,
                       bytes: sent, micros: MonotonicClock.micros() - micros(at: conn.machine.requestStarted),
                       requestID: requestID, now: date.second)
        }
        conn.machine.responded(close: !keepAlive)
    }

    /// Hands deferred work to a worker thread; the connection waits (reading nothing) until
    /// `deliver` brings the response back through the loop's mailbox and eventfd.
    func park(_ conn: Connection, head: HTTPRequestHead, keepAlive: Bool, path: [UInt8], requestID: RequestID, work: DeferredResponse) {
        let parked = ParkedRequest(head: head, path: path, requestID: requestID)
        conn.machine.park(parked, keepAlive: keepAlive, now: now)
        let mailbox = self.mailbox, fd = conn.fd, serial = conn.serial
        work.start(DeferredCompletion(cancellation: parked.cancellation) { response in
            mailbox.post(LoopMailbox.Delivery(fd: fd, serial: serial, response: response))
        })
    }

    /// A deferred response took longer than the write timeout: answer 503 (with Retry-After)
    /// instead of closing in silence, cancel the work, and close after the answer.
    func abandonParked(_ conn: Connection, _ parked: ParkedRequest) {
        parked.cancellation.cancel()
        counters.bump(counters.timeouts)
        var response = responder.errorResponse(
            status: 503, detail: "the response took longer than \(Int(config.limits.writeTimeout)) s to prepare; try again")
        response.addHeader("Retry-After", "5")
        finish(conn, head: parked.head, keepAlive: false, response: response, requestID: parked.requestID, path: parked.path[...])
        drive(conn)
    }

    /// A deferred response arrived: write it and go on with the connection's next requests.
    func deliver(_ delivery: LoopMailbox.Delivery) {
        guard Int(delivery.fd) < connections.count, let conn = connections[Int(delivery.fd)],
              conn.serial == delivery.serial, let (parked, keepAlive) = conn.machine.resume() else { return }
        finish(conn, head: parked.head, keepAlive: keepAlive, response: delivery.response, requestID: parked.requestID,
               path: parked.path[...])
        drive(conn)
    }

    /// Answers a request the HTTP layer refused (the connection closes after it).
    func refuse(_ conn: Connection, status: Int, detail: String) {
        let response = responder.errorResponse(status: status, detail: detail)
        let sent = queue(response, on: conn, method: .get, version: .http11, close: true, requestID: nil)
        if config.accessLog {
            log.record(method: .other, path: [], status: status, bytes: sent, micros: 0, requestID: nil, now: date.second)
        }
        conn.machine.responded(close: true)
    }

    /// A TLS handshake just completed: count it (full or resumed, kernel TLS or not).
    func handshakeFinished(_ conn: Connection) {
        conn.machine.handshakeFinished()
        counters.bump(counters.tlsHandshakes)
        if let tls = conn.transport as? TLSTransport {
            if tls.resumedSession { counters.bump(counters.tlsResumed) }
            if tls.kernelTLS { counters.bump(counters.tlsKernel) }
        }
    }
}
