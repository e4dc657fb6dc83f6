/// A response: status, header lines already serialised as bytes, and the body.
/// `Content-Length`, `Date` and `Connection` are added by the server when it writes the response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Serialised header lines, each `Name: value\r\n`.
    public var headerBytes: [UInt8]
    public var body: [UInt8]
    /// Work that would block the event loop: run on a worker thread; its result is the response.
    public var deferred: DeferredResponse?

    /// A response computed off the event loop (a slow query): the connection waits, the loop
    /// goes on serving other connections, and the result is written when it arrives.
    public static func deferred(_ work: @escaping @Sendable () -> HTTPResponse) -> HTTPResponse {
        var r = HTTPResponse(status: 0)
        r.deferred = DeferredResponse(work: work)
        return r
    }

    public init(status: Int, headerBytes: [UInt8] = [], body: [UInt8] = []) {
        self.status = status
        self.headerBytes = headerBytes
        self.body = body
    }

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.init(status: status, body: body)
        addHeader("Content-Type", contentType)
    }

    /// Appends a header line. Names and values must not hold CR or LF (they come from the program,
    /// never from a client verbatim); CR and LF are dropped to keep the response well formed.
    public mutating func addHeader(_ name: String, _ value: String) {
        headerBytes.reserveCapacity(headerBytes.count + name.utf8.count + value.utf8.count + 4)
        for b in name.utf8 where b != 0x0D && b != 0x0A { headerBytes.append(b) }
        headerBytes.append(0x3A)
        headerBytes.append(0x20)
        for b in value.utf8 where b != 0x0D && b != 0x0A { headerBytes.append(b) }
        headerBytes.append(0x0D)
        headerBytes.append(0x0A)
    }

    /// The value of the first header line named `name` (case-insensitive), for tests and middleware.
    public func header(_ name: String) -> String? {
        let text = String(decoding: headerBytes, as: UTF8.self)
        let wanted = name.lowercased()
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == wanted {
                return String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
            }
        }
        return nil
    }
}

extension HTTPResponse {
    /// `transform(self)`, or for a deferred response, a deferred response whose result goes
    /// through `transform` on the worker thread (headers, metrics).
    public func map(_ transform: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> HTTPResponse {
        guard let deferred else { return transform(self) }
        return .deferred { transform(deferred.work()) }
    }
}

/// The work behind a deferred response.
public struct DeferredResponse: Sendable {
    let work: @Sendable () -> HTTPResponse
}
