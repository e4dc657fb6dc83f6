import Foundation
import Synchronization

/// A few threads of their own, at `BackgroundThread.nice`, for deferred work that may read the
/// disk at length (feeds, lists with bodies). Their own, because a thread's nice value sticks to
/// it and an unprivileged process cannot raise it again: lowering Dispatch's shared threads
/// would slow every later job on them, writes included. Jobs run in arrival order.
final class BackgroundPool: Sendable {
    static let shared = BackgroundPool(threads: 2)

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let ready = DispatchSemaphore(value: 0)

    init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [self] in
                BackgroundThread.lowerPriority()
                while true {
                    ready.wait()
                    let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    job?()
                }
            }
            thread.name = "folio-background-\(i)"
            thread.start()
        }
    }

    func async(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        ready.signal()
    }
}
