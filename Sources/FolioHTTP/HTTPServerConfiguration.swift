/// How the server listens and behaves: address, event-loop count, limits, drain time, logging.
public struct HTTPServerConfiguration: Sendable {
    /// Loopback by default (a developer's run is not reachable from the network); a container or a
    /// server sets "0.0.0.0" or "::" to listen on every address.
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests); the bound port is reported by `HTTPServer.port`.
    public var port = 8080
    /// Event-loop threads, each with its own epoll and SO_REUSEPORT listener. 0: one per core.
    public var threads = 0
    public var limits = HTTPLimits()
    /// Seconds SIGTERM waits for in-flight responses before closing what is left.
    public var drainTimeout: Double = 10
    /// listen(2) backlog.
    public var backlog: Int32 = 4096
    /// Write one access-log line per request.
    public var accessLog = true
    /// Access log lines as JSON objects instead of text.
    public var accessLogJSON = false
    /// The file descriptor access-log lines are written to: standard output, or a file the
    /// caller opened (it may `dup2` a reopened file onto this number, as SIGHUP does).
    public var accessLogFD: Int32 = 1
    /// HTTPS on a port of its own (and what the plain port does meanwhile); nil: plain HTTP only.
    public var tls: TLSSettings?

    public init() {}
}
