/// Every limit the HTTP layer enforces, each configurable. Defaults follow DESIGN.md.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line in bytes before 414.
    public var maxRequestLineBytes = 8 * 1024
    /// Largest header block (request line included) in bytes before 431.
    public var maxHeaderBytes = 16 * 1024
    /// Most header fields before 431.
    public var maxHeaderFields = 100
    /// Largest request body in bytes before 413.
    public var maxBodyBytes = 1024 * 1024
    /// Longest chunk extension (per chunk) in bytes before 400.
    public var maxChunkExtensionBytes = 1024
    /// Seconds a client may take to send a complete header block (408, then close).
    public var headerTimeout: Double = 10
    /// Seconds a client may take to send the rest of a body once the head arrived (408, then close).
    public var bodyTimeout: Double = 30
    /// Seconds an idle keep-alive connection is kept open.
    public var idleTimeout: Double = 60
    /// Seconds a pending response may go without any write progress before the connection closes.
    public var writeTimeout: Double = 30
    /// Requests served on one connection before it is closed (0: unlimited).
    public var maxRequestsPerConnection = 10_000
    /// Open connections across all event loops; beyond it new ones get 503 and are closed.
    public var maxConnections = 10_000
    /// Bytes of unsent response data one connection may hold before it is closed.
    public var maxPendingOutputBytes = 8 * 1024 * 1024

    public init() {}
}
