public import FolioHTTP

/// Runs an `HTTPConnection` the way the event loop does, without sockets: a fake clock, a fake
/// socket whose room for output the caller sets, and a responder that answers each request with
/// one line naming it (or parks it, to be completed later). Used by the state machine's tests and
/// by its fuzzer (Sources/FolioConnectionFuzzer), which check what it records.
///
/// Responses are lines: `R <target> <body bytes> keep|close` for a request answered at once,
/// `D <target> …` for one answered after parking, `E <status>` for a refusal or a timeout's answer.
public struct ConnectionSimulator {
    /// The last step of a `run`: what the connection waits for, or that it ended.
    public enum Outcome: Equatable, Sendable {
        case awaitInput(idle: Bool), awaitWritable, awaitResponse, linger, close
    }

    public var connection: HTTPConnection<Int>
    public private(set) var now: Double
    /// The bytes the fake socket accepted, in order.
    public private(set) var written: [UInt8] = []
    /// How many bytes the socket takes per write (0: it is full).
    public var socketRoom = Int.max
    /// The next writes fail (the peer reset the connection).
    public var socketFails = false
    /// Answer the next requests by parking them (until `completeParked`).
    public var parkRequests = false
    /// Requests for these targets are parked too.
    public var parkedTargets: Set<String> = []
    /// Request targets in the order they were dispatched.
    public private(set) var dispatched: [String] = []
    /// Request bodies, in the same order.
    public private(set) var bodies: [[UInt8]] = []
    /// The parked request (its index in `dispatched`), if one waits.
    public private(set) var parked: Int?
    /// Parked requests whose work was cancelled (closed or timed out), by index.
    public private(set) var cancelled: [Int] = []
    /// Writes asked for after the connection said `.close` or `.linger` (an invariant: none).
    public private(set) var writesAfterEnd = 0
    /// Requests dispatched after the connection said `.close` or `.linger` (an invariant: none).
    public private(set) var dispatchesAfterEnd = 0
    /// The outcome of the last `run`.
    public private(set) var outcome: Outcome = .awaitInput(idle: true)
    /// Every step, for a test that checks the sequence.
    public private(set) var steps: [String] = []
    private var ended = false

    public init(limits: HTTPLimits = HTTPLimits(), now: Double = 0, handshakeDeadline: Double? = nil) {
        self.now = now
        connection = HTTPConnection(now: now, limits: limits, handshakeDeadline: handshakeDeadline)
    }

