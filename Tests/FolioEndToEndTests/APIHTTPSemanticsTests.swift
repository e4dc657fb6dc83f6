import Foundation
import Testing

/// Cross-cutting HTTP behaviour of every read route: conditional requests (304 by ETag and by
/// date), gzip that decompresses to exactly the plain body, Vary, HEAD equal to GET without a body,
/// CORS (default and configured origins, preflight) and a configured Cache-Control.
@Suite("API HTTP semantics")
struct APIHTTPSemanticsTests {
    static let routes = [
        "/api/v1/articles", "/api/v1/articles?include=body", "/api/v1/articles?per_page=1&fields=slug",
        "/api/v1/articles/\(SampleContent.electionsSlug)", "/api/v1/articles/\(SampleContent.turkiyeSlug)?fields=slug",
        "/api/v1/articles/\(SampleContent.electionsSlug)/related?limit=2", "/api/v1/authors", "/api/v1/authors/javid-valiyev",
        "/api/v1/authors/javid-valiyev/articles?tag=armenia", "/api/v1/tags", "/api/v1/site", "/api/v1/search?q=azerbaijan",
    ]

    /// Every case runs over plain HTTP and over HTTPS (the same server answering on its TLS port).
    static let schemes = ["http", "https"]

    static func withServer(_ config: [String: Any] = ["access_log": false], scheme: String = "http",
                           _ body: (APIServer) throws -> Void) throws {
        let server = try APIServer(config: config, https: scheme == "https")
        #expect(server.tlsVersion == (scheme == "https" ? "TLSv1.3" : nil))
        defer { server.stop() }
        try body(server)
    }

    /// Headers that must be equal between two answers to the same request (all but Date).
    /// Headers that must match between two answers for the same resource (Date and the
    /// per-request X-Request-Id differ by design).
    static func comparable(_ r: Response) -> [String] {
        r.headers.filter { !["date", "x-request-id"].contains($0.0.lowercased()) }.map { "\($0.0.lowercased()): \($0.1)" }.sorted()
    }

    @Test(arguments: schemes) func compressionVaryAndHeadOnEveryRoute(scheme: String) throws {
        try Self.withServer(scheme: scheme) { s in
            for target in Self.routes {
                let plain = try s.get(target)
                API.expectCacheableHeaders(plain, target, vary: API.vary(for: target))
                #expect(plain.header("Content-Encoding") == nil)
                // A browser's Accept-Encoding (zstd preferred), then each coding alone.
                var etags: Set<String> = [plain.header("ETag") ?? ""]
                var gz = plain
                for (accept, coding) in [("gzip, deflate, br, zstd", "zstd"), ("zstd", "zstd"), ("br", "br"), ("gzip", "gzip")] {
                    let r = try s.get(target, [("Accept-Encoding", accept)])
                    #expect(r.status == 200 && r.header("Vary") == API.vary(for: target), "\(target)")
                    #expect(r.header("Content-Length") == String(r.body.count))
                    if plain.body.count >= 1024 {
                        #expect(r.header("Content-Encoding") == coding, "\(target) (\(plain.body.count) bytes), \(accept)")
                        #expect(API.decode(r.body, coding: coding) == plain.body, "\(target): \(coding) decodes to the plain body")
                        #expect(r.body.count < plain.body.count)
                        #expect(r.header("ETag")?.hasPrefix("\"") == true)
                        etags.insert(r.header("ETag") ?? "")
                    } else {
                        #expect(r.header("Content-Encoding") == nil && r.body == plain.body, "\(target): small bodies stay plain")
                        #expect(r.header("ETag") == plain.header("ETag"))
                    }
                    #expect(r.header("Last-Modified") == plain.header("Last-Modified"))
                    #expect(r.header("Content-Type") == plain.header("Content-Type"))
                    if accept == "gzip" { gz = r }
                }
                #expect(etags.count == (plain.body.count >= 1024 ? 4 : 1), "each coding has its own strong ETag: \(target)")

                let head = try s.request("HEAD", target)
                #expect(head.body.isEmpty && Self.comparable(head) == Self.comparable(plain), "\(target): HEAD = GET without body")
                let headGz = try s.request("HEAD", target, headers: [("Accept-Encoding", "gzip")])
                #expect(headGz.body.isEmpty && Self.comparable(headGz) == Self.comparable(gz), "\(target): HEAD gzip")

                let again = try s.get(target)
                #expect(again.body == plain.body && Self.comparable(again) == Self.comparable(plain), "\(target): stable")
            }
            // Accept-Encoding variants.
            let big = "/api/v1/articles?include=body"
            let plain = try s.get(big)
            for (value, coding) in [("gzip", "gzip"), ("GZIP", "gzip"), ("x-gzip", "gzip"), ("*", "zstd"), ("deflate, gzip;q=0.5", "gzip"),
                                    ("gzip;q=0", nil), ("gzip; q=0.000", nil), ("identity", nil), ("br", "br"),
                                    ("br;q=0.4, gzip;q=0.6", "gzip"), ("*;q=0", nil), ("gzip;q=0, *", "zstd"),
                                    ("zstd;q=0, br;q=0, *;q=0.1", "gzip")] as [(String, String?)] {
                let r = try s.get(big, [("Accept-Encoding", value)])
                #expect(r.header("Content-Encoding") == coding, "Accept-Encoding: \(value)")
                #expect((coding.map { API.decode(r.body, coding: $0) } ?? r.body) == plain.body, "Accept-Encoding: \(value)")
                #expect(r.header("Vary") == "Accept-Encoding")
            }
        }
    }

