import FolioHTTP

/// An encoded 200 response, built once per snapshot and canonical request: the body, its gzip
/// form, strong ETags for both, and the header lines ready to write. Immutable and shared.
public final class Representation: Sendable {
    let body: [UInt8]
    let gzipBody: [UInt8]?
    let etag: String
    let gzipETag: String
    let lastModified: Int64?
    let plainHeaders: [UInt8]
    let gzipHeaders: [UInt8]?
    let notModifiedHeaders: [UInt8]
    let gzipNotModifiedHeaders: [UInt8]

    /// Bytes this entry holds, for the cache's byte bound.
    var cost: Int { body.count + (gzipBody?.count ?? 0) + plainHeaders.count * 2 + 256 }

    /// Bodies at least this large are also stored gzip-compressed.
    static let gzipThreshold = 1024

    init(body: [UInt8], contentType: String, lastModified: Int64?, extraHeaders: [UInt8] = [], vary: String? = nil,
         policy: HeaderPolicy) {
        self.body = body
        let hash = Digest.sha256Prefix(body)
        etag = "\"" + hash + "\""
        gzipETag = "\"" + hash + "-gz\""
        self.lastModified = lastModified
        let gz = body.count >= Self.gzipThreshold ? Gzip.compress(body) : nil
        gzipBody = gz

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
        gzipHeaders = gz == nil ? nil : headers(etag: gzipETag, encoding: true, notModified: false)
        gzipNotModifiedHeaders = headers(etag: gzipETag, encoding: true, notModified: true)
    }

    /// The response for `request`: 304 when its validators match, gzip when it accepts gzip.
    func response(for request: HTTPRequest, policy: HeaderPolicy) -> HTTPResponse {
        let wantsGzip = gzipBody != nil && AcceptEncoding.acceptsGzip(request.headerBytes("accept-encoding"))
        var response: HTTPResponse
        if isNotModified(request) {
            response = HTTPResponse(status: 304, headerBytes: wantsGzip ? gzipNotModifiedHeaders : notModifiedHeaders)
        } else if wantsGzip, let gzipBody, let gzipHeaders {
            response = HTTPResponse(status: 200, headerBytes: gzipHeaders, body: gzipBody)
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
