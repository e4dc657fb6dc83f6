import FolioJSON

/// RFC 9457 problem details (`application/problem+json`, `Cache-Control: no-store`): the one
/// builder of every error body the server sends, the HTTP layer's refusals and the API's errors.
public enum ProblemResponse {
    /// One entry of a problem's `errors` array: a bad query parameter, or a JSON Pointer into
    /// the request body with what is wrong there.
    public enum Item: Sendable {
        case parameter(String, message: String)
        case pointer(String, detail: String)
    }

    /// `revision`: the resource's current revision, for a 412 (`If-Match` did not match).
    public static func make(status: Int, detail: String, instance: String? = nil, errors: [Item] = [],
                            revision: Int? = nil) -> HTTPResponse {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("type")
        w.string("about:blank")
        w.key("title")
        w.string(HTTPStatus.reason(status))
        w.key("status")
        w.int(status)
        w.key("detail")
        w.string(detail)
        if let instance {
            w.key("instance")
            w.string(instance)
        }
        if !errors.isEmpty {
            w.key("errors")
            w.beginArray()
            for item in errors {
                w.beginObject()
                switch item {
                case .parameter(let name, let message):
                    w.key("parameter")
                    w.string(name)
                    w.key("message")
                    w.string(message)
                case .pointer(let pointer, let detail):
                    w.key("pointer")
                    w.string(pointer)
                    w.key("detail")
                    w.string(detail)
                }
                w.endObject()
            }
            w.endArray()
        }
        if let revision {
            w.key("revision")
            w.int(revision)
        }
        w.endObject()
        var response = HTTPResponse(status: status, contentType: "application/problem+json", body: w.bytes)
        response.addHeader("Cache-Control", "no-store")
        return response
    }
}
