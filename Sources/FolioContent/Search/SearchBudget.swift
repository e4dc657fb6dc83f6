import Glibc

/// The CPU time one search request may use, and whether anyone still waits for its answer.
///
/// Measured on the calling thread's CPU clock (`CLOCK_THREAD_CPUTIME_ID`), from `init`: make it on
/// the thread that runs the search, and use it only there. SQLite's progress handler asks
/// `check()` every few thousand virtual-machine steps, so a query stops within a fraction of a
/// millisecond of its budget (work inside one FTS5 step, such as expanding a prefix, is not
/// interruptible; the prefix limits keep that small).
public struct SearchBudget: Sendable {
    public let cpuSeconds: Double
    private let startCPU: Double
    private let cancelled: @Sendable () -> Bool

    public init(cpuSeconds: Double, isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.cpuSeconds = cpuSeconds
        cancelled = isCancelled
        startCPU = Self.threadCPUSeconds()
    }

    /// No limit and never cancelled (tests, tools).
    public static var unlimited: SearchBudget { SearchBudget(cpuSeconds: .infinity) }

    /// CPU seconds used so far on this thread since the budget was made.
    public var used: Double { Self.threadCPUSeconds() - startCPU }

    /// Why the search must stop now, or nil to go on.
    public func check() -> SearchError? {
        if cancelled() { return .cancelled }
        if cpuSeconds.isFinite, used > cpuSeconds {
            return .tooExpensive("the search query needs more than \(Int(cpuSeconds * 1000)) ms of CPU time "
                                 + "(search.cpu_budget_ms); use fewer, longer or more specific terms")
        }
        return nil
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
