/// How the server listens and behaves: address, event-loop count, limits, drain time, logging.
public struct HTTPServerConfiguration: Sendable {
    public var host = "0.0.0.0"
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

    public init() {}
}
