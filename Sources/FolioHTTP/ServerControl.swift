import Glibc
import Synchronization

/// State the event loops share: the drain flag, the open-connection count, and per-loop counters.
/// Counters are relaxed atomics written only by their own loop, so the hot path takes no lock.
public final class ServerControl: Sendable {
    let draining = Atomic<Bool>(false)
    let openConnections = Atomic<Int>(0)
    let drained = Atomic<Int>(0)
    let forced = Atomic<Int>(0)
    let drainDeadline = Atomic<Int64>(0)  // monotonic microseconds
    public let loops: [LoopCounters]
    let mailboxes: [LoopMailbox]
    /// Gives every request its `X-Request-Id` (written by the HTTP layer, printed in the access log).
    let requestIDs = RequestIDGenerator()

    init(wakeFDs: [Int32]) {
        loops = wakeFDs.map { _ in LoopCounters() }
        mailboxes = wakeFDs.map { LoopMailbox(wakeFD: $0) }
    }

    /// Connections open right now, across all loops.
    public var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Sums of the per-loop counters.
    public var totals: LoopCounters.Totals {
        loops.reduce(into: LoopCounters.Totals()) { sum, loop in sum.add(loop) }
    }
}

/// One event loop's counters (requests, bytes, refusals). Written by that loop only.
public final class LoopCounters: Sendable {
    let requests = Atomic<Int>(0)
    let bytesSent = Atomic<Int>(0)
    let accepted = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    let timeouts = Atomic<Int>(0)
    let parseErrors = Atomic<Int>(0)
    let reclaimed = Atomic<Int>(0)
    let acceptPauses = Atomic<Int>(0)
    let tlsHandshakes = Atomic<Int>(0)
    let tlsResumed = Atomic<Int>(0)
    let tlsKernel = Atomic<Int>(0)
    let tlsFailed = Atomic<Int>(0)

    /// Summed counter values.
    public struct Totals: Sendable {
        public var requests = 0, bytesSent = 0, accepted = 0, refused = 0, timeouts = 0, parseErrors = 0
        /// TLS handshakes completed, of which resumed sessions and kernel-TLS connections; and
        /// TLS connections closed before their handshake finished (errors, timeouts).
        public var tlsHandshakes = 0, tlsResumed = 0, tlsKernel = 0, tlsFailed = 0
        /// Idle connections closed at the connection limit to let a new client in.
        public var reclaimed = 0
        /// Times accepting stopped for 100 ms because `accept` failed (out of file descriptors).
        public var acceptPauses = 0

        mutating func add(_ c: LoopCounters) {
            requests += c.requests.load(ordering: .relaxed)
            bytesSent += c.bytesSent.load(ordering: .relaxed)
            accepted += c.accepted.load(ordering: .relaxed)
            refused += c.refused.load(ordering: .relaxed)
            timeouts += c.timeouts.load(ordering: .relaxed)
            parseErrors += c.parseErrors.load(ordering: .relaxed)
            tlsHandshakes += c.tlsHandshakes.load(ordering: .relaxed)
            reclaimed += c.reclaimed.load(ordering: .relaxed)
            acceptPauses += c.acceptPauses.load(ordering: .relaxed)
            tlsResumed += c.tlsResumed.load(ordering: .relaxed)
            tlsKernel += c.tlsKernel.load(ordering: .relaxed)
            tlsFailed += c.tlsFailed.load(ordering: .relaxed)
        }
    }

    @inline(__always) func bump(_ counter: borrowing Atomic<Int>, by n: Int = 1) {
        counter.store(counter.load(ordering: .relaxed) &+ n, ordering: .relaxed)
    }
}

/// Finished deferred responses on their way back to the loop that owns the connection.
final class LoopMailbox: Sendable {
    struct Delivery: Sendable {
        let fd: Int32
        let serial: UInt64
        let response: HTTPResponse
    }

    private let items = Mutex<[Delivery]>([])
    /// Set by `post`, cleared by `take`: lets the loop look between connections without a lock.
    private let posted = Atomic<Bool>(false)
    let wakeFD: Int32

    init(wakeFD: Int32) { self.wakeFD = wakeFD }

    /// Whether anything was posted since the last `take` (one relaxed load).
    var hasDeliveries: Bool { posted.load(ordering: .relaxed) }

    /// Called from a worker thread: hands the response over and wakes the loop.
    func post(_ delivery: Delivery) {
        items.withLock { $0.append(delivery) }
        posted.store(true, ordering: .releasing)
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Called by the loop: takes everything delivered so far.
    func take() -> [Delivery] {
        posted.store(false, ordering: .relaxed)
        return items.withLock { list in
            let out = list
            list.removeAll()
            return out
        }
    }
}
