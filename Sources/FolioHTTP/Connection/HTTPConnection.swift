/// One HTTP/1.1 connection's protocol state as a value: the bytes received and not yet handled,
/// the request being read, the output waiting to be written, the deadlines, and where in its life
/// the connection is (handshaking, open, waiting for a deferred response, lingering, closed).
///
/// It does no I/O. Its owner (the event loop; a test with a fake clock and transport; the
/// fuzzer) reports what happened — bytes arrived (`received`), the peer finished sending, output
/// was written (`wrote`), the socket became writable, a deferred response is ready (`resume`),
/// time passed (`timerFired`), a drain began (`drain`) — and asks what to do next (`next`), in the
/// manner of Hummingbird 2's connection state machine. Every decision about pipelining,
/// keep-alive, 100-continue, timeouts and lingering close is made here.
///
/// `Parked` is what the owner keeps about a request whose response is computed elsewhere (the
/// event loop's `ParkedRequest`); the machine hands it back on resume, on timeout and on abort,
/// so that the owner can cancel the work.
///
/// Used in place by its one owner: like `OutputQueue`, a copy would share the output buffer.
public struct HTTPConnection<Parked> {
    /// Where the connection is in its life.
    public enum Phase {
        /// A TLS handshake must finish by `deadline`; no HTTP bytes flow yet.
        case handshaking(deadline: Double)
        /// Reading requests and writing responses.
        case open
        /// A request's response is computed elsewhere; nothing else is handled until it is back.
        /// `keepAlive`: what the request asked for when it was parked.
        case parked(Parked, keepAlive: Bool)
        /// Everything was answered and the sending side shut down: reading and discarding until
        /// the peer closes or `deadline` passes (so that unread bytes do not turn the close into
        /// a reset that destroys the response).
        case lingering(deadline: Double)
        case closed
    }

    /// What the owner must do next.
    public enum Step {
        /// A complete request. Answer it: queue its response in `output` and call
        /// `responded(close:)` (with `close: !keepAlive`), or hand it off with `park`.
        case request(HTTPRequestHead, keepAlive: Bool)
        /// The received bytes are not an acceptable request: queue this error answer and call
        /// `responded(close: true)`. `malformed`: a parse error (not a size limit).
        case refuse(status: Int, detail: String, malformed: Bool)
        /// Output is waiting: write what the socket takes, then report it with `wrote`.
        case write
        /// Wait for the peer's bytes. `idle`: between requests, nothing half-read.
        case awaitInput(idle: Bool)
        /// Wait until the socket takes more output (report it with `writable()`).
        case awaitWritable
        /// Wait for the deferred response (`resume`); only a hang-up matters meanwhile.
        case awaitResponse
        /// Shut down the sending side and wait (reading and discarding) until the peer closes or
        /// the lingering deadline passes.
        case linger
        /// Close the socket.
        case close
    }

    /// What a deadline that passed asks for (`timerFired`).
    public enum Timeout {
        /// Close without a word (idle keep-alive, a client that stopped reading, lingering over).
        case close
        /// A TLS handshake did not finish in time: close without a word.
        case handshake
        /// A request did not arrive in time: answer 408 (and call `responded(close: true)`).
        case requestTimeout
        /// A deferred response took longer than the write timeout: cancel the work, answer 503
        /// and call `responded(close: true)`.
        case responseTimeout(Parked)
    }

    /// How long a lingering close waits for the peer, in seconds.
    public static var lingerSeconds: Double { 2 }
    /// Output above this is written before more pipelined requests are handled.
    public static var flushThreshold: Int { 256 * 1024 }

    public private(set) var phase: Phase
    public private(set) var timer: ConnectionTimer
    let limits: HTTPLimits
    /// Response bytes waiting to be written, in order.
    public var output = OutputQueue()

