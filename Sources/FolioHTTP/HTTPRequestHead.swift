/// Where one header field's name and value lie inside the head bytes.
public struct HTTPFieldRange: Sendable, Equatable {
    public var nameStart: Int32
    public var nameEnd: Int32
    public var valueStart: Int32
    public var valueEnd: Int32
}

/// How the body of a request is delimited (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
}

/// The parsed request line and the framing facts of a request head.
/// Offsets are relative to the first byte of the head (leading empty lines excluded).
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    public var version: HTTPVersion
    /// Offset of the first head byte in the input (after skipped empty lines).
    public var start: Int
    /// Bytes of input consumed by the head, including skipped empty lines and the final CRLF.
    public var consumed: Int
    public var pathStart: Int
    public var pathEnd: Int
    /// The query follows `?`; empty range when there is none.
    public var queryStart: Int
    public var queryEnd: Int
    public var framing: HTTPBodyFraming
    public var keepAlive: Bool
    public var expectContinue: Bool
    /// Which field names the head may hold (`FieldNameSummary`): a lookup of an absent name
    /// is answered without scanning the fields.
    public var fieldNames: UInt64 = .max
}

/// A 64-bit summary of a head's field names, one bit per (length, first byte, last byte) class:
/// a clear bit proves a name absent; a set bit means "look". The mix keeps the names the server
/// looks up (Accept, Accept-Encoding, If-None-Match, If-Modified-Since, Origin, X-Request-Id)
/// apart from each other and from the fields browsers and proxies usually send (checked by a test).
public enum FieldNameSummary {
    @inline(__always)
    public static func bit(length: Int, first: UInt8, last: UInt8) -> UInt64 {
        1 &<< UInt64(truncatingIfNeeded: (length &+ 5 &* Int(first | 0x20) &+ 27 &* Int(last | 0x20)) & 63)
    }

    /// The bit of a lowercase name.
    @inline(__always)
    static func bit(_ name: StaticString) -> UInt64 {
        let n = name.utf8CodeUnitCount
        return n == 0 ? .max : bit(length: n, first: name.utf8Start[0], last: name.utf8Start[n - 1])
    }
}

/// The outcome of one parse attempt: a complete head, a need for more bytes, or a refusal.
public enum HTTPHeadParseResult: Sendable, Equatable {
    case complete(HTTPRequestHead)
    case needMore
    case failure(HTTPParseError)
}
