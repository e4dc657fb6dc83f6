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
    /// Metrics slots past the router's routes, and every slot's label (route pattern, "OPTIONS",
    /// "static", "unmatched").
    let optionsSlot: Int, staticSlot: Int, unmatchedSlot: Int
    let labels: [String]

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
        labels = router.routes.map(\.pattern) + ["OPTIONS", "static", "unmatched"]
        self.staticFiles = staticFiles
        self.policy = policy
        self.metrics = metrics
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = metrics == nil ? 0 : request.receivedMicros > 0 ? request.receivedMicros : MonotonicClock.micros()
        var slot = 0
        let response = route(request, slot: &slot)
        guard let metrics else { return response }
        guard response.deferred != nil else {
            metrics.record(slot: slot, label: labels[slot], status: response.status, micros: MonotonicClock.micros() - started,
                           loop: request.loopIndex)
            return response
        }
        // A deferred response is counted on the worker thread that computes it.
        let loop = request.loopIndex, routeSlot = slot, label = labels[slot]
        return response.map { response in
            metrics.record(slot: routeSlot, label: label, status: response.status, micros: MonotonicClock.micros() - started, loop: loop)
            return response
        }
    }

    /// The response; `slot` is set to its metrics slot (the route's index, or the OPTIONS, static
    /// or unmatched slot).
    func route(_ request: HTTPRequest, slot: inout Int) -> HTTPResponse {
        if request.method == .options {
            slot = optionsSlot
            return options(request, path: request.path)
        }
        switch router.match(request.method, pathBytes: request.pathBytes) {
        case .found(let handler, let params, let route):
            slot = route.index
            return handler(request, params)
        case .methodNotAllowed(let allow):
            slot = unmatchedSlot
            let path = request.path
            var r = ProblemResponse.make(status: 405, detail: "\(request.method.name) is not allowed here; allowed: \(allow)", instance: path)
            r.addHeader("Allow", allow)
            return r
        case .notFound:
            if request.method == .get || request.method == .head, let file = staticFiles?.response(for: request) {
                slot = staticSlot
                return file
            }
            let path = request.path
            if request.method != .get, request.method != .head, staticFiles?.response(for: request) != nil {
                slot = staticSlot
                var r = ProblemResponse.make(status: 405, detail: "static files answer GET and HEAD only", instance: path)
                r.addHeader("Allow", "GET, HEAD")
                return r
            }
            slot = unmatchedSlot
            return ProblemResponse.make(status: 404, detail: "no resource at this path", instance: path)
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
        guard let allow else { return ProblemResponse.make(status: 404, detail: "no resource at this path", instance: path) }
        return policy.preflight(request: request, allow: allow)
    }

    public func errorResponse(status: Int, detail: String) -> HTTPResponse {
        ProblemResponse.make(status: status, detail: detail)
    }
}
