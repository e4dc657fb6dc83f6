public import FolioContent
import Foundation
import Glibc
import Synchronization

/// Follows the changes log of a PostgreSQL store from another process (a replica): `LISTEN
/// folio_changes` is only the wake-up; on every notification, after every reconnect and every
/// `pollInterval` seconds it reads the changes after the last one it handed on, in sequence
/// order, so a lost notification (or a dropped connection) delays nothing beyond the interval.
/// A broken connection is retried with exponential backoff and jitter (up to about 1 s); `state`
/// says whether it is connected and why not. Runs on a thread of its own.
public final class PostgresChangeFollower: Sendable {
    public static let channel = "folio_changes"

    /// Connected (and listening), or the last connection error.
    public enum State: Sendable, Equatable {
        case connecting
        case following
        case disconnected(String)
    }

    let url: String
    let pollInterval: Double
    private let last: Mutex<Int64>
    private let stateBox = Mutex<State>(.connecting)
    private let stopped = Atomic<Bool>(false)
    private let deliver: @Sendable ([Change]) throws -> Void

    /// Hands every change after `sequence` to `deliver`, in order, from its own thread. When
    /// `deliver` throws, the page is handed on again after a reconnect (nothing is skipped).
    public init(url: String, after sequence: Int64, pollInterval: Double = 2, deliver: @escaping @Sendable ([Change]) throws -> Void) {
        self.url = url
        self.pollInterval = pollInterval
        last = Mutex(sequence)
        self.deliver = deliver
    }

    public var state: State { stateBox.withLock { $0 } }
    /// The newest sequence number handed on.
    public var lastSequence: Int64 { last.withLock { $0 } }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "folio-pg-follower"
        thread.start()
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    private func run() {
        var backoff = 0.1
        while !stopped.load(ordering: .relaxed) {
            do {
                let db = try PostgresConnection(url: url)
                try db.execute("LISTEN \(Self.channel)")
                stateBox.withLock { $0 = .following }
                backoff = 0.1
                try catchUp(db)  // what happened while not listening
                while !stopped.load(ordering: .relaxed) {
                    var fds = pollfd(fd: db.socket, events: Int16(POLLIN), revents: 0)
                    _ = poll(&fds, 1, Int32(pollInterval * 1000))
                    _ = try db.notifications()  // wake-up only; the log is the truth
                    try catchUp(db)
                }
            } catch {
                stateBox.withLock { $0 = .disconnected("\(error)") }
                Thread.sleep(forTimeInterval: backoff * Double.random(in: 0.5...1.5))
                backoff = min(1, backoff * 2)  // a replica tries about once a second while its database is away
            }
        }
    }

    /// Reads and hands on every change after the last one, a page at a time.
    private func catchUp(_ db: PostgresConnection) throws {
        while true {
            let after = last.withLock { $0 }
            let page = try PostgresReader.changes(db, after: after, limit: 1000)
            guard !page.isEmpty else { return }
            try deliver(page)
            last.withLock { $0 = page.last!.seq }
            if page.count < 1000 { return }
        }
    }
}
