import CFolioShim
import Dispatch
import Glibc

/// One event-loop thread: its own epoll instance, its own SO_REUSEPORT listener and its own
/// connections, touched by no other thread. Created and run on the thread it serves.
final class EventLoop {
    let index: Int
    let epoll: Int32
    /// The connections that have sent a write (`Connection.writes`), edge-triggered on input:
    /// looked at between connections during a pass, so that a write arriving meanwhile is read
    /// without waiting for the pass to end.
    let writerEpoll: Int32
    /// The plain-HTTP and the HTTPS listener (-1 where there is none).
    var listener: Int32
    var tlsListener: Int32
    /// The HTTPS port actually bound (redirects name it).
    let tlsPort: Int?
    let wakeFD: Int32
    let config: HTTPServerConfiguration
    let responder: any HTTPResponder
    let control: ServerControl
    let counters: LoopCounters
    var connections: [Connection?] = []
    var openCount = 0
    /// Open connections registered in `writerEpoll`.
    var writerCount = 0
    /// `serveArrivedWrites`'s epoll arrays, kept from call to call.
    var writerFDs = [Int32](repeating: 0, count: 8)
    var writerMasks = [UInt32](repeating: 0, count: 8)
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    var date = DateHeaderCache()
    var log: AccessLog
    var now: Double = MonotonicClock.now()
    /// `now` in microseconds (the same reading), for request timings.
    var nowMicros: Int64 = MonotonicClock.micros()
    var lastSweep: Double = 0
    var acceptPausedUntil: Double?
    var drainStarted = false
    var nextSerial: UInt64 = 0
    let mailbox: LoopMailbox
    let requestIDs: RequestIDGenerator
    /// TLS connections whose transport holds decrypted bytes epoll will not announce: read again
    /// after this batch, before waiting.
    var pendingReads: [Connection] = []
    /// Connections waiting for a request, oldest first (closed first at the connection limit).
    var idle = IdleConnections()
    let tlsRecords = TLSRecordBuffer()
    /// `Strict-Transport-Security: max-age=N\r\n` for HTTPS responses, or empty.
    let hstsLine: [UInt8]

    init(index: Int, listener: Int32, tlsListener: Int32, tlsPort: Int?, wakeFD: Int32, config: HTTPServerConfiguration,
         responder: any HTTPResponder, control: ServerControl) {
        self.index = index
        self.epoll = folio_epoll_create()
        self.writerEpoll = folio_epoll_create()
        self.listener = listener
        self.tlsListener = tlsListener
        self.tlsPort = tlsPort
        if let tls = config.tls, tls.hstsMaxAge > 0 {
            hstsLine = Array("Strict-Transport-Security: max-age=\(tls.hstsMaxAge)\r\n".utf8)
        } else {
            hstsLine = []
        }
        self.wakeFD = wakeFD
        self.config = config
        self.responder = responder
        self.control = control
        self.counters = control.loops[index]
        self.mailbox = control.mailboxes[index]
        self.requestIDs = control.requestIDs
        self.log = AccessLog(json: config.accessLogJSON, fd: config.accessLogFD)
        if listener >= 0 { _ = folio_epoll_add(epoll, listener, folio_EPOLLIN) }
        if tlsListener >= 0 { _ = folio_epoll_add(epoll, tlsListener, folio_EPOLLIN) }
        _ = folio_epoll_add(epoll, wakeFD, folio_EPOLLIN)
    }