    /// Received bytes; the unread part starts at `inputStart`.
    var input: [UInt8] = []
    var inputStart = 0
    var scanFrom = 0
    /// Field ranges of the request being handled, reused across requests.
    public private(set) var fields: [HTTPFieldRange] = []
    /// Where the parsed head's bytes are: in `input` from `headStart` (the usual case, no copy),
    /// or copied to `headStorage` when its body arrives in a later read (`compactInput` moves them).
    var headInInput = true
    public private(set) var headStart = 0
    var headStorage: [UInt8] = []
    /// A parsed head whose body is still arriving.
    var pendingHead: HTTPRequestHead?
    var body: [UInt8] = []
    var chunked = ChunkedBodyDecoder()
    /// When the current request's head was complete (the `now` of that step).
    public private(set) var requestStarted: Double = 0
    /// Requests dispatched so far (for `maxRequestsPerConnection`).
    public private(set) var served = 0
    /// The peer sent FIN: nothing more will arrive.
    public private(set) var peerClosed = false
    /// A drain began: every answer from now on closes the connection.
    public private(set) var draining = false
    /// Close once the queued output is written (no more requests are read).
    var closeAfterWrite = false
    /// A response was queued since the timer was last set for the next request.
    var justResponded = false
    /// The last write could not take everything: wait for `writable()`.
    public private(set) var writeBlocked = false
    /// A `.request` or `.refuse` step (or a timeout) is waiting for its answer.
    var answerDue = false

    public init(now: Double, limits: HTTPLimits, handshakeDeadline: Double? = nil) {
        self.limits = limits
        self.timer = ConnectionTimer(now: now, limits: limits)
        self.phase = handshakeDeadline.map { .handshaking(deadline: $0) } ?? .open
    }

    // MARK: what the owner may ask

    public var unreadCount: Int { input.count - inputStart }
    public var isParked: Bool { if case .parked = phase { true } else { false } }
    public var isLingering: Bool { if case .lingering = phase { true } else { false } }
    public var isHandshaking: Bool { if case .handshaking = phase { true } else { false } }
    public var isClosed: Bool { if case .closed = phase { true } else { false } }

    /// Whether the owner should read from the socket now: not while output waits (a client that
    /// does not read its responses is not read from either), a response is computed, or after
    /// the last answer.
    public var wantsInput: Bool {
        switch phase {
        case .handshaking, .open: output.isEmpty && !closeAfterWrite
        case .parked, .lingering, .closed: false
        }
    }

    /// Nothing in flight: no partial request, no pending body, no unsent output, no deferred work.
    public var isIdle: Bool {
        switch phase {
        case .handshaking, .open: pendingHead == nil && unreadCount == 0 && output.isEmpty
        case .parked, .lingering, .closed: false
        }
    }

    /// The bytes `headStart` and `fields` of the request just dispatched refer to.
    public var headBytes: [UInt8] { headInInput ? input : headStorage }

    // MARK: events

    /// Bytes arrived from the peer.
    public mutating func received(_ bytes: ArraySlice<UInt8>, now: Double) {
        input.append(contentsOf: bytes)
        timer.requestBytesArrived(now: now)
    }

    /// The peer finished sending (a read returned end of file).
    public mutating func peerFinishedSending() { peerClosed = true }

    /// The TLS handshake finished: HTTP may begin.
    public mutating func handshakeFinished() {
        if case .handshaking = phase { phase = .open }
    }

    /// The socket can take output again.
    public mutating func writable() { writeBlocked = false }

    /// What a write of `output` achieved. A failed write ends the connection: the parked work,
    /// if a request was parked behind the output, is returned for the owner to cancel.
    @discardableResult
    public mutating func wrote(_ result: OutputQueue.Flush, now: Double) -> Parked? {
        switch result {
        case .failed:
            return abort()
        case .blocked(let n):
            writeBlocked = true
            if timer.phase != .writing {
                timer.responded(now: now, pendingOutput: true, partialRequestBuffered: false)
            } else if n > 0 {
                timer.wroteSome(now: now)  // the client is reading: the write deadline starts again
            }
        case .drained:
            break
        }
        return nil
    }

    /// The answer to the last `.request`, `.refuse` or timeout was queued in `output`.
    public mutating func responded(close: Bool) {
        answerDue = false
        if close { closeAfterWrite = true }
        justResponded = true
    }

    /// The last `.request` is answered elsewhere: wait for `resume` (or the write timeout).
    public mutating func park(_ parked: Parked, keepAlive: Bool, now: Double) {
        answerDue = false
        guard case .open = phase else { return }
        phase = .parked(parked, keepAlive: keepAlive)
        timer.responded(now: now, pendingOutput: true, partialRequestBuffered: false)
    }

