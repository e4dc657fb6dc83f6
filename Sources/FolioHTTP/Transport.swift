/// What carries one connection's bytes, shaped like redis's `ConnectionType` (src/connection.h):
/// the socket itself (`PlainTransport`) or TLS over it (`TLSTransport`). The event loop reads,
/// writes and closes through it and asks what it needs next; it never touches the socket's
/// bytes directly.
protocol Transport: AnyObject {
    /// Reads the application bytes that are there now into `buffer` (from its start).
    func read(into buffer: inout [UInt8]) -> Socket.IOResult
    /// Writes as much of `output` as the connection takes now, consuming what was written.
    func flush(_ output: inout OutputQueue) -> OutputQueue.Flush
    /// Bytes already received (and decrypted) that epoll will not announce again.
    var hasPendingData: Bool { get }
    /// The transport cannot go on reading until the socket is writable (a TLS handshake message
    /// waiting to be sent).
    var readWantsWrite: Bool { get }
    /// The transport cannot go on writing until the socket is readable (TLS: a record it must
    /// read first).
    var writeWantsRead: Bool { get }
    /// Whether application bytes can flow: true at once for plain sockets, after the handshake
    /// for TLS.
    var isEstablished: Bool { get }
    /// Ends the sending direction (TLS says close_notify first).
    func shutdownWrite()
}

/// A plain TCP socket: `recv`, and `send`/`sendmsg` gathering the output queue's segments.
final class PlainTransport: Transport {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    func read(into buffer: inout [UInt8]) -> Socket.IOResult { Socket.read(fd, into: &buffer) }
    func flush(_ output: inout OutputQueue) -> OutputQueue.Flush { output.flush(to: fd) }
    var hasPendingData: Bool { false }
    var readWantsWrite: Bool { false }
    var writeWantsRead: Bool { false }
    var isEstablished: Bool { true }
    func shutdownWrite() { Socket.shutdownWrite(fd) }
}
