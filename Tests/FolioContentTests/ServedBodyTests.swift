import CZlib
import FolioJSON
import Foundation
import Testing
@testable import FolioContent

/// The stored form of a body: it inflates to exactly what the JSON writer makes of html and
/// text, its parts and strings come back unchanged, and its stream is both complete on its own
/// and open for a gzip response to continue.
@Suite struct ServedBodyTests {
    static let cases: [(html: String, text: String)] = [
        ("", ""),
        ("<p>Hello</p>", "Hello"),
        ("<p>\"quoted\" \\ back</p>\n<p>tab\there</p>", "\"quoted\" \\ back\n\ntab\there"),
        ("<p>Ünïcödé — 日本語 😀 </script></p>", "Ünïcödé — 日本語 😀 </script>"),
        (String(repeating: "<p>A long paragraph of words, repeated. </p>\n", count: 2000), String(repeating: "A long paragraph. ", count: 3000)),
    ]

    static func expectedMembers(_ html: String, _ text: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("html", html)
        w.field("text", text)
        w.endObject()
        return Array(w.bytes.dropFirst().dropLast())
    }

    @Test(arguments: [true, false]) func inflatesToTheEscapedMembers(compress: Bool) throws {
        for c in Self.cases {
            let body = ServedBody(html: c.html, text: c.text, compress: compress)
            let members = Self.expectedMembers(c.html, c.text)
            #expect(body.isDeflated == compress)
            #expect(try body.members() == members)
            #expect(body.length == members.count)
            #expect(body.crc == UInt32(members.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }))
            let (html, text) = try body.decoded()
            #expect(html == c.html && text == c.text)
            #expect(try body.text() == c.text)
            var hw = JSONWriter(); hw.beginObject(); hw.field("html", c.html); hw.endObject()
            #expect(Array(try body.htmlMember()) == Array(hw.bytes.dropFirst().dropLast()))
            var tw = JSONWriter(); tw.beginObject(); tw.field("text", c.text); tw.endObject()
            #expect(Array(try body.textMember()) == Array(tw.bytes.dropFirst().dropLast()))
            // What a store reads back is the same body.
            #expect(ServedBody(stored: body.bytes) == body)
        }
    }

    @Test func aLargeBodyIsStoredSmaller() {
        let c = Self.cases[4]
        let body = ServedBody(html: c.html, text: c.text)
        #expect(body.bytes.count * 5 < body.length, "\(body.bytes.count) stored for \(body.length)")
    }

    @Test func theDigestFollowsTheContent() {
        let a = ServedBody(html: "<p>a</p>", text: "a"), b = ServedBody(html: "<p>b</p>", text: "b")
        #expect(a.digest != b.digest)
        #expect(a.digest == ServedBody(html: "<p>a</p>", text: "a", compress: false).digest)
    }

    /// The segment without its final block, then more blocks, inflates with zlib as one stream
    /// (what a gzip response stitched around it relies on).
    @Test func theSegmentContinuesIntoAnotherStream() throws {
        let c = Self.cases[3]
        let body = ServedBody(html: c.html, text: c.text)
        var stream = Array(try #require(body.deflateSegment))
        stream += [0x03, 0x00]
        var z = z_stream()
        #expect(inflateInit2_(&z, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { inflateEnd(&z) }
        var out = [UInt8](repeating: 0, count: body.length + 16)
        let rc = stream.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                z.next_in = src.baseAddress; z.avail_in = uInt(src.count)
                z.next_out = dst.baseAddress; z.avail_out = uInt(dst.count)
                return inflate(&z, Z_FINISH)
            }
        }
        #expect(rc == Z_STREAM_END)
        #expect(Array(out[..<Int(z.total_out)]) == Self.expectedMembers(c.html, c.text))
    }

    @Test func damagedFormsAreRefused() throws {
        #expect(ServedBody(stored: []) == nil)
        #expect(ServedBody(stored: [UInt8](repeating: 7, count: 40)) == nil)
        // A header with no stream after it, and a plain body shorter than its header says.
        let header = Array(ServedBody(html: "", text: "").bytes.prefix(ServedBody.headerSize))
        #expect(ServedBody(stored: header) == nil)
        #expect(ServedBody(stored: Array(ServedBody(html: "<p>x</p>", text: "x", compress: false).bytes.dropLast())) == nil)
        var bytes = ServedBody(html: "<p>x</p>", text: "x").bytes
        bytes[ServedBody.headerSize + 1] ^= 0xFF
        if let damaged = ServedBody(stored: bytes) {
            #expect(throws: ServedBodyError.self) { _ = try damaged.members() }
        }
    }

    @Test func markdownRoundTrips() {
        for s in ["", "# Title\n\nSome *text* — ünï 😀", String(repeating: "word ", count: 5000)] {
            let stored = StoredMarkdown.encode(s)
            #expect(StoredMarkdown.decode(stored) == s)
        }
        #expect(StoredMarkdown.decode([9, 0, 0, 0, 0]) == nil)
    }
}
