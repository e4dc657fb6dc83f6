import FolioContent
import FolioHTTP
import Synchronization

/// An encoded 200 response, built once per snapshot and canonical request: the body, strong
/// ETags for it and each content coding, and the header lines ready to write. Shared; immutable
/// but for the encoded bodies, each made the first time a client that accepts it asks, and kept
/// (compressing every miss whether or not the client wanted it was 63 % of the long-tail CPU,
/// issue 15).
public final class Representation: Sendable {
    let body: [UInt8]
    /// Each coding's body and 200 header lines, by `ContentCoding.rawValue`, once a client asked
    /// (nil before, and always for small bodies).
    private let encodings = Mutex<[(body: [UInt8], headers: [UInt8])?]>([nil, nil, nil])
    /// Each coding's 304 header lines, made the first time one is sent.
    private let encodedNotModified = Mutex<[[UInt8]?]>([nil, nil, nil])
    let etag: String
    /// Strong ETags of the encoded bodies, by `ContentCoding.rawValue`.
    let encodedETags: [String]
    let lastModified: Int64?
    let plainHeaders: [UInt8]
    let notModifiedHeaders: [UInt8]
    /// What the header lines are made of (a coding's are made when it is first asked for: making
    /// all eight sets on every miss was 4 % of a long-tail miss, issue 15).
    private let contentType: String
    private let vary: String?
    private let extraHeaders: [UInt8]

    /// Bytes this entry holds, for the cache's byte bound: fixed when it is made, so it counts
    /// the encoded bodies it may come to hold at half the body (JSON articles compress to
    /// between a fifth and a third; clients rarely use more than two codings).
    let cost: Int

    /// Bodies at least this large are sent compressed to clients that accept a coding.
    static let compressThreshold = 1024
    var compressible: Bool { body.count >= Self.compressThreshold }

    /// How a gzip body is made from a stored one without compressing it again (article pages).
    let stitch: GzipStitch?

    init(body: [UInt8], contentType: String, lastModified: Int64?, extraHeaders: [UInt8] = [], vary: String? = nil,
         policy: HeaderPolicy, stitch: GzipStitch? = nil) {
        self.body = body
        self.stitch = stitch
        self.contentType = contentType
        self.vary = vary
        self.extraHeaders = extraHeaders
        // With a stored body inside, its digest stands for its bytes: the tag hashes ~4 KB, not 15.
        let hash = stitch.map { Digest.sha256Prefix(Self.etagBasis(body, $0)) } ?? Digest.sha256Prefix(body)
        etag = "\"" + hash + "\""
        encodedETags = ContentCoding.allCases.map { "\"" + hash + $0.etagSuffix + "\"" }
        self.lastModified = lastModified
        plainHeaders = Self.headers(etag: etag, coding: nil, notModified: false, contentType: contentType, lastModified: lastModified,
                                    vary: vary, extraHeaders: extraHeaders, policy: policy)
        notModifiedHeaders = Self.headers(etag: etag, coding: nil, notModified: true, contentType: contentType,
                                          lastModified: lastModified, vary: vary, extraHeaders: extraHeaders, policy: policy)
        cost = body.count + (body.count >= Self.compressThreshold ? body.count / 2 : 0) + plainHeaders.count * 2 + 256
    }

    private static func headers(etag: String, coding: ContentCoding?, notModified: Bool, contentType: String, lastModified: Int64?,
                                vary: String?, extraHeaders: [UInt8], policy: HeaderPolicy) -> [UInt8] {
        var r = HTTPResponse(status: 200)
        if !notModified { r.addContentType(contentType) }
        if let coding, !notModified { r.addHeader("Content-Encoding", coding.token) }
        r.addHeader("ETag", etag)
        if let lastModified { r.addHeader("Last-Modified", HTTPDate.format(lastModified)) }
        r.addHeader("Cache-Control", policy.cacheControl)
        r.addHeader("Vary", vary ?? policy.vary)
        r.headerBytes.append(contentsOf: policy.staticCORS)
        if !notModified { r.headerBytes.append(contentsOf: extraHeaders) }
        return r.headerBytes
    }

    private func headers(_ coding: ContentCoding, notModified: Bool, policy: HeaderPolicy) -> [UInt8] {
        Self.headers(etag: encodedETags[coding.rawValue], coding: coding, notModified: notModified, contentType: contentType,
                     lastModified: lastModified, vary: vary, extraHeaders: extraHeaders, policy: policy)
    }

    /// What a stitched body's ETag hashes: the bytes around the stored body, and the stored
    /// body's length and digest in its place.
    static func etagBasis(_ body: [UInt8], _ stitch: GzipStitch) -> [UInt8] {
        var basis = [UInt8]()
        basis.reserveCapacity(body.count - stitch.range.count + 32)
        basis.append(contentsOf: body[..<stitch.range.lowerBound])
        basis.append(0)
        ServedBody.appendUInt32(UInt32(stitch.range.count), to: &basis)
        basis.append(contentsOf: stitch.body.digest)
        basis.append(contentsOf: body[stitch.range.upperBound...])
        return basis
    }

    /// Whether the body in `coding` has been made (for tests).
    func holdsEncodedBody(_ coding: ContentCoding) -> Bool { encodings.withLock { $0[coding.rawValue] != nil } }

    /// The body in `coding` and its header lines, compressed now if no client asked for it
    /// before. (Two loops asking at once may both compress; one result is kept.) Nil if the
    /// library fails: the plain body is sent.
    func encoded(_ coding: ContentCoding, policy: HeaderPolicy) -> (body: [UInt8], headers: [UInt8])? {
        if let done = encodings.withLock({ $0[coding.rawValue] }) { return done }
        let stitched = coding == .gzip ? stitch?.gzip(body, level: policy.gzipLevel) : nil
        guard let made = stitched ?? coding.encode(body, policy: policy) else { return nil }
        let entry = (body: made, headers: headers(coding, notModified: false, policy: policy))
        return encodings.withLock { stored in
            if let kept = stored[coding.rawValue] { return kept }
            stored[coding.rawValue] = entry
            return entry
        }
    }

    private func notModifiedHeaders(_ coding: ContentCoding, policy: HeaderPolicy) -> [UInt8] {
        if let done = encodedNotModified.withLock({ $0[coding.rawValue] }) { return done }
        let made = headers(coding, notModified: true, policy: policy)
        encodedNotModified.withLock { $0[coding.rawValue] = made }
        return made
    }

    /// The response for `request`: 304 when its validators match, else the body in the coding
    /// Accept-Encoding picks (identity when none, or when the body is small).
    func response(for request: HTTPRequest, policy: HeaderPolicy) -> HTTPResponse {
        let coding = compressible ? AcceptEncoding.choose(request.headerBytes("accept-encoding")) : nil
        var response: HTTPResponse
        if isNotModified(request) {
            response = HTTPResponse(status: 304, headerBytes: coding.map { notModifiedHeaders($0, policy: policy) } ?? notModifiedHeaders)
        } else if let coding, let encoded = encoded(coding, policy: policy) {
            response = HTTPResponse(status: 200, headerBytes: encoded.headers, body: encoded.body)
        } else {
            response = HTTPResponse(status: 200, headerBytes: plainHeaders, body: body)
        }
        policy.addDynamicCORS(to: &response, request: request)
        return response
    }

    /// Whether `request`'s validators match (any coding's tag counts).
    func isNotModified(_ request: HTTPRequest) -> Bool {
        Conditional.notModified(request, etag: etag, alternates: encodedETags, lastModified: lastModified)
    }
}