    /// The deferred response is ready: returns what was parked and whether the connection may
    /// stay open after it; the owner queues the response and calls `responded(close:)`.
    /// nil when nothing waits (it timed out, or the connection closed).
    public mutating func resume() -> (parked: Parked, keepAlive: Bool)? {
        guard case .parked(let parked, let keepAlive) = phase else { return nil }
        phase = .open
        answerDue = true
        return (parked, keepAlive && !draining)
    }

    /// The server is draining. Returns true when the connection should be closed now (nothing in
    /// flight); otherwise its current request is answered with `Connection: close` and it closes
    /// after its output.
    public mutating func drain() -> Bool {
        draining = true
        if isIdle {
            abort()
            return true
        }
        if pendingHead == nil, unreadCount == 0 { closeAfterWrite = true }
        return false
    }

    /// The connection ends now (the peer hung up, a read or write failed, the output passed its
    /// bound, the owner closed it). Returns the parked work, if any, for the owner to cancel.
    @discardableResult
    public mutating func abort() -> Parked? {
        let parked: Parked?
        if case .parked(let p, _) = phase { parked = p } else { parked = nil }
        phase = .closed
        answerDue = false
        output.discard()
        return parked
    }

    /// Checks the deadline of the current phase at `now`.
    public mutating func timerFired(now: Double) -> Timeout? {
        switch phase {
        case .closed:
            return nil
        case .handshaking(let deadline):
            guard now >= deadline || timer.expiry(now: now) != nil else { return nil }
            abort()
            return .handshake
        case .lingering(let deadline):
            guard now >= deadline else { return nil }
            abort()
            return .close
        case .parked(let parked, _):
            guard timer.expiry(now: now) != nil else { return nil }
            phase = .open
            answerDue = true
            return .responseTimeout(parked)
        case .open:
            switch timer.expiry(now: now) {
            case nil:
                return nil
            case .close:
                abort()
                return .close
            case .requestTimeout:
                pendingHead = nil
                inputStart = input.count
                answerDue = true
                return .requestTimeout
            }
        }
    }

