public import FolioHTTP

/// An error a handler answers with: status, a human detail, and per-parameter messages for 400/422.
public struct APIError: Error, Sendable {
    public var status: Int
    public var detail: String
    public var errors: [(parameter: String, message: String)]
    /// Seconds for a Retry-After header (503, 429).
    public var retryAfter: Int?
    /// Other header lines (WWW-Authenticate, …).
    public var headers: [(String, String)] = []
    /// JSON Pointer errors of a 422 (`errors: [{pointer, detail}]`) instead of parameter ones.
    public var pointers: [(pointer: String, detail: String)] = []
    /// The resource's current revision, in a 412's problem.
    public var currentRevision: Int?

    public init(_ status: Int, _ detail: String, errors: [(parameter: String, message: String)] = []) {
        self.status = status
        self.detail = detail
        self.errors = errors
    }

    /// A 400 naming one bad parameter.
    public static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(400, "invalid parameter \"\(name)\": \(message)", errors: [(name, message)])
    }

    public static func notFound(_ what: String) -> APIError { APIError(404, what) }

    public func response(instance: String?) -> HTTPResponse {
        let items = errors.map { ProblemResponse.Item.parameter($0.parameter, message: $0.message) }
            + pointers.map { ProblemResponse.Item.pointer($0.pointer, detail: $0.detail) }
        var r = ProblemResponse.make(status: status, detail: detail, instance: instance, errors: items, revision: currentRevision)
        if let retryAfter { r.addHeader("Retry-After", String(retryAfter)) }
        for (name, value) in headers { r.addHeader(name, value) }
        return r
    }
}
