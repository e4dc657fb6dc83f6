import Dispatch
import Synchronization

/// A response: status, header lines already serialised as bytes, and the body.
/// `Content-Length`, `Date` and `Connection` are added by the server when it writes the response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Serialised header lines, each `Name: value\r\n`.
    public var headerBytes: [UInt8]
    public var body: [UInt8]
    /// Work that would block the event loop: run on a worker thread; its result is the response.
    public var deferred: DeferredResponse?

    /// A response computed off the event loop (a slow query) on the shared worker threads: the
    /// connection waits, the loop goes on serving other connections, and the result is written
    /// when it arrives.
    /// `background` work (feeds, lists with bodies) runs on `BackgroundPool`'s threads, at a
    /// lower priority than the event loops; foreground work (writes: a client waits, the store
    /// serialises them) on the shared worker queue at normal priority.
    public static func deferred(background: Bool = true, _ work: @escaping @Sendable () -> HTTPResponse) -> HTTPResponse {
        .deferred(DeferredResponse { completion in
            let job: @Sendable () -> Void = {
                guard !completion.isCancelled else { return }
                completion.complete(work())
            }
            if background { BackgroundPool.shared.async(job) } else { DeferredResponse.workers.async(execute: job) }
        })
    }

    /// A response whose work waits for the disk: it runs on the threads kept for that
    /// (`BackgroundPool.reads`), so that neither an event loop nor the write workers wait.
    public static func deferredRead(_ work: @escaping @Sendable () -> HTTPResponse) -> HTTPResponse {
        .deferred(DeferredResponse { completion in
            BackgroundPool.reads.async {
                guard !completion.isCancelled else { return }
                completion.complete(work())
            }
        })
    }

    /// A response whose work starts on the shared worker queue (as `deferred(background: false)`)
    /// and may finish later on another thread: `work` calls `completion.complete` exactly once,
    /// from any thread (a write answered by the thread that commits its batch). Not started if
    /// the response is no longer wanted by then.
    public static func deferred(completedBy work: @escaping @Sendable (DeferredCompletion) -> Void) -> HTTPResponse {
        .deferred(DeferredResponse { completion in
            DeferredResponse.workers.async {
                guard !completion.isCancelled else { return }
                work(completion)
            }
        })
    }

    /// A response whose work is started by `deferred.start` (on a pool of its own, for
    /// instance), which calls `complete` exactly once, from any thread.
    public static func deferred(_ deferred: DeferredResponse) -> HTTPResponse {
        var r = HTTPResponse(status: 0)
        r.deferred = deferred
        return r
    }

    public init(status: Int, headerBytes: [UInt8] = [], body: [UInt8] = []) {
        self.status = status
        self.headerBytes = headerBytes
        self.body = body
    }

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.init(status: status, body: body)
        addContentType(contentType)
    }

    /// Content-Type, with `X-Content-Type-Options: nosniff` so a browser never second-guesses it
    /// (a JSON body read as HTML would run what an author's text happens to contain).
    public mutating func addContentType(_ contentType: String) {
        addHeader("Content-Type", contentType)
        headerBytes.append(contentsOf: Self.noSniff)
    }

    static let noSniff = Array("X-Content-Type-Options: nosniff\r\n".utf8)

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
        return .deferred(DeferredResponse { completion in
            deferred.start(DeferredCompletion(cancellation: completion.cancellation) { completion.complete(transform($0)) })
        })
    }
}

/// The work behind a deferred response: `start` is called once, on the event loop, and must not
/// block; the work it starts elsewhere ends with `completion.complete(response)`.
public struct DeferredResponse: Sendable {
    /// Where `HTTPResponse.deferred(_ work:)` runs its work (never on an event loop).
    static let workers = DispatchQueue(label: "folio-blocking-work", qos: .userInitiated, attributes: .concurrent)

    public let start: @Sendable (DeferredCompletion) -> Void

    public init(start: @escaping @Sendable (DeferredCompletion) -> Void) {
        self.start = start
    }
}

/// How deferred work hands its response back, and learns that nobody is waiting for it any
/// more (the client went away, or the server answered 503 when it took too long).
public struct DeferredCompletion: Sendable {
    public let cancellation: Cancellation
    let deliver: @Sendable (HTTPResponse) -> Void

    public init(cancellation: Cancellation, deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        self.cancellation = cancellation
        self.deliver = deliver
    }

    public var isCancelled: Bool { cancellation.isCancelled }

    /// Hands the response to the connection's event loop (ignored there if it is gone).
    public func complete(_ response: HTTPResponse) {
        var response = response
        if response.deferred != nil { response = HTTPResponse(status: 500) }  // work must finish, not defer again
        deliver(response)
    }
}

/// A flag set once, from any thread, when the response to a request is no longer wanted.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    public func cancel() { flag.store(true, ordering: .relaxed) }
}
