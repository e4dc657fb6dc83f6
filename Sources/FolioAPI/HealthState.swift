public import FolioHTTP
import FolioJSON
import Synchronization

/// Liveness and readiness: ready once content is loaded, not ready again while draining.
public final class HealthState: Sendable {
    private let ready = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)
    /// Why the server serves but is not whole (a replica that lost its database), asked on each
    /// `/readyz`; nil when it is whole.
    private let degradation = Mutex<(@Sendable () -> String?)?>(nil)

    public init() {}

    public func markReady() { ready.store(true, ordering: .releasing) }
    public func markDraining() { draining.store(true, ordering: .releasing) }

    public var isReady: Bool { ready.load(ordering: .acquiring) && !draining.load(ordering: .acquiring) }

    /// `reason` says why the server is degraded (still serving, 200 with `"status":"degraded"`).
    public func reportDegradation(_ reason: @escaping @Sendable () -> String?) {
        degradation.withLock { $0 = reason }
    }

    /// Adds `/healthz` and `/readyz` to a router.
    public func install(into router: inout Router<APIResponder.Handler>) {
        router.add(.get, "/healthz") { _, _ in
            HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: Array(#"{"status":"ok"}"#.utf8))
        }
        router.add(.get, "/readyz") { [self] _, _ in
            if isReady {
                if let reason = degradation.withLock({ $0 })?() {
                    var w = JSONWriter(capacity: 128)
                    w.beginObject()
                    w.field("status", "degraded")
                    w.field("reason", reason)
                    w.endObject()
                    return HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: w.bytes)
                }
                return HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: Array(#"{"status":"ready"}"#.utf8))
            }
            var r = ProblemResponse.make(status: 503, detail: "not ready: starting or draining", instance: "/readyz")
            r.addHeader("Retry-After", "1")
            return r
        }
    }
}
