import CFolioShim

/// Scheduling for threads that do background work next to the event loops (searches): a higher
/// nice value, so that when cores are short the kernel runs the loops first and a search waits,
/// rather than `/healthz` and cached reads waiting behind a search.
public enum BackgroundThread {
    /// Nice value for background threads (the loops keep 0).
    public static let nice: Int32 = 10

    /// Lowers the calling thread's priority to `nice`; a failure (a sandbox refusing it) is ignored.
    public static func lowerPriority() {
        _ = folio_set_thread_nice(nice)
    }

}
