public import FolioHTTP
import Synchronization

/// Liveness and readiness: ready once content is loaded, not ready again while draining.
public final class HealthState: Sendable {
    private let ready = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)

    public init() {}

    public func markReady() { ready.store(true, ordering: .releasing) }
    public func markDraining() { draining.store(true, ordering: .releasing) }

    public var isReady: Bool { ready.load(ordering: .acquiring) && !draining.load(ordering: .acquiring) }

    /// Adds `/healthz` and `/readyz` to a router.
    public func install(into router: inout Router<APIResponder.Handler>) {
        router.add(.get, "/healthz") { _, _ in
            HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: Array(#"{"status":"ok"}"#.utf8))
        }
        router.add(.get, "/readyz") { [self] _, _ in
            if isReady {
                return HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: Array(#"{"status":"ready"}"#.utf8))
            }
            var r = Problem.response(503, detail: "not ready: starting or draining", instance: "/readyz")
            r.addHeader("Retry-After", "1")
            return r
        }
    }
}
