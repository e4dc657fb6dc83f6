import Testing
@testable import FolioHTTP

/// RFC 3986 §2.1 percent-decoding, as paths, slugs and query strings use it.
@Suite("Percent decoding")
struct PercentDecodingTests {
    static func decode(_ s: String, plusAsSpace: Bool = false, rejectNUL: Bool = true) -> [UInt8]? {
        PercentDecoding.decode(Array(s.utf8), plusAsSpace: plusAsSpace, rejectNUL: rejectNUL)
    }

    @Test func plainBytesPassThrough() {
        #expect(Self.decode("") == [])
        #expect(Self.decode("/api/v1/articles-x_y.z~") == Array("/api/v1/articles-x_y.z~".utf8))
        #expect(Self.decode("ağdam") == Array("ağdam".utf8))  // raw UTF-8 is left alone
    }

    @Test func escapesDecodeInEitherCase() {
        #expect(Self.decode("%41%42") == Array("AB".utf8))
        #expect(Self.decode("%4a%4A") == Array("JJ".utf8))
        #expect(Self.decode("a%2Fb") == Array("a/b".utf8))
        #expect(Self.decode("%2e%2E") == Array("..".utf8))
        #expect(Self.decode("%FF%fe%80") == [0xFF, 0xFE, 0x80])
        // Decoded once: an escaped percent sign stays a percent sign followed by text.
        #expect(Self.decode("%2541") == Array("%41".utf8))
    }

    @Test func everyByteRoundTrips() {
        let hex = Array("0123456789ABCDEF".utf8)
        for b in UInt8(1)...UInt8(255) {
            let upper: [UInt8] = [0x25, hex[Int(b >> 4)], hex[Int(b & 15)]]
            #expect(PercentDecoding.decode(upper) == [b], "%\(String(b, radix: 16))")
            #expect(PercentDecoding.decode(upper.map { $0 >= 0x41 ? $0 | 0x20 : $0 }) == [b])
        }
    }

    @Test(arguments: ["%", "%4", "abc%", "%G0", "%0G", "%%41", "%-1", "% 1", "%4\u{0}", "a%2"])
    func malformedEscapesAreNil(_ input: String) {
        #expect(Self.decode(input) == nil, "\(input.debugDescription)")
        #expect(PercentDecoding.decodeString(Array(input.utf8)) == nil)
    }

    @Test func plusIsASpaceOnlyWhenAsked() {
        #expect(Self.decode("a+b") == Array("a+b".utf8))
        #expect(Self.decode("a+b", plusAsSpace: true) == Array("a b".utf8))
        // An encoded plus is a plus either way.
        #expect(Self.decode("%2B", plusAsSpace: true) == Array("+".utf8))
        #expect(Self.decode("+%2B+", plusAsSpace: true) == Array(" + ".utf8))
    }

    @Test func encodedNULIsRefusedUnlessAllowed() {
        #expect(Self.decode("a%00b") == nil)
        #expect(Self.decode("a%00b", rejectNUL: false) == [0x61, 0, 0x62])
        #expect(PercentDecoding.decodeString(Array("%00".utf8)) == nil)
    }

    @Test func stringsMustBeValidUTF8() {
        #expect(PercentDecoding.decodeString(Array("%C3%A9t%C3%A9".utf8)) == "été")
        #expect(PercentDecoding.decodeString(Array("%E2%80%A6".utf8)) == "…")
        #expect(PercentDecoding.decodeString(Array("%F0%9F%98%80".utf8)) == "😀")
        #expect(PercentDecoding.decodeString(Array("a+b".utf8), plusAsSpace: true) == "a b")
        // Bytes decode, but they are not UTF-8: a truncated sequence, a lone continuation byte,
        // an overlong "/", a UTF-16 surrogate, a byte UTF-8 never uses.
        for bad in ["%C3", "%80", "%C0%AF", "%ED%A0%80", "%FF", "x%E2%80"] {
            #expect(Self.decode(bad) != nil, "\(bad)")
            #expect(PercentDecoding.decodeString(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func slicesAndViewsDecodeLikeArrays() {
        let bytes = Array("xx/a%20b?q".utf8)
        #expect(PercentDecoding.decode(bytes[2..<8]) == Array("/a b".utf8))
        #expect(PercentDecoding.decodeString("caf%C3%A9".utf8) == "café")
    }
}
