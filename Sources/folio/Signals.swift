import Glibc

/// SIGTERM, SIGINT and SIGHUP, received synchronously by the main thread with sigwait(2), so
/// none of them runs a handler on an arbitrary thread and SIGHUP never takes its default action
/// (ending the process).
enum Signals {
    /// Blocks the three signals in this thread and every thread it starts afterwards.
    static func block() {
        var set = handledSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for SIGTERM, SIGINT or SIGHUP; returns the signal number.
    static func wait() -> Int32 {
        var set = handledSet()
        var signal: Int32 = 0
        sigwait(&set, &signal)
        return signal
    }

    /// A handled signal that arrived and waits, taken without blocking; nil when none.
    static func poll() -> Int32? {
        var set = handledSet()
        var none = timespec(tv_sec: 0, tv_nsec: 0)
        let signal = sigtimedwait(&set, nil, &none)
        return signal > 0 ? signal : nil
    }

    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    private static func handledSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        return set
    }
}
