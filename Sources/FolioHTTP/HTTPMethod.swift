/// An HTTP request method. Known methods are cases; any other token is `.other`.
public enum HTTPMethod: Sendable, Hashable {
    case get, head, post, put, patch, delete, options, trace, connect
    case other

    /// Matches the method token `bytes` (case-sensitive, RFC 9110 §9.1).
    static func from(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        switch bytes.count {
        case 3:
            if bytes[0] == 0x47, bytes[1] == 0x45, bytes[2] == 0x54 { return .get }
            if bytes[0] == 0x50, bytes[1] == 0x55, bytes[2] == 0x54 { return .put }
        case 4:
            if equals(bytes, "HEAD") { return .head }
            if equals(bytes, "POST") { return .post }
        case 5:
            if equals(bytes, "PATCH") { return .patch }
            if equals(bytes, "TRACE") { return .trace }
        case 6:
            if equals(bytes, "DELETE") { return .delete }
        case 7:
            if equals(bytes, "OPTIONS") { return .options }
            if equals(bytes, "CONNECT") { return .connect }
        default: break
        }
        return .other
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for i in 0..<bytes.count where bytes[i] != p[i] { return false }
        return true
    }

    /// The method's name as sent on the wire.
    public var name: String { token.description }

    /// The method's name as a static string (no allocation: access log, response heads).
    public var token: StaticString {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .patch: "PATCH"
        case .delete: "DELETE"
        case .options: "OPTIONS"
        case .trace: "TRACE"
        case .connect: "CONNECT"
        case .other: "OTHER"
        }
    }
}

/// The protocol version of a request; only HTTP/1.0 and HTTP/1.1 are served.
public enum HTTPVersion: Sendable, Hashable {
    case http10, http11
}
