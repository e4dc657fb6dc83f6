import CBrotli
import CZlib
import CZstd
import FolioContent
import Testing
@testable import FolioAPI
@testable import FolioHTTP

/// Every content coding decodes to the identity body, and Accept-Encoding picks by q-value, then
/// by the server's preference (zstd, br, gzip), with q=0 and wildcards honoured.
@Suite struct ContentCodingTests {
    static let body = Array((0..<600).map { "{\"slug\":\"article-\($0 % 53)\",\"text\":\"words \($0 * 7919 % 1000) and more\"}," }.joined().utf8)

    static func gunzip(_ data: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: max(body.count, 64 * 1024) + 1024)
        let status: Int32 = data.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = UnsafeMutablePointer(mutating: i.baseAddress)
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Array(out.prefix(Int(stream.total_out)))
    }

    static func unbrotli(_ data: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: body.count + 1024)
        var size = out.count
        let ok = data.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in BrotliDecoderDecompress(i.count, i.baseAddress, &size, o.baseAddress) }
        }
        return ok == BROTLI_DECODER_RESULT_SUCCESS ? Array(out.prefix(size)) : nil
    }

    static func unzstd(_ data: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: body.count + 1024)
        let n = data.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in ZSTD_decompress(o.baseAddress, o.count, i.baseAddress, i.count) } }
        return ZSTD_isError(n) == 0 ? Array(out.prefix(n)) : nil
    }

    func request(_ acceptEncoding: String?) -> HTTPRequest {
        HTTPRequest(method: .get, target: "/x", headers: acceptEncoding.map { [("Accept-Encoding", $0)] } ?? [])
    }

    /// An article page with a stored body inside: its gzip form carries the stored DEFLATE stream
    /// as it is (stitched, not compressed again) and still decodes to the identity body; its ETag
    /// follows the stored body's digest.
    @Test(arguments: [0, 1, 700]) func aStitchedGzipBodyDecodesToTheIdentityBody(suffixRepeats: Int) throws {
        let served = ServedBody(html: String(repeating: "<p>Stored words, escaped once.</p>\n", count: 300),
                                text: String(repeating: "Stored words \"quoted\". ", count: 300))
        let prefix = Array("{\"data\":{\"slug\":\"s\",".utf8)
        let suffix = Array((",\"related\":[" + String(repeating: "{\"slug\":\"other\"},", count: suffixRepeats) + "0]}}").utf8)
        let whole = prefix + (try served.members()) + suffix
        let stitch = GzipStitch(body: served, range: prefix.count..<(prefix.count + served.length))
        let policy = HeaderPolicy()
        let r = Representation(body: whole, contentType: "application/json", lastModified: nil, policy: policy, stitch: stitch)
        let gz = r.response(for: request("gzip"), policy: policy)
        #expect(gz.header("Content-Encoding") == "gzip")
        #expect(Self.gunzip(gz.body) == whole)
        let segment = Array(try #require(served.deflateSegment))
        #expect(gz.body.firstRange(of: segment) != nil, "the stored stream is not in the gzip body")
        // The tag stands for the bytes: another stored body (same length) gives another tag.
        let other = ServedBody(html: String(repeating: "<p>Stored words, escaped twice</p>\n", count: 300),
                               text: String(repeating: "Stored words \"quoted\". ", count: 300))
        let whole2 = prefix + (try other.members()) + suffix
        let r2 = Representation(body: whole2, contentType: "application/json", lastModified: nil, policy: policy,
                                stitch: GzipStitch(body: other, range: prefix.count..<(prefix.count + other.length)))
        #expect(r.etag != r2.etag)
        #expect(Self.gunzip(r2.response(for: request("gzip"), policy: policy).body) == whole2)
    }

    @Test func everyCodingDecodesToTheIdentityBody() throws {
        let policy = HeaderPolicy()
        let r = Representation(body: Self.body, contentType: "application/json", lastModified: nil, policy: policy)
        let decoders: [(String, ([UInt8]) -> [UInt8]?)] = [("zstd", Self.unzstd), ("br", Self.unbrotli), ("gzip", Self.gunzip)]
        var etags: Set<String> = [try #require(r.response(for: request(nil), policy: policy).header("ETag"))]
        for (token, decode) in decoders {
            let response = r.response(for: request(token), policy: policy)
            #expect(response.header("Content-Encoding") == token)
            #expect(response.body.count < Self.body.count / 3, "\(token): \(response.body.count) bytes")
            #expect(decode(response.body) == Self.body, "\(token) does not decode to the identity body")
            etags.insert(try #require(response.header("ETag")))
            // A 304 for that coding's tag names it.
            let tag = try #require(response.header("ETag"))
            let again = HTTPRequest(method: .get, target: "/x", headers: [("Accept-Encoding", token), ("If-None-Match", tag)])
            let notModified = r.response(for: again, policy: policy)
            #expect(notModified.status == 304 && notModified.header("ETag") == tag)
        }
        #expect(etags.count == 4, "each coding has its own strong ETag")
    }

    @Test func acceptEncodingByQValueThenPreference() {
        let cases: [(String?, ContentCoding?)] = [
            (nil, nil), ("", nil), ("identity", nil), ("deflate", nil),
            ("gzip", .gzip), ("x-gzip", .gzip), ("GZIP", .gzip), ("br", .br), ("zstd", .zstd),
            ("gzip, deflate, br", .br), ("gzip, deflate, br, zstd", .zstd),  // browsers: equal q, server's order
            ("br;q=0.5, gzip;q=0.8", .gzip), ("zstd;q=0.1, br;q=0.2", .br),
            ("gzip;q=1, br;q=0, zstd;q=0", .gzip), ("gzip;q=0", nil), ("gzip; q=0.000", nil),
            ("*", .zstd), ("*;q=0.5, zstd;q=0, br;q=0", .gzip), ("*;q=0", nil), ("br;q=0, *", .zstd),
            ("identity;q=0, gzip;q=0", nil), ("gzip;q=0.001", .gzip), ("gzip;q=2", nil), ("gzip;level=1", .gzip),
        ]
        for (header, expected) in cases {
            #expect(AcceptEncoding.choose(header.map { Array($0.utf8)[...] }) == expected, "\(header ?? "(none)")")
        }
    }
}
