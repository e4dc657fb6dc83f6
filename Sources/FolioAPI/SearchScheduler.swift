import Dispatch
import FolioHTTP
import Foundation
import Synchronization

/// Runs searches on a fixed set of threads, with admission control, so that expensive queries
/// cannot take search (or the server) down:
///
/// - a search is *expensive* when its query has prefix terms or many terms
///   (`SearchQuery.isExpensive`); at most `expensiveWorkers` of the `workers` threads run
///   expensive searches at once, so ordinary ones always have the others;
/// - each class waits in its own bounded FIFO; when it is full the search is refused at once
///   (the caller answers 503 with Retry-After) instead of queueing without end;
/// - a free thread takes an ordinary search before an expensive one.
///
/// Each search runs within its CPU budget (`SearchBudget`), so a thread is never held for
/// long; the bounds together cap how long any search can wait.
public final class SearchScheduler: Sendable {
    /// The scheduler's sizes (the `search` settings).
    public struct Settings: Sendable, Hashable {
        public var workers = 3
        /// 0 refuses every expensive search.
        public var expensiveWorkers = 1
        /// Ordinary searches waiting for a thread before new ones are refused.
        public var maxQueue = 64
        /// Expensive searches waiting before new ones are refused.
        public var maxExpensiveQueue = 4

        public init() {}
    }

    /// One search to run.
    struct Job: Sendable {
        let expensive: Bool
        let run: @Sendable () -> Void
    }

    struct State {
        var ordinary = FIFORing<Job>()
        var expensive = FIFORing<Job>()
        /// Per worker: the job handed to it while it slept.
        var handed: [Job?]
        var idle: [Int] = []
        var runningExpensive = 0
        var started = false
        var refused = 0
        var completed = 0
        var cpuSeconds = 0.0
        var maxCPUSeconds = 0.0
        var stoppedByBudget = 0
    }

    public let settings: Settings
    private let state: Mutex<State>
    private let wakeups: [DispatchSemaphore]

    public init(_ settings: Settings = Settings()) {
        var s = settings
        s.workers = max(1, s.workers)
        s.expensiveWorkers = min(max(0, s.expensiveWorkers), s.workers)
        self.settings = s
        state = Mutex(State(handed: Array(repeating: nil, count: s.workers)))
        wakeups = (0..<s.workers).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Queues `work`; false when its class's queue is full (nothing will run).
    public func submit(expensive: Bool, _ work: @escaping @Sendable () -> Void) -> Bool {
        let job = Job(expensive: expensive, run: work)
        var wake: Int?
        let startThreads: Bool = state.withLock { s in
            let first = !s.started
            s.started = true
            if expensive, settings.expensiveWorkers == 0 {  // expensive searches are switched off
                s.refused += 1
                return first
            }
            if let w = Self.idleWorker(for: job, in: &s, expensiveLimit: settings.expensiveWorkers) {
                s.handed[w] = job
                wake = w
                return first
            }
            if expensive {
                guard s.expensive.count < settings.maxExpensiveQueue else { s.refused += 1; return first }
                s.expensive.push(job)
            } else {
                guard s.ordinary.count < settings.maxQueue else { s.refused += 1; return first }
                s.ordinary.push(job)
            }
            wake = -1
            return first
        }
        if startThreads { start() }
        guard let wake else { return false }
        if wake >= 0 { wakeups[wake].signal() }
        return true
    }

    /// Searches refused because a queue was full, and searches run.
    public var counts: (refused: Int, completed: Int, queued: Int) {
        state.withLock { ($0.refused, $0.completed, $0.ordinary.count + $0.expensive.count) }
    }

    /// What one search cost (CPU seconds on its thread), and whether its budget stopped it.
    public func record(cpuSeconds: Double, stoppedByBudget: Bool) {
        state.withLock { s in
            s.cpuSeconds += cpuSeconds
            s.maxCPUSeconds = max(s.maxCPUSeconds, cpuSeconds)
            if stoppedByBudget { s.stoppedByBudget += 1 }
        }
    }

    /// CPU time of all searches, of the most expensive one, and searches stopped by their budget.
    public var costs: (cpuSeconds: Double, maxCPUSeconds: Double, stoppedByBudget: Int) {
        state.withLock { ($0.cpuSeconds, $0.maxCPUSeconds, $0.stoppedByBudget) }
    }

    /// An idle worker that may take `job` now (marked busy), or nil.
    private static func idleWorker(for job: Job, in s: inout State, expensiveLimit: Int) -> Int? {
        guard !s.idle.isEmpty else { return nil }
        if job.expensive {
            guard s.runningExpensive < expensiveLimit else { return nil }
            s.runningExpensive += 1
        }
        return s.idle.removeLast()
    }

    /// Starts the threads (on the first search, so servers and tests that never search have none).
    private func start() {
        for w in 0..<settings.workers {
            let thread = Thread { [self] in
                BackgroundThread.lowerPriority()
                var next = takeNext(worker: w, after: nil)
                while true {
                    if let job = next {
                        job.run()
                        next = takeNext(worker: w, after: job)
                    } else {
                        wakeups[w].wait()  // signalled only after a job was handed to this worker
                        next = state.withLock { s -> Job? in
                            defer { s.handed[w] = nil }
                            return s.handed[w]
                        }
                    }
                }
            }
            thread.name = "folio-search-\(w)"
            thread.start()
        }
    }

    /// The next job for worker `w` (ordinary first), or nil after marking it idle.
    private func takeNext(worker w: Int, after finished: Job?) -> Job? {
        state.withLock { s -> Job? in
            if let finished {
                s.completed += 1
                if finished.expensive { s.runningExpensive -= 1 }
            }
            if let next = s.ordinary.pop() { return next }
            if s.runningExpensive < settings.expensiveWorkers, let next = s.expensive.pop() {
                s.runningExpensive += 1
                return next
            }
            s.idle.append(w)
            return nil
        }
    }
}
