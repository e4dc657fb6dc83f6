import CFolioShim
import Foundation
import Glibc

/// The HTTP/1.1 server: binds one SO_REUSEPORT listener per event loop, runs each loop on its
/// own thread, and drains on `shutdown()` (stop accepting, finish in-flight, close idle).
/// A port another process listens on is refused (`Socket.claimExclusively`), so only this
/// server's own loops share it.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    /// The port actually bound (useful with port 0).
    public let port: Int
    public let control: ServerControl
    let responder: any HTTPResponder
    let listeners: [Int32]
    let tlsListeners: [Int32]
    /// The HTTPS port actually bound, when TLS is on.
    public let tlsPort: Int?
    let wakeFDs: [Int32]
    let finished: DispatchSemaphore

    /// Opens the listening sockets. Nothing is served until `start()`.
    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder) throws {
        folio_ignore_sigpipe()
        let threads = configuration.threads > 0 ? configuration.threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
        var listeners: [Int32] = []
        var tlsListeners: [Int32] = []
        let plain = configuration.tls?.plainHTTP != .off
        var port = plain ? try Socket.claimExclusively(host: configuration.host, port: configuration.port) : 0
        var tlsPort: Int?
        do {
            if let tls = configuration.tls {
                var p = try Socket.claimExclusively(host: configuration.host, port: tls.port)
                for _ in 0..<threads {
                    let fd = try Socket.listen(host: configuration.host, port: p, backlog: configuration.backlog)
                    tlsListeners.append(fd)
                    p = Socket.boundPort(fd)
                }
                tlsPort = p
            }
            for _ in 0..<threads where plain {
                let fd = try Socket.listen(host: configuration.host, port: port, backlog: configuration.backlog)
                listeners.append(fd)
                port = Socket.boundPort(fd)
            }
        } catch {
            for fd in listeners + tlsListeners { Socket.close(fd) }
            throw error
        }
        self.configuration = configuration
        self.port = port
        self.tlsPort = tlsPort
        self.listeners = plain ? listeners : Array(repeating: -1, count: threads)
        self.tlsListeners = tlsPort != nil ? tlsListeners : Array(repeating: -1, count: threads)
        let wakeFDs = (0..<threads).map { _ in folio_eventfd() }
        self.wakeFDs = wakeFDs
        self.control = ServerControl(wakeFDs: wakeFDs)
        self.responder = responder
        self.finished = DispatchSemaphore(value: 0)
    }

    /// Checks that nobody listens on host:port and returns the port (the one the kernel picks for
    /// port 0), before anything that needs to know it is built. `init` checks again.
    public static func claimPort(host: String, port: Int) throws -> Int {
        try Socket.claimExclusively(host: host, port: port)
    }

    /// The number of event loops.
    public var threadCount: Int { listeners.count }

    /// Starts the event-loop threads and returns at once.
    public func start() {
        for i in 0..<listeners.count {
            let listener = listeners[i], tlsListener = tlsListeners[i], tlsPort = self.tlsPort, wake = wakeFDs[i]
            let config = configuration, responder = self.responder, control = self.control, done = finished
            let thread = Thread {
                let loop = EventLoop(index: i, listener: listener, tlsListener: tlsListener, tlsPort: tlsPort, wakeFD: wake, config: config,
                                     responder: responder, control: control)
                loop.run()
                done.signal()
            }
            thread.name = "folio-loop-\(i)"
            thread.start()
        }
    }

    /// What a drain achieved.
    public struct DrainReport: Sendable {
        /// Connections closed cleanly after the drain began (idle ones, and those whose response finished).
        public var drained: Int
        /// Connections still busy at the drain deadline, closed anyway.
        public var forced: Int
    }

    /// Stops accepting, lets in-flight responses finish, closes idle connections, and returns once
    /// every loop has stopped or `drainTimeout` has passed.
    @discardableResult
    public func shutdown() -> DrainReport {
        let deadline = MonotonicClock.micros() + Int64(configuration.drainTimeout * 1_000_000)
        control.drainDeadline.store(deadline, ordering: .relaxed)
        control.draining.store(true, ordering: .releasing)
        for fd in wakeFDs {
            var one: UInt64 = 1
            _ = Glibc.write(fd, &one, 8)
        }
        let until = DispatchTime.now() + configuration.drainTimeout + 2
        for _ in listeners { _ = finished.wait(timeout: until) }
        return DrainReport(drained: control.drained.load(ordering: .relaxed), forced: control.forced.load(ordering: .relaxed))
    }
}
