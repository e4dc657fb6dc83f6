/// One client connection's buffers and progress, owned by exactly one event loop thread.
final class Connection {
    let fd: Int32
    /// What the connection's bytes go through: the socket, or TLS over it.
    let transport: any Transport
    /// Whether `transport` is TLS (HSTS goes on its responses; no plain-HTTP redirect).
    let isTLS: Bool
    /// A TLS connection's handshake must finish by then; nil once it has (or for plain HTTP).
    var handshakeDeadline: Double?
    /// Tells this connection apart from a later one that reuses the same fd.
    let serial: UInt64
    /// A deferred response is being computed: handle nothing else until it arrives. (A class, so
    /// the checks on every request are a pointer test, not a copy of the tuple.)
    var parked: ParkedRequest?
    /// Received bytes; the unread part starts at `inputStart`.
    var input: [UInt8] = []
    var inputStart = 0
    var scanFrom = 0
    /// Field ranges of the request being handled, reused across requests.
    var fields: [HTTPFieldRange] = []
    /// Where the parsed head's bytes are: in `input` from `headStart` (the usual case, no copy),
    /// or copied to `headStorage` when its body arrives in a later read (`compactInput` moves them).
    var headInInput = true
    var headStart = 0
    var headStorage: [UInt8] = []
    /// A parsed head whose body is still arriving.
    var pendingHead: HTTPRequestHead?
    var body: [UInt8] = []
    var chunked = ChunkedBodyDecoder()
    var output = OutputQueue()
    var timer: ConnectionTimer
    var served = 0
    var closeAfterWrite = false
    /// A response was queued since the timer was last updated.
    var justResponded = false
    var peerClosed = false
    var lingerDeadline: Double?
    var interest: UInt32 = 0
    /// Membership of the loop's `IdleConnections` (waiting for a request).
    var waitsIdle = false
    var idleNext: Connection?
    unowned(unsafe) var idlePrevious: Connection?
    var requestStartMicros: Int64 = 0
    var peer = PeerAddress.unknown

    init(fd: Int32, serial: UInt64, now: Double, limits: HTTPLimits, transport: any Transport, isTLS: Bool) {
        self.fd = fd
        self.transport = transport
        self.isTLS = isTLS
        self.serial = serial
        self.timer = ConnectionTimer(now: now, limits: limits)
    }

    var unreadCount: Int { input.count - inputStart }

    /// Nothing in flight: no partial request, no pending body, no unsent output.
    var isIdle: Bool { pendingHead == nil && parked == nil && unreadCount == 0 && output.isEmpty && lingerDeadline == nil }

    /// Drops consumed input so the buffer does not grow. A parsed head still waiting for its body
    /// is copied out first.
    func compactInput() {
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

/// What a connection remembers about a request whose response is computed off the loop.
final class ParkedRequest {
    let head: HTTPRequestHead
    let keepAlive: Bool
    let path: [UInt8]
    let requestID: RequestID
    /// Set when the connection closes or the wait times out, so the work can stop.
    let cancellation = Cancellation()

    init(head: HTTPRequestHead, keepAlive: Bool, path: [UInt8], requestID: RequestID) {
        self.head = head
        self.keepAlive = keepAlive
        self.path = path
        self.requestID = requestID
    }
}
