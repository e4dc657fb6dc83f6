/// The timeout side of a connection's life as a value type: which phase it is in, when that phase
/// expires, and what to do then. Driven by the event loop with a monotonic clock; tested with a fake one.
public struct ConnectionTimer: Sendable, Equatable {
    /// What the connection is waiting for.
    public enum Phase: Sendable, Equatable {
        /// Between requests on a kept-alive connection (or before the first byte).
        case idle
        /// Part of a request head has arrived.
        case readingHead
        /// The head is in; body bytes are still due.
        case readingBody
        /// Response bytes wait for the client to read them.
        case writing
    }

    /// What the loop must do when a deadline passes.
    public enum Expiry: Sendable, Equatable {
        /// Answer 408 Request Timeout, then close (a slow request).
        case requestTimeout
        /// Close without a word (idle keep-alive, or a client that stopped reading).
        case close
    }

    public private(set) var phase: Phase = .idle
    public private(set) var deadline: Double
    let limits: HTTPLimits

    public init(now: Double, limits: HTTPLimits) {
        self.limits = limits
        self.deadline = now + limits.idleTimeout
    }

    /// Bytes of a new request arrived while idle.
    public mutating func requestBytesArrived(now: Double) {
        if phase == .idle { enter(.readingHead, now + limits.headerTimeout) }
    }

    /// The head is complete and a body is expected.
    public mutating func awaitingBody(now: Double) {
        enter(.readingBody, now + limits.bodyTimeout)
    }

    /// A response was queued. `pendingOutput`: some of it could not be written yet.
    /// `partialRequestBuffered`: bytes of the next request are already waiting.
    public mutating func responded(now: Double, pendingOutput: Bool, partialRequestBuffered: Bool) {
        if pendingOutput {
            enter(.writing, now + limits.writeTimeout)
        } else if partialRequestBuffered {
            enter(.readingHead, now + limits.headerTimeout)
        } else {
            enter(.idle, now + limits.idleTimeout)
        }
    }

    /// Some pending output was written: the client is reading, so the write deadline starts again.
    public mutating func wroteSome(now: Double) {
        if phase == .writing { deadline = now + limits.writeTimeout }
    }

    /// What to do at `now`, if the current phase's deadline has passed.
    public func expiry(now: Double) -> Expiry? {
        guard now >= deadline else { return nil }
        switch phase {
        case .readingHead, .readingBody: return .requestTimeout
        case .idle, .writing: return .close
        }
    }

    private mutating func enter(_ phase: Phase, _ deadline: Double) {
        self.phase = phase
        self.deadline = deadline
    }
}