    /// The response lines written so far: whole lines only (the fake socket may have taken part
    /// of the last one), split at LF bytes (a `\r\n` is one Character to a String).
    public var responses: [String] {
        let whole = written[..<(written.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)]
        return whole.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: events

    /// Bytes arrive (when the connection wants input; otherwise they wait in the socket and are
    /// returned as not taken). During a TLS handshake no application bytes come out of the
    /// transport, as in the event loop.
    @discardableResult
    public mutating func receive(_ bytes: [UInt8]) -> Bool {
        guard connection.wantsInput, !connection.isHandshaking else { return false }
        connection.received(bytes[...], now: now)
        run()
        return true
    }

    @discardableResult
    public mutating func receive(_ text: String) -> Bool { receive(Array(text.utf8)) }

    /// The peer sends FIN (read returns end of file).
    public mutating func peerFinishes() {
        guard connection.wantsInput else { return }
        if connection.isHandshaking {  // the loop closes a handshake the peer gave up on
            end(.close)
            return
        }
        connection.peerFinishedSending()
        run()
    }

    /// The socket has room for `room` bytes per write again.
    public mutating func socketDrains(room: Int = .max) {
        socketRoom = room
        connection.writable()
        run()
    }

    /// The clock moves to `time`; deadlines that passed are acted on as the loop's sweep does.
    public mutating func advance(to time: Double) {
        now = max(now, time)
        guard let timeout = connection.timerFired(now: now) else { return }
        steps.append("timeout \(timeout)")
        switch timeout {
        case .close, .handshake:
            end(.close)
            return
        case .requestTimeout:
            connection.output.append(Array("E 408\n".utf8))
            connection.responded(close: true)
        case .responseTimeout(let index):
            cancelled.append(index)
            parked = nil
            connection.output.append(Array("E 503\n".utf8))
            connection.responded(close: true)
        }
        run()
    }

    /// The parked request's response is ready.
    public mutating func completeParked() {
        guard let (index, keepAlive) = connection.resume() else { return }
        parked = nil
        connection.output.append(Array("D \(dispatched[index]) \(bodies[index].count) \(keepAlive ? "keep" : "close")\n".utf8))
        connection.responded(close: !keepAlive)
        run()
    }

    /// The server drains.
    public mutating func drain() {
        if connection.drain() {
            end(.close)
        } else {
            run()
        }
    }

    /// The peer resets the connection (or the owner closes it).
    public mutating func hangUp() {
        if let index = connection.abort() { cancelled.append(index); parked = nil }
        end(.close)
    }

    /// The handshake (of a connection made with a handshake deadline) finishes.
    public mutating func handshakeFinishes() {
        connection.handshakeFinished()
        run()
    }

    // MARK: carrying out steps

    /// Carries out steps until the connection waits or ends.
    public mutating func run() {
        while true {
            switch connection.next(now: now) {
            case .request(let head, let keepAlive):
                steps.append("request")
                if ended { dispatchesAfterEnd += 1 }
                let start = connection.headStart
                let target = String(decoding: connection.headBytes[(start + head.pathStart)..<(start + head.pathEnd)], as: UTF8.self)
                dispatched.append(target)
                bodies.append(head.framing == .none ? [] : connection.takeBody())
                if parkRequests || parkedTargets.contains(target) {
                    parked = dispatched.count - 1
                    connection.park(dispatched.count - 1, keepAlive: keepAlive, now: now)
                } else {
                    connection.output.append(Array("R \(target) \(bodies[bodies.count - 1].count) \(keepAlive ? "keep" : "close")\n".utf8))
                    connection.responded(close: !keepAlive)
                }
            case .refuse(let status, _, _):
                steps.append("refuse \(status)")
                connection.output.append(Array("E \(status)\n".utf8))
                connection.responded(close: true)
            case .write:
                steps.append("write")
                if ended { writesAfterEnd += 1 }
                if let index = connection.wrote(writeSome(), now: now) { cancelled.append(index); parked = nil }
            case .awaitInput(let idle):
                steps.append("awaitInput")
                outcome = .awaitInput(idle: idle)
                return
            case .awaitWritable:
                steps.append("awaitWritable")
                outcome = .awaitWritable
                return
            case .awaitResponse:
                steps.append("awaitResponse")
                outcome = .awaitResponse
                return
            case .linger:
                steps.append("linger")
                outcome = .linger
                ended = true
                return
            case .close:
                end(.close)
                return
            }
        }
    }

    /// One write to the fake socket: as much as it has room for.
    private mutating func writeSome() -> OutputQueue.Flush {
        if socketFails { return .failed }
        let pending = connection.output.pendingBytes
        let n = min(pending, socketRoom)
        guard n > 0 else { return .blocked(wrote: 0) }
        var chunk = [UInt8](repeating: 0, count: n)
        let copied = chunk.withUnsafeMutableBytes { connection.output.copyFront(into: $0) }
        written.append(contentsOf: chunk[0..<copied])
        connection.output.consume(copied)
        return copied == pending ? .drained(wrote: copied) : .blocked(wrote: copied)
    }

    private mutating func end(_ outcome: Outcome) {
        if ended, self.outcome == .close { return }
        steps.append("close")
        if let index = connection.abort() { cancelled.append(index); parked = nil }
        self.outcome = outcome
        ended = true
    }
}
