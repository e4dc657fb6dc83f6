import FolioHTTP

/// Cross-cutting response settings from the configuration: Cache-Control, Vary, CORS and the
/// compression levels.
/// With the default origin `*`, the CORS header is static and baked into cached headers;
/// with a list of origins, it is added per request when the Origin is listed.
public struct HeaderPolicy: Sendable {
    public var cacheControl: String
    public var corsOrigins: [String]
    /// The header that names a cached response's dependency keys for a CDN to purge by
    /// (`Surrogate-Key` for Fastly, `Cache-Tag` for Cloudflare); nil sends none.
    public var surrogateKeyHeader: String?
    /// libdeflate level for gzip bodies (1–9). Level 2 by measurement on article responses of
    /// the generated corpus (26 KB, RESULTS.md 2026-12-03): libdeflate 1 ratio 4.12 in 108 µs,
    /// 2: 4.37 in 172 µs, 4: 4.49 in 189 µs, 6: 4.55 in 236 µs (zlib 2 was 4.09 in 203 µs). A
    /// response is compressed once and kept, so the level is paid by cache misses only.
    public var gzipLevel: Int32
    /// Brotli quality (0–11) and zstd level (1–19); see `ContentCoding` for the measurements.
    public var brotliQuality: Int32
    public var zstdLevel: Int32
    let staticCORS: [UInt8]
    var vary: String { staticCORS.isEmpty ? "Accept-Encoding, Origin" : "Accept-Encoding" }
    /// Vary for responses that also depend on Accept (content negotiation).
    var negotiatedVary: String { staticCORS.isEmpty ? "Accept, Accept-Encoding, Origin" : "Accept, Accept-Encoding" }

    public init(cacheControl: String = "public, max-age=60, stale-while-revalidate=300", corsOrigins: [String] = ["*"],
                surrogateKeyHeader: String? = "Surrogate-Key", gzipLevel: Int32 = 2, brotliQuality: Int32 = 4, zstdLevel: Int32 = 3) {
        self.cacheControl = cacheControl
        self.gzipLevel = max(1, min(9, gzipLevel))
        self.brotliQuality = max(0, min(11, brotliQuality))
        self.zstdLevel = max(1, min(19, zstdLevel))
        self.corsOrigins = corsOrigins
        self.surrogateKeyHeader = surrogateKeyHeader
        var r = HTTPResponse(status: 200)
        if corsOrigins.contains("*") {
            r.addHeader("Access-Control-Allow-Origin", "*")
            r.addHeader("Access-Control-Expose-Headers", "ETag, Link, X-Total-Count, X-Request-Id")
        }
        staticCORS = r.headerBytes
    }

    /// For a configured list of origins: echo the request's Origin when it is listed.
    func addDynamicCORS(to response: inout HTTPResponse, request: HTTPRequest) {
        guard staticCORS.isEmpty, let origin = request.header("origin"), corsOrigins.contains(origin) else { return }
        response.addHeader("Access-Control-Allow-Origin", origin)
        response.addHeader("Access-Control-Expose-Headers", "ETag, Link, X-Total-Count, X-Request-Id")
    }

    /// Headers for responses that are not cached (errors, redirects). With a list of origins the
    /// answer depends on Origin whether or not this one is listed, so it says `Vary: Origin`
    /// (else a shared cache would hand one origin's answer to another).
    func addCORS(to response: inout HTTPResponse, request: HTTPRequest) {
        if staticCORS.isEmpty {
            addDynamicCORS(to: &response, request: request)
            response.addHeader("Vary", "Origin")
        } else {
            response.headerBytes.append(contentsOf: staticCORS)
        }
    }

    /// The answer to a CORS preflight (OPTIONS with Access-Control-Request-Method).
    func preflight(request: HTTPRequest, allow: String) -> HTTPResponse {
        var r = HTTPResponse(status: 204)
        let origin = request.header("origin")
        if corsOrigins.contains("*") {
            r.addHeader("Access-Control-Allow-Origin", "*")
        } else if let origin, corsOrigins.contains(origin) {
            r.addHeader("Access-Control-Allow-Origin", origin)
            r.addHeader("Vary", "Origin")
        }
        r.addHeader("Access-Control-Allow-Methods", allow)
        r.addHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, If-None-Match, If-Modified-Since, X-Request-Id")
        r.addHeader("Access-Control-Max-Age", "600")
        r.addHeader("Allow", allow)
        return r
    }
}
