import FolioHTTP
import Synchronization

/// An encoded 200 response, built once per snapshot and canonical request: the body, strong
/// ETags for it and its gzip form, and the header lines ready to write. Shared; immutable but for
/// the gzip body, made the first time a client that accepts gzip asks and kept (compressing every
/// miss whether or not the client wanted it was 63 % of the long-tail CPU, issue 15).
public final class Representation: Sendable {
    let body: [UInt8]
    /// The gzip body, once a client asked for it (nil before, and always for small bodies).
    private let gzipBody = Mutex<[UInt8]?>(nil)
    let etag: String
    let gzipETag: String
    let lastModified: Int64?
    let plainHeaders: [UInt8]
    let gzipHeaders: [UInt8]?
    let notModifiedHeaders: [UInt8]
    let gzipNotModifiedHeaders: [UInt8]

    /// Bytes this entry holds, for the cache's byte bound: fixed when it is made, so it counts
    /// the gzip body it may come to hold at a third of the body (JSON articles compress to
    /// between a fifth and a third).
    let cost: Int

    /// Bodies at least this large are sent gzip-compressed to clients that accept it.
    static let gzipThreshold = 1024
    var compressible: Bool { body.count >= Self.gzipThreshold }

    init(body: [UInt8], contentType: String, lastModified: Int64?, extraHeaders: [UInt8] = [], vary: String? = nil,
         policy: HeaderPolicy) {
        self.body = body
        let hash = Digest.sha256Prefix(body)
        etag = "\"" + hash + "\""
        gzipETag = "\"" + hash + "-gz\""
        self.lastModified = lastModified
        let compressible = body.count >= Self.gzipThreshold

        func headers(etag: String, encoding: Bool, notModified: Bool) -> [UInt8] {
            var r = HTTPResponse(status: 200)
            if !notModified { r.addContentType(contentType) }
            if encoding, !notModified { r.addHeader("Content-Encoding", "gzip") }
            r.addHeader("ETag", etag)
            if let lastModified { r.addHeader("Last-Modified", HTTPDate.format(lastModified)) }
            r.addHeader("Cache-Control", policy.cacheControl)
            r.addHeader("Vary", vary ?? policy.vary)
            r.headerBytes.append(contentsOf: policy.staticCORS)
            if !notModified { r.headerBytes.append(contentsOf: extraHeaders) }
            return r.headerBytes
        }
        plainHeaders = headers(etag: etag, encoding: false, notModified: false)
        notModifiedHeaders = headers(etag: etag, encoding: false, notModified: true)
        gzipHeaders = compressible ? headers(etag: gzipETag, encoding: true, notModified: false) : nil
        gzipNotModifiedHeaders = headers(etag: gzipETag, encoding: true, notModified: true)
        cost = body.count + (compressible ? body.count / 3 : 0) + plainHeaders.count * 2 + 256
    }

    /// Whether the gzip body has been made (for tests).
    var holdsGzipBody: Bool { gzipBody.withLock { $0 != nil } }

    /// The gzip body, compressed now if no client asked for it before. (Two loops asking at once
    /// may both compress; one result is kept.) Nil if zlib fails: the plain body is sent.
    func gzipped(level: Int32) -> [UInt8]? {
        if let done = gzipBody.withLock({ $0 }) { return done }
        guard let made = Gzip.compress(body, level: level) else { return nil }
        return gzipBody.withLock { stored in
            if let kept = stored { return kept }
            stored = made
            return made
        }
    }

    /// The response for `request`: 304 when its validators match, gzip when it accepts gzip.
    func response(for request: HTTPRequest, policy: HeaderPolicy) -> HTTPResponse {
        let wantsGzip = compressible && AcceptEncoding.acceptsGzip(request.headerBytes("accept-encoding"))
        var response: HTTPResponse
        if isNotModified(request) {
            response = HTTPResponse(status: 304, headerBytes: wantsGzip ? gzipNotModifiedHeaders : notModifiedHeaders)
        } else if wantsGzip, let gzipHeaders, let gz = gzipped(level: policy.gzipLevel) {
            response = HTTPResponse(status: 200, headerBytes: gzipHeaders, body: gz)
        } else {
            response = HTTPResponse(status: 200, headerBytes: plainHeaders, body: body)
        }
        policy.addDynamicCORS(to: &response, request: request)
        return response
    }

    /// RFC 9110 §13.1.2/§13.1.3: If-None-Match (weak comparison, either encoding's tag) wins over
    /// If-Modified-Since.
    func isNotModified(_ request: HTTPRequest) -> Bool {
        let inm = request.headerValues("if-none-match")  // every line: the field is a list
        if !inm.isEmpty {
            return inm.contains { Conditional.matches($0, etag: etag) || Conditional.matches($0, etag: gzipETag) }
        }
        if let lastModified, let ims = request.header("if-modified-since"), let since = HTTPDate.parse(ims) {
            return lastModified <= since
        }
        return false
    }
}

/// Accept-Encoding (RFC 9110 §12.5.3): does the client take gzip?
enum AcceptEncoding {
    static func acceptsGzip(_ value: ArraySlice<UInt8>?) -> Bool {
        guard let value, value.count >= 1 else { return false }
        var result = false
        var wildcard = false
        for part in value.split(separator: 0x2C) {
            var item = part[...]
            while item.first == 0x20 || item.first == 0x09 { item = item.dropFirst() }
            let semi = item.firstIndex(of: 0x3B) ?? item.endIndex
            var token = item[item.startIndex..<semi]
            while token.last == 0x20 || token.last == 0x09 { token = token.dropLast() }
            let zero = qualityIsZero(item[semi...])
            if token.count == 4, token.elementsEqual("gzip".utf8, by: { $0 | 0x20 == $1 }) {
                return !zero
            }
            if token.count == 6, token.elementsEqual("x-gzip".utf8, by: { $0 | 0x20 == $1 }) { result = !zero }
            if token.count == 1, token.first == 0x2A { wildcard = !zero }
        }
        return result || wildcard
    }

    /// True for `;q=0`, `;q=0.0`, `;q=0.000`.
    static func qualityIsZero(_ params: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: params, as: UTF8.self).replacingOccurrences(of: " ", with: "").lowercased()
        guard let r = text.range(of: "q=") else { return false }
        let q = text[r.upperBound...].prefix { $0 != ";" }
        return Double(q) == 0
    }
}
