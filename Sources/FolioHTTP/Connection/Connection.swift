/// One client connection as its event loop keeps it: the socket and its transport, the protocol
/// state (`machine`), and the loop's bookkeeping (epoll interest, the idle list, the peer's
/// address). Owned by exactly one event loop thread.
final class Connection {
    let fd: Int32
    /// What the connection's bytes go through: the socket, or TLS over it.
    let transport: any Transport
    /// Whether `transport` is TLS (HSTS goes on its responses; no plain-HTTP redirect).
    let isTLS: Bool
    /// Tells this connection apart from a later one that reuses the same fd.
    let serial: UInt64
    /// Everything HTTP about the connection: buffers, progress, deadlines, phase.
    var machine: HTTPConnection<ParkedRequest>
    /// The epoll events asked for now.
    var interest: UInt32 = 0
    /// epoll reported the peer's FIN (EPOLLRDHUP); a read has not necessarily seen it yet.
    var hangUpSeen = false
    /// Membership of the loop's `IdleConnections` (waiting for a request).
    var waitsIdle = false
    var idleNext: Connection?
    unowned(unsafe) var idlePrevious: Connection?
    var peer = PeerAddress.unknown
    /// The connection has sent a write (any method but GET, HEAD and OPTIONS): the loop reads it
    /// first in each pass (see `EventLoop.run`).
    var writes = false

    init(fd: Int32, serial: UInt64, machine: HTTPConnection<ParkedRequest>, transport: any Transport, isTLS: Bool) {
        self.fd = fd
        self.transport = transport
        self.isTLS = isTLS
        self.serial = serial
        self.machine = machine
    }
}

/// What a connection remembers about a request whose response is computed off the loop.
final class ParkedRequest {
    let head: HTTPRequestHead
    let path: [UInt8]
    let requestID: RequestID
    /// Set when the connection closes or the wait times out, so the work can stop.
    let cancellation = Cancellation()

    init(head: HTTPRequestHead, path: [UInt8], requestID: RequestID) {
        self.head = head
        self.path = path
        self.requestID = requestID
    }
}