    /// The request body of the request just dispatched (taken: the buffer is the caller's now).
    public mutating func takeBody() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &body)
        return taken
    }

    // MARK: the next step

    /// What to do now. Call again after doing it, until a step says to wait (or to close).
    public mutating func next(now: Double) -> Step {
        precondition(!answerDue, "HTTPConnection: the last request must be answered before the next step")
        switch phase {
        case .closed:
            return .close
        case .handshaking:
            return .awaitInput(idle: false)
        case .lingering:
            return .awaitInput(idle: false)
        case .parked:
            // Responses to earlier pipelined requests may still be waiting to go out.
            if writeBlocked { return .awaitWritable }
            return output.isEmpty ? .awaitResponse : .write
        case .open:
            return nextWhileOpen(now: now)
        }
    }

    private mutating func nextWhileOpen(now: Double) -> Step {
        if writeBlocked { return .awaitWritable }
        if output.pendingBytes >= Self.flushThreshold { return .write }
        if !closeAfterWrite {
            if pendingHead == nil, unreadCount > 0, let refused = parseHead(now: now) { return refused }
            if let head = pendingHead {
                switch readBody(head) {
                case .complete:
                    pendingHead = nil
                    served += 1
                    let limit = limits.maxRequestsPerConnection
                    answerDue = true
                    return .request(head, keepAlive: head.keepAlive && !draining && (limit == 0 || served < limit))
                case .incomplete:
                    break
                case .refused(let step):
                    return step
                }
            }
        }
        compactInput()
        if peerClosed, output.isEmpty, !closeAfterWrite {
            abort()  // the client finished sending; whatever is left is an incomplete request
            return .close
        }
        if !output.isEmpty { return .write }
        if closeAfterWrite {
            if peerClosed {
                abort()
                return .close
            }
            phase = .lingering(deadline: now + Self.lingerSeconds)
            input.removeAll()
            inputStart = 0
            return .linger
        }
        if justResponded || timer.phase == .writing, pendingHead == nil {
            timer.responded(now: now, pendingOutput: false, partialRequestBuffered: unreadCount > 0)
        } else if timer.phase == .writing, pendingHead != nil {
            // Earlier output went out while a body is still arriving: the body's deadline again
            // (a stalled body gets its 408, not a silent close at the write timeout).
            timer.awaitingBody(now: now)
        }
        justResponded = false
        return .awaitInput(idle: unreadCount == 0 && pendingHead == nil)
    }

    /// Parses a head from the unread input. Sets `pendingHead` when one is complete; returns the
    /// refusal when the bytes are not a request.
    private mutating func parseHead(now: Double) -> Step? {
        // The fields array is moved out for the parse: the closure reads `input` and must not
        // also reach into `self`.
        var fields: [HTTPFieldRange] = []
        swap(&fields, &self.fields)
        let start = inputStart, scanFrom = self.scanFrom, limits = self.limits
        let result = input.withUnsafeBytes { all in
            HTTPHeadParser.parse(UnsafeRawBufferPointer(rebasing: all[start...]), limits: limits,
                                 fields: &fields, scanFrom: scanFrom)
        }
        swap(&fields, &self.fields)
        switch result {
        case .needMore:
            self.scanFrom = max(0, unreadCount - 3)
            return nil
        case .failure(let error):
            return refuse(status: error.status, detail: error.reason, malformed: true)
        case .complete(let head):
            requestStarted = now
            headInInput = true
            headStart = inputStart + head.start
            inputStart += head.consumed
            self.scanFrom = 0
            switch head.framing {
            case .none:
                pendingHead = head
                return nil
            case .length(let n):
                if n > limits.maxBodyBytes {
                    return refuse(status: 413, detail: "request body larger than \(limits.maxBodyBytes) bytes", malformed: false)
                }
                body.removeAll(keepingCapacity: true)
                body.reserveCapacity(n)
            case .chunked:
                body.removeAll(keepingCapacity: true)
                chunked = ChunkedBodyDecoder()
            }
            pendingHead = head
            if head.expectContinue, unreadCount == 0 {
                output.append("HTTP/1.1 100 Continue\r\n\r\n")
            }
            timer.awaitingBody(now: now)
            return nil
        }
    }

    private enum BodyProgress {
        case complete, incomplete, refused(Step)
    }

    /// Moves body bytes from the input into `body`.
    private mutating func readBody(_ head: HTTPRequestHead) -> BodyProgress {
        switch head.framing {
        case .none:
            return .complete
        case .length(let n):
            let take = min(n - body.count, unreadCount)
            body.append(contentsOf: input[inputStart..<(inputStart + take)])
            inputStart += take
            return body.count == n ? .complete : .incomplete
        case .chunked:
            var decoder = chunked, decoded: [UInt8] = []
            swap(&decoded, &body)
            let start = inputStart, limits = self.limits
            let progress = input.withUnsafeBytes { all in
                decoder.decode(UnsafeRawBufferPointer(rebasing: all[start...]), into: &decoded, limits: limits)
            }
            swap(&decoded, &body)
            chunked = decoder
            switch progress {
            case .needMore(let consumed):
                inputStart += consumed
                return .incomplete
            case .done(let consumed):
                inputStart += consumed
                return .complete
            case .failure(let error):
                return .refused(refuse(status: error.status, detail: error.reason, malformed: true))
            }
        }
    }

    /// A refusal: the rest of the input is dropped and the connection closes after the answer.
    private mutating func refuse(status: Int, detail: String, malformed: Bool) -> Step {
        pendingHead = nil
        inputStart = input.count
        answerDue = true
        return .refuse(status: status, detail: detail, malformed: malformed)
    }

    /// Drops consumed input so the buffer does not grow. A parsed head still waiting for its body
    /// is copied out first.
    private mutating func compactInput() {
        if let head = pendingHead, headInInput, inputStart > 0 {
            headStorage.removeAll(keepingCapacity: true)
            headStorage.append(contentsOf: input[headStart..<(headStart + head.consumed - head.start)])
            headInInput = false
            headStart = 0
        }
        if inputStart == input.count {
            input.removeAll(keepingCapacity: true)
        } else if inputStart > 0 {
            input.removeSubrange(0..<inputStart)
        }
        scanFrom = max(0, scanFrom - inputStart)
        inputStart = 0
    }
}
