import Glibc

/// SIGTERM and SIGINT, received synchronously by the main thread with sigwait(2).
enum Signals {
    /// Blocks SIGTERM and SIGINT in this thread and every thread it starts afterwards.
    static func blockTermination() {
        var set = terminationSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for SIGTERM or SIGINT; returns the signal number.
    static func waitForTermination() -> Int32 {
        var set = terminationSet()
        var signal: Int32 = 0
        sigwait(&set, &signal)
        return signal
    }

    private static func terminationSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }
}