    /// Runs until a drain finishes.
    func run() {
        var fds = [Int32](repeating: 0, count: 256)
        var masks = [UInt32](repeating: 0, count: 256)
        while true {
            let timeout = !pendingReads.isEmpty ? 0 : openCount > 0 || !log.isEmpty ? 250 : 1000
            let n = fds.withUnsafeMutableBufferPointer { f in
                masks.withUnsafeMutableBufferPointer { m in
                    folio_epoll_wait(epoll, f.baseAddress, m.baseAddress, 256, Int32(timeout))
                }
            }
            (now, nowMicros) = MonotonicClock.sample()
            date.refresh()
            // Before handling what woke us: a request that completes after SIGTERM must be
            // answered with Connection: close, even when its bytes and the wake-up arrive together.
            if !drainStarted, control.draining.load(ordering: .acquiring) { beginDrain() }
            if n > 0 {
                // Finished deferred responses (writes, searches) first, and again between
                // connections as they arrive: their clients have waited already, and a busy
                // loop's batch of cache misses can take several milliseconds.
                deliverFinished()
                // Connections that write go first, and a write that arrives during the pass is read
                // between connections (`serveArrivedWrites`): a write is handed to a worker as soon
                // as it is read, and does not wait behind the pass's reads — a pass over 64
                // connections of cache misses takes about 10 ms, and a write waited half of one on
                // average before it was even read (Benchmarks/RESULTS.md). Only the order within a
                // pass changes: every ready connection is served in it.
                if writerCount > 0 {
                    for i in 0..<Int(n) {
                        let fd = fds[i]
                        guard Int(fd) < connections.count, let conn = connections[Int(fd)], conn.writes else { continue }
                        fds[i] = -1
                        handle(conn, events: masks[i])
                        deliverFinished()
                    }
                }
                var served = 0
                for i in 0..<Int(n) {
                    let fd = fds[i]
                    if fd < 0 { continue }  // served above (and -1 is also `tlsListener` without TLS)
                    if fd == listener {
                        acceptConnections(from: listener, tls: false)
                    } else if fd == tlsListener {
                        acceptConnections(from: tlsListener, tls: true)
                    } else if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = Glibc.read(wakeFD, &value, 8)
                        for delivery in mailbox.take() { deliver(delivery) }
                    } else if Int(fd) < connections.count, let conn = connections[Int(fd)] {
                        handle(conn, events: masks[i])
                        deliverFinished()
                        served += 1
                        if served & 7 == 0, writerCount > 0 { serveArrivedWrites() }
                    }
                }
            }
            if !pendingReads.isEmpty { readPending() }
            if control.draining.load(ordering: .acquiring), !drainStarted { beginDrain() }
            if now - lastSweep >= 0.25 {
                lastSweep = now
                sweepTimers()
                log.flush(ifOlderThan: 0.25, now: now)
                resumeAcceptingIfDue()
            }
            if drainStarted {
                if openCount == 0 { break }
                if MonotonicClock.micros() >= control.drainDeadline.load(ordering: .relaxed) {
                    for case let conn? in connections { close(conn, forced: true) }
                    break
                }
            }
        }
        log.flush()
        Glibc.close(epoll)
        Glibc.close(writerEpoll)
    }

    /// Reads the writes that arrived since the pass began (every eight connections of it: an
    /// `epoll_wait` that returns at once, about half a microsecond). A connection served here
    /// and again later in the pass finds nothing more to read the second time.
    func serveArrivedWrites() {
        let n = writerFDs.withUnsafeMutableBufferPointer { f in
            writerMasks.withUnsafeMutableBufferPointer { m in
                folio_epoll_wait(writerEpoll, f.baseAddress, m.baseAddress, Int32(f.count), 0)
            }
        }
        for i in 0..<Int(max(n, 0)) {
            let fd = writerFDs[i]
            // Only a connection waiting for input: one parked on its response reads nothing.
            guard Int(fd) < connections.count, let conn = connections[Int(fd)], conn.interest & folio_EPOLLIN != 0 else { continue }
            handle(conn, events: folio_EPOLLIN)
            deliverFinished()
        }
    }

    /// Writes the deferred responses (writes, searches) that have finished: their clients have
    /// waited already, so the loop looks between connections, not only when woken.
    func deliverFinished() {
        if mailbox.hasDeliveries { for delivery in mailbox.take() { deliver(delivery) } }
    }

    // MARK: accepting

    func acceptConnections(from listener: Int32, tls: Bool) {
        for _ in 0..<128 {
            let accepted: (fd: Int32, peer: PeerAddress)?
            do {
                accepted = try Socket.accept(listener)
            } catch {
                // EMFILE/ENFILE: stop accepting for a moment instead of spinning on a ready listener.
                if self.listener >= 0 { _ = folio_epoll_del(epoll, self.listener) }
                if tlsListener >= 0 { _ = folio_epoll_del(epoll, tlsListener) }
                acceptPausedUntil = now + 0.1
                counters.bump(counters.acceptPauses)
                return
            }
            guard let (fd, peer) = accepted else { return }
            let open = control.openConnections.add(1, ordering: .relaxed).newValue
            if open > config.limits.maxConnections {
                // Make room by closing the connection that has waited longest for a request;
                // refuse only when every connection of this loop is busy.
                if let oldest = idle.takeOldest() {
                    counters.bump(counters.reclaimed)
                    close(oldest)
                } else {
                    refuseOverload(fd, tls: tls)
                    continue
                }
            }
            let transport: any Transport
            if tls, let settings = config.tls {
                guard let session = TLSTransport(fd: fd, context: settings.context.context, records: tlsRecords) else {
                    Socket.close(fd)
                    _ = control.openConnections.subtract(1, ordering: .relaxed)
                    continue
                }
                transport = session
            } else {
                transport = PlainTransport(fd: fd)
            }
            counters.bump(counters.accepted)
            nextSerial &+= 1
            let machine = HTTPConnection<ParkedRequest>(
                now: now, limits: config.limits, handshakeDeadline: tls ? now + (config.tls?.handshakeTimeout ?? 10) : nil)
            let conn = Connection(fd: fd, serial: nextSerial, machine: machine, transport: transport, isTLS: tls)
            conn.peer = peer
            if Int(fd) >= connections.count {
                connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count + 64))
            }
            connections[Int(fd)] = conn
            openCount += 1
            conn.interest = folio_EPOLLIN | folio_EPOLLRDHUP
            _ = folio_epoll_add(epoll, fd, conn.interest)
            if !tls { idle.join(conn) }  // a TLS connection joins once its handshake is done
        }
    }

    /// Over the connection limit: a best-effort 503 and close. On the HTTPS port nothing is
    /// written (a plaintext answer to a TLS client is noise, and a handshake costs what the limit
    /// is there to save).
    func refuseOverload(_ fd: Int32, tls: Bool) {
        counters.bump(counters.refused)
        if tls {
            Socket.close(fd)
            _ = control.openConnections.subtract(1, ordering: .relaxed)
            return
        }
        var out = OutputQueue()
        let response = responder.errorResponse(status: 503, detail: "too many open connections; try again shortly")
        appendHead(&out, response, contentLength: response.body.count, close: true, keepAliveHeader: false, requestID: nil)
        out.append(response.body)
        _ = out.flush(to: fd)
        Socket.close(fd)
        _ = control.openConnections.subtract(1, ordering: .relaxed)
    }

    func resumeAcceptingIfDue() {
        guard let until = acceptPausedUntil, now >= until, !drainStarted else { return }
        acceptPausedUntil = nil
        if listener >= 0 { _ = folio_epoll_add(epoll, listener, folio_EPOLLIN) }
        if tlsListener >= 0 { _ = folio_epoll_add(epoll, tlsListener, folio_EPOLLIN) }
    }

    // MARK: timers and drain

    func sweepTimers() {
        for case let conn? in connections {
            switch conn.machine.timerFired(now: now) {
            case nil:
                break
            case .close:
                close(conn)
            case .handshake:
                // A TLS client that has not finished its handshake gets no HTTP answer at all.
                counters.bump(counters.timeouts)
                counters.bump(counters.tlsFailed)
                close(conn)
            case .requestTimeout:
                counters.bump(counters.timeouts)
                refuse(conn, status: 408, detail: "the request was not received in time")
                drive(conn)
            case .responseTimeout(let parked):
                abandonParked(conn, parked)
            }
        }
    }

    func beginDrain() {
        drainStarted = true
        for fd in [listener, tlsListener] where fd >= 0 {
            _ = folio_epoll_del(epoll, fd)
            Glibc.close(fd)
        }
        listener = -1
        tlsListener = -1
        // Idle connections close now; a request in flight is answered (with Connection: close),
        // then its connection closes.
        for case let conn? in connections where conn.machine.drain() {
            close(conn, drained: true)
        }
    }

    // MARK: closing

    func close(_ conn: Connection, forced: Bool = false, drained: Bool = false) {
        guard Int(conn.fd) < connections.count, connections[Int(conn.fd)] === conn else { return }
        connections[Int(conn.fd)] = nil
        idle.leave(conn)
        conn.machine.abort()?.cancellation.cancel()
        Socket.close(conn.fd)  // which also takes it out of both epoll sets
        openCount -= 1
        if conn.writes { writerCount -= 1 }
        _ = control.openConnections.subtract(1, ordering: .relaxed)
        if forced {
            _ = control.forced.add(1, ordering: .relaxed)
        } else if drained || drainStarted {
            _ = control.drained.add(1, ordering: .relaxed)
        }
    }

    /// Reads the TLS connections whose transport holds bytes epoll will not announce.
    func readPending() {
        let list = pendingReads
        pendingReads.removeAll(keepingCapacity: true)
        for conn in list where Int(conn.fd) < connections.count && connections[Int(conn.fd)] === conn {
            handle(conn, events: folio_EPOLLIN)
        }
    }

    func setInterest(_ conn: Connection, _ events: UInt32) {
        guard conn.interest != events else { return }
        conn.interest = events
        _ = folio_epoll_mod(epoll, conn.fd, events)
    }
}
