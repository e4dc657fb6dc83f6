/// Why a request was refused by the parser: the status to answer with and a human reason.
/// Every parse error closes the connection after the answer.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let reason: String

    public init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status) \(reason)" }

    static let badRequestLine = HTTPParseError(400, "malformed request line")
    static let badTarget = HTTPParseError(400, "malformed request target")
    static let badVersion = HTTPParseError(400, "malformed HTTP version")
    static let unsupportedVersion = HTTPParseError(505, "only HTTP/1.0 and HTTP/1.1 are supported")
    static let requestLineTooLong = HTTPParseError(414, "request line too long")
    static let headersTooLarge = HTTPParseError(431, "header block too large")
    static let tooManyHeaders = HTTPParseError(431, "too many header fields")
    static let obsFold = HTTPParseError(400, "obsolete line folding is not allowed")
    static let badFieldName = HTTPParseError(400, "malformed header field name")
    static let spaceBeforeColon = HTTPParseError(400, "whitespace between header field name and colon")
    static let badFieldValue = HTTPParseError(400, "invalid character in header field value")
    static let bareCR = HTTPParseError(400, "bare CR in request")
    static let bareLF = HTTPParseError(400, "bare LF line ending in request")
    static let missingHost = HTTPParseError(400, "missing Host header")
    static let duplicateHost = HTTPParseError(400, "duplicate Host header")
    static let badHost = HTTPParseError(400, "malformed Host header")
    static let badContentLength = HTTPParseError(400, "malformed Content-Length")
    static let duplicateContentLength = HTTPParseError(400, "duplicate Content-Length")
    static let lengthAndChunked = HTTPParseError(400, "Content-Length together with Transfer-Encoding")
    static let badTransferEncoding = HTTPParseError(400, "Transfer-Encoding must end with chunked")
    static let unknownTransferCoding = HTTPParseError(501, "unsupported transfer coding")
    static let transferEncodingOnHTTP10 = HTTPParseError(400, "Transfer-Encoding in an HTTP/1.0 request")
    static let unknownMethod = HTTPParseError(501, "method not implemented")
    static let expectationFailed = HTTPParseError(417, "unsupported expectation")
    static let bodyTooLarge = HTTPParseError(413, "request body too large")
    static let badChunkSize = HTTPParseError(400, "malformed chunk size")
    static let badChunkExtension = HTTPParseError(400, "malformed chunk extension")
    static let chunkExtensionTooLong = HTTPParseError(400, "chunk extension too long")
    static let badChunkTerminator = HTTPParseError(400, "chunk data not followed by CRLF")
    static let trailerTooLarge = HTTPParseError(431, "trailer section too large")
}
