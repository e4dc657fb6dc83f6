import CFolioShim
import Glibc

/// The raw socket calls the server makes, in one place: listening sockets, reads, writes, close.
/// Everything here is a thin wrapper over a syscall; no other file calls the C socket API.
enum Socket {
    /// An error from a socket call, with the errno it failed with.
    struct Failure: Error, CustomStringConvertible {
        let call: String
        let code: Int32
        var description: String {
            code == EADDRINUSE ? "\(call): address already in use (another process is listening there)"
                : "\(call): \(String(cString: strerror(code)))"
        }
    }

    /// Opens a non-blocking listening socket on host:port with SO_REUSEPORT, so several event loops
    /// can each own one on the same port and the kernel spreads connections between them.
    static func listen(host: String, port: Int, backlog: Int32) throws(Failure) -> Int32 {
        let fd = try bound(host: host, port: port, reusePort: true)
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(call: "listen", code: code)
        }
        return fd
    }

    /// Claims host:port for a moment without SO_REUSEPORT and returns the port (the one the
    /// kernel picked, for port 0). SO_REUSEPORT lets any process of the same user join a port's
    /// group, so a second server would silently share the traffic; a bind without it fails with
    /// EADDRINUSE while anyone listens there. The caller closes nothing: the probe is closed here,
    /// just before the loops bind their own sockets (a start-up race of a few microseconds).
    static func claimExclusively(host: String, port: Int) throws(Failure) -> Int {
        let fd = try bound(host: host, port: port, reusePort: false)
        let port = boundPort(fd)
        Glibc.close(fd)
        return port
    }

    /// A non-blocking TCP socket bound to host:port (SO_REUSEADDR always, so connections in
    /// TIME_WAIT from a previous run do not block a restart).
    private static func bound(host: String, port: Int, reusePort: Bool) throws(Failure) -> Int32 {
        let numericHost = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        let isV6: Bool
        if inet_pton(AF_INET, numericHost, &v4.sin_addr) == 1 {
            isV6 = false
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(port).bigEndian
        } else if inet_pton(AF_INET6, numericHost, &v6.sin6_addr) == 1 {
            isV6 = true
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(port).bigEndian
        } else {
            throw Failure(call: "listen address \(host)", code: EINVAL)
        }
        let fd = folio_socket_tcp(isV6 ? AF_INET6 : AF_INET)
        guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
        _ = folio_set_int_option(fd, folio_SOL_SOCKET, folio_SO_REUSEADDR, 1)
        if reusePort { _ = folio_set_int_option(fd, folio_SOL_SOCKET, folio_SO_REUSEPORT, 1) }
        let result: Int32 = isV6
            ? withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
            : withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(call: "bind \(host):\(port)", code: code)
        }
        return fd
    }

    /// The port a socket is bound to (for port 0).
    static func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        if storage.ss_family == sa_family_t(AF_INET6) {
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        }
        return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
    }

    /// Accepts one connection, non-blocking and close-on-exec, with TCP_NODELAY set.
    /// Returns nil when there is nothing to accept; throws on other errors (EMFILE, ...).
    static func accept(_ listener: Int32) throws(Failure) -> (fd: Int32, peer: PeerAddress)? {
        while true {
            var address = [UInt8](repeating: 0, count: 16)
            var family: Int32 = 0
            let fd = address.withUnsafeMutableBufferPointer { folio_accept_peer(listener, $0.baseAddress, &family) }
            if fd >= 0 {
                _ = folio_set_int_option(fd, folio_IPPROTO_TCP, folio_TCP_NODELAY, 1)
                return (fd, PeerAddress(bytes: address, isIPv6: family == AF_INET6))
            }
            let code = folio_errno()
            switch code {
            case EAGAIN, EWOULDBLOCK: return nil
            case EINTR, ECONNABORTED, EPROTO: continue
            default: throw Failure(call: "accept", code: code)
            }
        }
    }

    /// The outcome of a read or write.
    enum IOResult {
        case bytes(Int)
        case wouldBlock
        case closed
        case failed(Int32)
    }

    /// Reads with recv (a socket call, skipping read's file layer).
    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> IOResult {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return .bytes(n) }
            if n == 0 { return .closed }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
        }
    }

    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.send(fd, bytes.baseAddress, bytes.count, folio_MSG_NOSIGNAL)
            if n >= 0 { return .bytes(n) }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
        }
    }

    /// Buffers gathered for one write (a head and its body, or several pipelined responses):
    /// temporary iovec storage, filled while each buffer is lent.
    struct Gather {
        fileprivate let iov: UnsafeMutablePointer<iovec>
        let capacity: Int

        func set(_ k: Int, _ bytes: UnsafeRawBufferPointer) {
            precondition(k < capacity)
            iov[k] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
        }
    }

    static func withGather<R>(capacity: Int, _ body: (Gather) -> R) -> R {
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: capacity) { body(Gather(iov: $0.baseAddress!, capacity: capacity)) }
    }

    /// Writes two buffers (a head and its body) with one sendmsg call.
    static func write(_ fd: Int32, _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> IOResult {
        var iov = (iovec(iov_base: UnsafeMutableRawPointer(mutating: a.baseAddress), iov_len: a.count),
                   iovec(iov_base: UnsafeMutableRawPointer(mutating: b.baseAddress), iov_len: b.count))
        return withUnsafeMutablePointer(to: &iov) {
            $0.withMemoryRebound(to: iovec.self, capacity: 2) { write(fd, Gather(iov: $0, capacity: 2), count: 2) }
        }
    }

    /// Writes the first `count` buffers of `gather` with one sendmsg call.
    static func write(_ fd: Int32, _ gather: Gather, count: Int) -> IOResult {
        while true {
            let n = folio_sendv(fd, gather.iov, Int32(count))
            if n >= 0 { return .bytes(n) }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
        }
    }

    static func shutdownWrite(_ fd: Int32) { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }
}
