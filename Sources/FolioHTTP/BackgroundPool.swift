import Foundation
import Synchronization

/// A few threads of their own, at `BackgroundThread.nice`, for deferred work that may read the
/// disk at length (feeds, lists with bodies). Their own, because a thread's nice value sticks to
/// it and an unprivileged process cannot raise it again: lowering Dispatch's shared threads
/// would slow every later job on them, writes included. Jobs run in arrival order.
final class BackgroundPool: Sendable {
    static let shared = BackgroundPool(threads: 2, name: "folio-background", lowered: true)
    /// Threads for reads that wait for the disk (a cache miss whose body is not in memory), at
    /// normal priority: a few, so that they keep the disk busy without crowding out the writes'
    /// fsyncs (sixteen did, in a trial: RESULTS.md 2026-12-03).
    static let reads = BackgroundPool(threads: 4, name: "folio-read", lowered: false)

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let ready = DispatchSemaphore(value: 0)

    init(threads: Int, name: String, lowered: Bool) {
        for i in 0..<threads {
            let thread = Thread { [self] in
                if lowered { BackgroundThread.lowerPriority() }
                while true {
                    ready.wait()
                    let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    job?()
                }
            }
            thread.name = "\(name)-\(i)"
            thread.start()
        }
    }

    func async(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        ready.signal()
    }
}
