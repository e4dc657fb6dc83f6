/// Reason phrases and pre-built status lines for the status codes Folio sends.
public enum HTTPStatus {
    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// `HTTP/1.1 200 OK\r\n` as bytes, cached for common codes.
    static func statusLine(_ status: Int) -> [UInt8] {
        if status >= 100, status < 600, let line = lines[status - 100] { return line }
        return Array("HTTP/1.1 \(status) \(reason(status))\r\n".utf8)
    }

    private static let lines: [[UInt8]?] = {
        var table = [[UInt8]?](repeating: nil, count: 500)
        for code in [100, 200, 201, 204, 301, 302, 304, 307, 308, 400, 401, 403, 404, 405, 406, 408, 409, 412,
                     413, 414, 415, 417, 422, 429, 431, 500, 501, 503, 505] {
            table[code - 100] = Array("HTTP/1.1 \(code) \(reason(code))\r\n".utf8)
        }
        return table
    }()

    /// Whether a response with this status carries no body (RFC 9110 §6.4.1).
    static func forbidsBody(_ status: Int) -> Bool { status < 200 || status == 204 || status == 304 }
}
