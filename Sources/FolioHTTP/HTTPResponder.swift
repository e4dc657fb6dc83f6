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

/// A minimal RFC 9457 problem+json body, written without a JSON library (the HTTP layer knows none).
public enum ProblemResponse {
    public static func make(status: Int, detail: String, instance: String? = nil) -> HTTPResponse {
        var body = "{\"type\":\"about:blank\",\"title\":\"\(escape(HTTPStatus.reason(status)))\",\"status\":\(status),\"detail\":\"\(escape(detail))\""
        if let instance { body += ",\"instance\":\"\(escape(instance))\"" }
        body += "}"
        return HTTPResponse(status: status, contentType: "application/problem+json", body: Array(body.utf8))
    }

    /// `s` as a JSON string literal body (no quotes): quote, backslash, `<`, controls and
    /// U+2028/U+2029 escaped, so the text is safe in JSON and inside HTML.
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<", "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}":
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
