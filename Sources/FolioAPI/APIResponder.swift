public import FolioHTTP

/// Folio's responder: the API router first, then static files from Public/, then 404.
/// Every error is an RFC 9457 problem+json body.
public final class APIResponder: HTTPResponder {
    /// A route handler: runs on the event loop, must not block.
    public typealias Handler = @Sendable (HTTPRequest, RouteParameters) -> HTTPResponse

    let router: Router<Handler>
    let staticFiles: StaticFiles?
    let policy: HeaderPolicy
    let metrics: Metrics?
    let requestIDs = RequestIDGenerator()
    /// Metrics slots past the router's routes.
    let optionsSlot: Int, staticSlot: Int, unmatchedSlot: Int

    /// `metrics`, when given, counts every request and answers `GET /metrics`.
    public init(router: Router<Handler>, staticFiles: StaticFiles?, policy: HeaderPolicy = HeaderPolicy(), metrics: Metrics? = nil) {
        var router = router
        if let metrics {
            router.add(.get, "/metrics") { _, _ in
                var r = HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
                r.addHeader("Cache-Control", "no-store")
                return r
            }
        }
        self.router = router
        optionsSlot = router.routes.count
        staticSlot = router.routes.count + 1
        unmatchedSlot = router.routes.count + 2
        self.staticFiles = staticFiles
        self.policy = policy
        self.metrics = metrics
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = metrics == nil ? 0 : request.receivedMicros > 0 ? request.receivedMicros : MonotonicClock.micros()
        var (response, slot, label) = route(request)
        let id = requestIDs.id(for: request)
        guard response.deferred != nil else {
            // Finished in place (no copy of the response on the hot path).
            response.requestID = id
            metrics?.record(slot: slot, label: label, status: response.status, micros: MonotonicClock.micros() - started, loop: request.loopIndex)
            return response
        }
        let metrics = self.metrics, loop = request.loopIndex, routeSlot = slot, routeLabel = label
        return response.map { Self.finish($0, id: id, slot: routeSlot, label: routeLabel, started: started, loop: loop, metrics: metrics) }
    }

    /// Sets the request id (written as `X-Request-Id`) and records metrics (for deferred responses,
    /// on the worker thread that computed them).
    static func finish(_ response: HTTPResponse, id: RequestID, slot: Int, label: String, started: Int64, loop: Int,
                       metrics: Metrics?) -> HTTPResponse {
        var response = response
        response.requestID = id
        metrics?.record(slot: slot, label: label, status: response.status, micros: MonotonicClock.micros() - started, loop: loop)
        return response
    }

    /// The response, and the metrics slot and label of its route (the pattern, "OPTIONS", "static"
    /// or "unmatched").
    func route(_ request: HTTPRequest) -> (HTTPResponse, Int, String) {
        if request.method == .options { return (options(request, path: request.path), optionsSlot, "OPTIONS") }
        switch router.match(request.method, pathBytes: request.pathBytes) {
        case .found(let handler, let params, let route):
            return (handler(request, params), route.index, route.pattern)
        case .methodNotAllowed(let allow):
            let path = request.path
            var r = Problem.response(405, detail: "\(request.method.name) is not allowed here; allowed: \(allow)", instance: path)
            r.addHeader("Allow", allow)
            return (r, unmatchedSlot, "unmatched")
        case .notFound:
            if request.method == .get || request.method == .head, let file = staticFiles?.response(for: request) {
                return (file, staticSlot, "static")
            }
            let path = request.path
            if request.method != .get, request.method != .head, staticFiles?.response(for: request) != nil {
                var r = Problem.response(405, detail: "static files answer GET and HEAD only", instance: path)
                r.addHeader("Allow", "GET, HEAD")
                return (r, staticSlot, "static")
            }
            return (Problem.response(404, detail: "no resource at this path", instance: path), unmatchedSlot, "unmatched")
        }
    }

    /// OPTIONS: a CORS preflight (or a plain capabilities answer) for paths that exist.
    func options(_ request: HTTPRequest, path: String) -> HTTPResponse {
        var allow: String?
        switch router.match(.get, path: path) {
        case .found: allow = "GET, HEAD, OPTIONS"
        case .methodNotAllowed(let a): allow = a + ", OPTIONS"
        case .notFound:
            if path == "*" || staticFiles?.response(for: request) != nil { allow = "GET, HEAD, OPTIONS" }
        }
        if case .methodNotAllowed(let a) = router.match(.put, path: path), allow != nil {
            allow = a.contains("PUT") || a.contains("DELETE") ? a + ", OPTIONS" : allow
        }
        guard let allow else { return Problem.response(404, detail: "no resource at this path", instance: path) }
        return policy.preflight(request: request, allow: allow)
    }

    public func errorResponse(status: Int, detail: String) -> HTTPResponse {
        Problem.response(status, detail: detail, instance: nil)
    }
}

/// RFC 9457 problem details for every error the API gives.
public enum Problem {
    public static func response(_ status: Int, detail: String, instance: String?, errors: [(parameter: String, message: String)] = []) -> HTTPResponse {
        var w = "{\"type\":\"about:blank\",\"title\":" + quoted(HTTPStatus.reason(status)) + ",\"status\":\(status),\"detail\":" + quoted(detail)
        if let instance { w += ",\"instance\":" + quoted(instance) }
        if !errors.isEmpty {
            w += ",\"errors\":[" + errors.map { "{\"parameter\":" + quoted($0.parameter) + ",\"message\":" + quoted($0.message) + "}" }.joined(separator: ",") + "]"
        }
        w += "}"
        var r = HTTPResponse(status: status, contentType: "application/problem+json", body: Array(w.utf8))
        r.addHeader("Cache-Control", "no-store")
        return r
    }

    static func quoted(_ s: String) -> String { "\"" + ProblemResponse.escape(s) + "\"" }
}