    @Test(arguments: schemes) func conditionalRequestsAnswer304(scheme: String) throws {
        try Self.withServer(scheme: scheme) { s in
            for target in Self.routes {
                let plain = try s.get(target)
                let etag = try #require(plain.header("ETag"))
                let lastModified = try #require(plain.header("Last-Modified"))

                let hit = try s.get(target, [("If-None-Match", etag)])
                #expect(hit.status == 304 && hit.body.isEmpty, "\(target)")
                #expect(hit.header("ETag") == etag && hit.header("Last-Modified") == lastModified)
                #expect(hit.header("Cache-Control") == plain.header("Cache-Control") && hit.header("Vary") == API.vary(for: target))
                #expect(hit.header("Access-Control-Allow-Origin") == "*")
                #expect(hit.header("Content-Encoding") == nil)

                #expect(try s.get(target, [("If-None-Match", "\"nope\", " + etag)]).status == 304, "list of tags")
                #expect(try s.get(target, [("If-None-Match", "W/" + etag)]).status == 304, "weak comparison")
                #expect(try s.get(target, [("If-None-Match", "*")]).status == 304)
                #expect(try s.get(target, [("If-None-Match", "\"nope\"")]).status == 200)
                #expect(try s.get(target, [("If-None-Match", String(etag.dropLast()) + "x\"")]).status == 200)

                let gz = try s.get(target, [("Accept-Encoding", "gzip")])
                let gzTag = try #require(gz.header("ETag"))
                let gzHit = try s.get(target, [("Accept-Encoding", "gzip"), ("If-None-Match", gzTag)])
                #expect(gzHit.status == 304 && gzHit.header("ETag") == gzTag && gzHit.body.isEmpty)
                // Either encoding's tag validates the other (same content).
                #expect(try s.get(target, [("If-None-Match", gzTag)]).status == 304)
                #expect(try s.get(target, [("Accept-Encoding", "gzip"), ("If-None-Match", etag)]).status == 304)

                let ims = try s.get(target, [("If-Modified-Since", lastModified)])
                #expect(ims.status == 304 && ims.body.isEmpty && ims.header("ETag") == etag, "\(target)")
                #expect(try s.get(target, [("If-Modified-Since", "Wed, 01 Jan 2031 00:00:00 GMT")]).status == 304)
                #expect(try s.get(target, [("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")]).status == 200)
                #expect(try s.get(target, [("If-Modified-Since", "not a date")]).status == 200)
                // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
                #expect(try s.get(target, [("If-None-Match", "\"nope\""), ("If-Modified-Since", lastModified)]).status == 200)

                let head = try s.request("HEAD", target, headers: [("If-None-Match", etag)])
                #expect(head.status == 304 && head.body.isEmpty)
            }
            // Last-Modified is the newest updated_at in the response, one second earlier is modified.
            let article = try s.get("/api/v1/articles/\(SampleContent.electionsSlug)")
            #expect(article.header("Last-Modified") == API.httpDate(API.epoch("2023-09-18T10:56:00+04:00")))
            #expect(try s.get("/api/v1/articles/\(SampleContent.electionsSlug)",
                              [("If-Modified-Since", API.httpDate(API.epoch("2023-09-18T10:55:59+04:00")))]).status == 200)
            // Errors are not conditional.
            #expect(try s.get("/api/v1/articles?page=0", [("If-None-Match", "*")]).status == 400)
        }
    }

    @Test(arguments: schemes) func corsWithTheDefaultOrigin(scheme: String) throws {
        try Self.withServer(scheme: scheme) { s in
            for target in ["/api/v1/articles", "/api/v1/articles/\(SampleContent.electionsSlug)", "/api/v1/authors/javid-valiyev",
                           "/api/v1/search?q=elections", "/api/v1/tags", "/api/v1/site"] {
                let get = try s.get(target, [("Origin", "https://reader.example")])
                #expect(get.header("Access-Control-Allow-Origin") == "*" && get.header("Vary") == API.vary(for: target), "\(target)")
                #expect(get.header("Access-Control-Expose-Headers")?.contains("ETag") == true)
                #expect(get.header("Access-Control-Expose-Headers")?.contains("X-Total-Count") == true)
                #expect(get.header("Access-Control-Expose-Headers")?.contains("Link") == true)

                let path = String(target.prefix { $0 != "?" })
                let pre = try s.request("OPTIONS", path, headers: [("Origin", "https://reader.example"),
                                                                   ("Access-Control-Request-Method", "GET"),
                                                                   ("Access-Control-Request-Headers", "If-None-Match")])
                #expect(pre.status == 204 && pre.body.isEmpty, "\(path): \(pre.status)")
                #expect(pre.header("Access-Control-Allow-Origin") == "*")
                let methods = Set((pre.header("Access-Control-Allow-Methods") ?? "").components(separatedBy: ", "))
                #expect(methods.isSuperset(of: ["GET", "HEAD"]), "\(methods)")
                #expect(pre.header("Access-Control-Allow-Headers")?.contains("If-None-Match") == true)
                #expect(pre.header("Access-Control-Max-Age") != nil && pre.header("Allow") != nil)
            }
            let missing = try s.request("OPTIONS", "/api/v1/nope", headers: [("Origin", "https://reader.example"),
                                                                              ("Access-Control-Request-Method", "GET")])
            #expect(missing.status == 404)
            let error = try s.get("/api/v1/articles?pgae=1", [("Origin", "https://reader.example")])
            #expect(error.status == 400 && error.header("Access-Control-Allow-Origin") == "*", "errors are readable cross-origin")
        }
    }

    @Test(arguments: schemes) func corsWithConfiguredOriginsAndCacheControl(scheme: String) throws {
        let config: [String: Any] = ["access_log": false, "cors_origins": ["https://app.example"], "cache_control": "public, max-age=5"]
        try Self.withServer(config, scheme: scheme) { s in
            let target = "/api/v1/articles?include=body"
            let allowed = try s.get(target, [("Origin", "https://app.example")])
            #expect(allowed.status == 200 && allowed.header("Access-Control-Allow-Origin") == "https://app.example")
            #expect(allowed.header("Vary") == "Accept-Encoding, Origin" && allowed.header("Cache-Control") == "public, max-age=5")
            let other = try s.get(target, [("Origin", "https://evil.example")])
            #expect(other.status == 200 && other.header("Access-Control-Allow-Origin") == nil && other.body == allowed.body)
            #expect(other.header("Vary") == "Accept-Encoding, Origin")
            let none = try s.get(target)
            #expect(none.header("Access-Control-Allow-Origin") == nil && none.header("Cache-Control") == "public, max-age=5")
            let gz = try s.get(target, [("Origin", "https://app.example"), ("Accept-Encoding", "gzip")])
            #expect(gz.header("Access-Control-Allow-Origin") == "https://app.example" && gz.header("Content-Encoding") == "gzip")
            let hit = try s.get(target, [("Origin", "https://app.example"), ("If-None-Match", try #require(allowed.header("ETag")))])
            #expect(hit.status == 304 && hit.header("Access-Control-Allow-Origin") == "https://app.example")
            #expect(hit.header("Cache-Control") == "public, max-age=5")

            let pre = try s.request("OPTIONS", "/api/v1/articles", headers: [("Origin", "https://app.example"),
                                                                               ("Access-Control-Request-Method", "GET")])
            #expect(pre.status == 204 && pre.header("Access-Control-Allow-Origin") == "https://app.example")
            #expect(pre.header("Access-Control-Allow-Methods")?.contains("GET") == true)
            let denied = try s.request("OPTIONS", "/api/v1/articles", headers: [("Origin", "https://evil.example"),
                                                                                  ("Access-Control-Request-Method", "GET")])
            #expect(denied.header("Access-Control-Allow-Origin") == nil)
            let error = try s.get("/api/v1/articles/nope", [("Origin", "https://app.example")])
            #expect(error.status == 404 && error.header("Access-Control-Allow-Origin") == "https://app.example")
            #expect(error.header("Cache-Control") == "no-store")
        }
    }

    @Test(arguments: schemes) func aTinyOrDisabledResponseCacheChangesNothing(scheme: String) throws {
        var expected: [String: (body: [UInt8], etag: String?, gzip: [UInt8])] = [:]
        try Self.withServer(scheme: scheme) { s in
            for target in Self.routes {
                let plain = try s.get(target)
                let gz = try s.get(target, [("Accept-Encoding", "gzip")])
                expected[target] = (plain.body, plain.header("ETag"), gz.body)
            }
        }
        for cache in [["max_entries": 0], ["max_entries": 2, "max_bytes": 4096], ["max_bytes": 0]] {
            try Self.withServer(["access_log": false, "response_cache": cache], scheme: scheme) { s in
                for _ in 0..<2 {
                    for target in Self.routes {
                        let head = try s.request("HEAD", target)
                        let plain = try s.get(target)
                        let gz = try s.get(target, [("Accept-Encoding", "gzip")])
                        #expect(head.status == 200 && head.header("ETag") == plain.header("ETag"), "\(cache) \(target)")
                        #expect(plain.body == expected[target]?.body && plain.header("ETag") == expected[target]?.etag, "\(cache) \(target)")
                        #expect(API.gunzip(gz.body) ?? gz.body == plain.body, "\(cache) \(target)")
                        #expect(try s.get(target, [("If-None-Match", plain.header("ETag") ?? "")]).status == 304)
                    }
                }
            }
        }
    }
}
