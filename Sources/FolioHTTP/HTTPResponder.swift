/// What the server calls for every parsed request. Implementations must be fast and must not
/// block: they run on the event loop thread that owns the connection.
public protocol HTTPResponder: Sendable {
    /// The response for a complete request. HEAD requests get GET's response; the server drops the body.
    func respond(to request: HTTPRequest) -> HTTPResponse

    /// The response for a request the HTTP layer refused (parse errors, limits, timeouts, overload).
    func errorResponse(status: Int, detail: String) -> HTTPResponse
}

extension HTTPResponder {
    public func errorResponse(status: Int, detail: String) -> HTTPResponse {
        ProblemResponse.make(status: status, detail: detail)
    }
}
