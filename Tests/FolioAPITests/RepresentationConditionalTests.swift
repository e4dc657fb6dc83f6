import Testing
@testable import FolioAPI
import FolioHTTP

/// Conditional GETs of API representations (`Representation.isNotModified`), through the router:
/// the gzip and identity forms have their own strong tags and either one validates; the 304
/// keeps the validators and Vary but carries no body or content headers; If-None-Match, in
/// one line or several, decides alone when present.
@Suite struct RepresentationConditionalTests {
    let f = Fixture.shared
    /// Over 1 KiB, so it also has a gzip form.
    static let list = "/api/v1/articles?tag=paging&per_page=30&fields=slug,title"

    func validators(_ headers: [(String, String)] = []) throws -> (etag: String, lastModified: String) {
        let r = f.get(Self.list, headers)
        #expect(r.status == 200)
        return (try #require(r.header("ETag")), try #require(r.header("Last-Modified")))
    }

    @Test func bothEncodingsHaveTheirOwnTagAndEitherValidates() throws {
        let plain = try validators()
        let gz = f.get(Self.list, [("Accept-Encoding", "gzip")])
        #expect(gz.header("Content-Encoding") == "gzip")
        let gzTag = try #require(gz.header("ETag"))
        #expect(gzTag != plain.etag && gzTag == String(plain.etag.dropLast()) + "-gz\"")
        for (tag, encoding) in [(plain.etag, nil), (gzTag, nil), (plain.etag, "gzip"), (gzTag, "gzip")] as [(String, String?)] {
            var headers = [("If-None-Match", tag)]
            if let encoding { headers.append(("Accept-Encoding", encoding)) }
            let r = f.get(Self.list, headers)
            #expect(r.status == 304, "\(tag) \(encoding ?? "identity")")
            #expect(r.body.isEmpty)
            // The 304 names the tag of the form this client would have been sent.
            #expect(r.header("ETag") == (encoding == nil ? plain.etag : gzTag))
        }
    }

    /// gzip is made for the first client that accepts it, not before (a client without
    /// Accept-Encoding never pays for it), and is then kept. (The end-to-end tests unpack it.)
    @Test func gzipIsMadeOnDemandAndKept() throws {
        let body = Array(String(repeating: "{\"slug\":\"an-article\"},", count: 200).utf8)
        let r = Representation(body: body, contentType: "application/json", lastModified: nil, policy: HeaderPolicy())
        let plain = HTTPRequest(method: .get, target: "/x", headers: [])
        #expect(r.response(for: plain, policy: HeaderPolicy()).body == body)
        #expect(!r.holdsEncodedBody(.gzip))
        let gzip = HTTPRequest(method: .get, target: "/x", headers: [("Accept-Encoding", "br;q=0.4, gzip;q=0.5")])
        let first = r.response(for: gzip, policy: HeaderPolicy())
        #expect(r.holdsEncodedBody(.gzip))
        #expect(first.body.count < body.count / 5 && first.body.starts(with: [0x1F, 0x8B]))
        #expect(r.response(for: gzip, policy: HeaderPolicy()).body == first.body)
        let small = Representation(body: Array("{}".utf8), contentType: "application/json", lastModified: nil, policy: HeaderPolicy())
        #expect(small.response(for: gzip, policy: HeaderPolicy()).body == Array("{}".utf8))
        #expect(!small.holdsEncodedBody(.gzip))
    }

    /// The configured level is the one used (`gzip_level`): level 9 packs the same body tighter
    /// than level 1.
    @Test func gzipUsesTheConfiguredLevel() {
        let body = Array((0..<400).map { "{\"slug\":\"article-\($0 % 37)\",\"n\":\($0 * 7919 % 1000)}," }.joined().utf8)
        let gzip = HTTPRequest(method: .get, target: "/x", headers: [("Accept-Encoding", "gzip")])
        func size(_ level: Int32) -> Int {
            let policy = HeaderPolicy(gzipLevel: level)
            let r = Representation(body: body, contentType: "application/json", lastModified: nil, policy: policy)
            let out = r.response(for: gzip, policy: policy).body
            #expect(out.starts(with: [0x1F, 0x8B]))
            return out.count
        }
        #expect(size(9) < size(1))
        #expect(HeaderPolicy(gzipLevel: 0).gzipLevel == 1 && HeaderPolicy(gzipLevel: 12).gzipLevel == 9 && HeaderPolicy().gzipLevel == 2)
    }

    @Test func notModifiedHeaders() throws {
        let v = try validators()
        let r = f.get(Self.list, [("If-None-Match", v.etag), ("Accept-Encoding", "gzip")])
        #expect(r.status == 304)
        #expect(r.body.isEmpty)
        #expect(r.header("Last-Modified") == v.lastModified)
        #expect(r.header("Cache-Control") == "public, max-age=60, stale-while-revalidate=300")
        #expect(r.header("Vary") == "Accept-Encoding")
        #expect(r.header("Access-Control-Allow-Origin") == "*")
        #expect(r.header("Content-Type") == nil)
        #expect(r.header("Content-Encoding") == nil)
        #expect(r.header("Link") == nil && r.header("X-Total-Count") == nil)  // list headers are for the 200
    }

    @Test func ifNoneMatchForms() throws {
        let v = try validators()
        for value in [v.etag, "W/" + v.etag, "\"x\", " + v.etag, "\"x\",W/\(v.etag)", "*"] {
            #expect(f.get(Self.list, [("If-None-Match", value)]).status == 304, "\(value)")
        }
        for value in ["\"x\"", String(v.etag.dropFirst().dropLast()), String(v.etag.dropLast()) + "x\"", ""] {
            #expect(f.get(Self.list, [("If-None-Match", value)]).status == 200, "\(value)")
        }
        // Several lines are one list.
        #expect(f.get(Self.list, [("If-None-Match", "\"x\""), ("If-None-Match", v.etag)]).status == 304)
        #expect(f.get(Self.list, [("If-None-Match", "\"x\""), ("If-None-Match", "\"y\"")]).status == 200)
    }

    @Test func ifModifiedSinceAndPrecedence() throws {
        let v = try validators()
        let seconds = try #require(HTTPDate.parse(v.lastModified))
        let earlier = HTTPDate.format(seconds - 1), later = HTTPDate.format(seconds + 86_400)
        #expect(f.get(Self.list, [("If-Modified-Since", v.lastModified)]).status == 304)
        #expect(f.get(Self.list, [("If-Modified-Since", later)]).status == 304)
        #expect(f.get(Self.list, [("If-Modified-Since", earlier)]).status == 200)
        #expect(f.get(Self.list, [("If-Modified-Since", "not a date")]).status == 200)
        // If-None-Match present: the date is not looked at.
        #expect(f.get(Self.list, [("If-None-Match", "\"x\""), ("If-Modified-Since", later)]).status == 200)
        #expect(f.get(Self.list, [("If-None-Match", v.etag), ("If-Modified-Since", earlier)]).status == 304)
    }

    @Test func errorsIgnoreValidators() {
        let r = f.get("/api/v1/articles?tag=paging&per_page=0", [("If-None-Match", "*"), ("If-Modified-Since", "Wed, 01 Jan 2031 00:00:00 GMT")])
        #expect(r.status == 400)
        #expect(r.header("Content-Type") == "application/problem+json")
    }
}
