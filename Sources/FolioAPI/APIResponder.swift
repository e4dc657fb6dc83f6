public import FolioHTTP

/// Folio's responder: the API router first, then static files from Public/, then 404.
/// Every error is an RFC 9457 problem+json body.
public final class APIResponder: HTTPResponder {
    /// A route handler: runs on the event loop, must not block.
    public typealias Handler = @Sendable (HTTPRequest, RouteParameters) -> HTTPResponse

    let router: Router<Handler>
    let staticFiles: StaticFiles?
    let policy: HeaderPolicy

    public init(router: Router<Handler>, staticFiles: StaticFiles?, policy: HeaderPolicy = HeaderPolicy()) {
        self.router = router
        self.staticFiles = staticFiles
        self.policy = policy
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        if request.method == .options { return options(request, path: path) }
        switch router.match(request.method, path: path[...]) {
        case .found(let handler, let params, _):
            return handler(request, params)
        case .methodNotAllowed(let allow):
            var r = Problem.response(405, detail: "\(request.method.name) is not allowed here; allowed: \(allow)", instance: path)
            r.addHeader("Allow", allow)
            return r
        case .notFound:
            if request.method == .get || request.method == .head, let file = staticFiles?.response(for: request) {
                return file
            }
            if request.method != .get, request.method != .head, staticFiles?.response(for: request) != nil {
                var r = Problem.response(405, detail: "static files answer GET and HEAD only", instance: path)
                r.addHeader("Allow", "GET, HEAD")
                return r
            }
            return Problem.response(404, detail: "no resource at this path", instance: path)
        }
    }

    /// OPTIONS: a CORS preflight (or a plain capabilities answer) for paths that exist.
    func options(_ request: HTTPRequest, path: String) -> HTTPResponse {
        var allow: String?
        switch router.match(.get, path: path[...]) {
        case .found: allow = "GET, HEAD, OPTIONS"
        case .methodNotAllowed(let a): allow = a + ", OPTIONS"
        case .notFound:
            if path == "*" || staticFiles?.response(for: request) != nil { allow = "GET, HEAD, OPTIONS" }
        }
        if case .methodNotAllowed(let a) = router.match(.put, path: path[...]), allow != nil {
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

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}":
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
