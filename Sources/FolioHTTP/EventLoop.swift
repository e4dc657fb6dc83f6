import CFolioShim
import Dispatch
import Glibc

/// One event-loop thread: its own epoll instance, its own SO_REUSEPORT listener and its own
/// connections, touched by no other thread. Created and run on the thread it serves.
final class EventLoop {
    let index: Int
    let epoll: Int32
    var listener: Int32
    let wakeFD: Int32
    let config: HTTPServerConfiguration
    let responder: any HTTPResponder
    let control: ServerControl
    let counters: LoopCounters
    var connections: [Connection?] = []
    var openCount = 0
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

    init(index: Int, listener: Int32, wakeFD: Int32, config: HTTPServerConfiguration,
         responder: any HTTPResponder, control: ServerControl) {
        self.index = index
        self.epoll = folio_epoll_create()
        self.listener = listener
        self.wakeFD = wakeFD
        self.config = config
        self.responder = responder
        self.control = control
        self.counters = control.loops[index]
        self.mailbox = control.mailboxes[index]
        self.requestIDs = control.requestIDs
        self.log = AccessLog(json: config.accessLogJSON, fd: config.accessLogFD)
        _ = folio_epoll_add(epoll, listener, folio_EPOLLIN)
        _ = folio_epoll_add(epoll, wakeFD, folio_EPOLLIN)
    }

    /// Runs until a drain finishes.
    func run() {
        var fds = [Int32](repeating: 0, count: 256)
        var masks = [UInt32](repeating: 0, count: 256)
        while true {
            let timeout = openCount > 0 || !log.isEmpty ? 250 : 1000
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
                if mailbox.hasDeliveries { for delivery in mailbox.take() { deliver(delivery) } }
                for i in 0..<Int(n) {
                    let fd = fds[i]
                    if fd == listener {
                        acceptConnections()
                    } else if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = Glibc.read(wakeFD, &value, 8)
                        for delivery in mailbox.take() { deliver(delivery) }
                    } else if Int(fd) < connections.count, let conn = connections[Int(fd)] {
                        handle(conn, events: masks[i])
                        if mailbox.hasDeliveries { for delivery in mailbox.take() { deliver(delivery) } }
                    }
                }
            }
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
    }

    // MARK: accepting

    func acceptConnections() {
        for _ in 0..<128 {
            let accepted: (fd: Int32, peer: PeerAddress)?
            do {
                accepted = try Socket.accept(listener)
            } catch {
                // EMFILE/ENFILE: stop accepting for a moment instead of spinning on a ready listener.
                _ = folio_epoll_del(epoll, listener)
                acceptPausedUntil = now + 0.1
                return
            }
            guard let (fd, peer) = accepted else { return }
            let open = control.openConnections.add(1, ordering: .relaxed).newValue
            if open > config.limits.maxConnections {
                refuseOverload(fd)
                continue
            }
            counters.bump(counters.accepted)
            nextSerial &+= 1
            let conn = Connection(fd: fd, serial: nextSerial, now: now, limits: config.limits)
            conn.peer = peer
            if Int(fd) >= connections.count {
                connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count + 64))
            }
            connections[Int(fd)] = conn
            openCount += 1
            conn.interest = folio_EPOLLIN | folio_EPOLLRDHUP
            _ = folio_epoll_add(epoll, fd, conn.interest)
        }
    }

    /// Over the connection limit: a best-effort 503 and close.
    func refuseOverload(_ fd: Int32) {
        counters.bump(counters.refused)
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
        _ = folio_epoll_add(epoll, listener, folio_EPOLLIN)
    }

    // MARK: timers and drain

    func sweepTimers() {
        for case let conn? in connections {
            if let linger = conn.lingerDeadline {
                if now >= linger { close(conn) }
                continue
            }
            switch conn.timer.expiry(now: now) {
            case nil:
                break
            case .close where conn.parked != nil:
                abandonParked(conn)
            case .close:
                close(conn)
            case .requestTimeout:
                counters.bump(counters.timeouts)
                conn.pendingHead = nil
                refuse(conn, status: 408, detail: "the request was not received in time")
                flushAndUpdate(conn)
            }
        }
    }

    func beginDrain() {
        drainStarted = true
        _ = folio_epoll_del(epoll, listener)
        Glibc.close(listener)
        listener = -1
        for case let conn? in connections {
            if conn.isIdle {
                close(conn, drained: true)
            } else if conn.pendingHead == nil, conn.unreadCount == 0 {
                conn.closeAfterWrite = true  // only output left: close once it is written
            }
            // A request in flight is answered (with Connection: close, see dispatch), then closed.
        }
    }

    // MARK: closing

    func close(_ conn: Connection, forced: Bool = false, drained: Bool = false) {
        guard Int(conn.fd) < connections.count, connections[Int(conn.fd)] === conn else { return }
        connections[Int(conn.fd)] = nil
        conn.parked?.cancellation.cancel()
        Socket.close(conn.fd)
        openCount -= 1
        _ = control.openConnections.subtract(1, ordering: .relaxed)
        if forced {
            _ = control.forced.add(1, ordering: .relaxed)
        } else if drained || drainStarted {
            _ = control.drained.add(1, ordering: .relaxed)
        }
    }

    /// After the last response: send FIN, then read and discard for a moment so unread request
    /// bytes do not turn our close into a reset that destroys the response (lingering close).
    func closeGracefully(_ conn: Connection) {
        if conn.peerClosed {
            close(conn)
            return
        }
        Socket.shutdownWrite(conn.fd)
        conn.lingerDeadline = now + 2
        conn.input.removeAll()
        conn.inputStart = 0
        setInterest(conn, folio_EPOLLIN | folio_EPOLLRDHUP)
    }

    func setInterest(_ conn: Connection, _ events: UInt32) {
        guard conn.interest != events else { return }
        conn.interest = events
        _ = folio_epoll_mod(epoll, conn.fd, events)
    }
}
