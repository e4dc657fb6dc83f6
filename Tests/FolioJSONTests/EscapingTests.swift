import Foundation
import Testing
@testable import FolioJSON

@Suite struct EscapingTests {
    static let cases: [(String, String)] = [
        ("plain", #""plain""#),
        ("", #""""#),
        ("\"", #""\"""#),
        ("\\", #""\\""#),
        ("\u{08}", #""\b""#),
        ("\u{0C}", #""\f""#),
        ("\n", #""\n""#),
        ("\r", #""\r""#),
        ("\t", #""\t""#),
        ("\u{00}", #""\u0000""#),
        ("\u{01}", #""\u0001""#),
        ("\u{0B}", #""\u000b""#),
        ("\u{1F}", #""\u001f""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("/", #""/""#),
        ("a/b", #""a/b""#),
        ("</", #""<\/""#),
        ("</script>", #""<\/script>""#),
        ("<</</", #""<<\/<\/""#),
        ("< /", #""< /""#),
        ("\u{2028}", #""\u2028""#),
        ("\u{2029}", #""\u2029""#),
        ("a\u{2028}b\u{2029}c", #""a\u2028b\u2029c""#),
        ("\u{2027}\u{202A}\u{20AC}", "\"\u{2027}\u{202A}\u{20AC}\""),
        ("héllo wörld", "\"héllo wörld\""),
        ("😀👩‍👩‍👧", "\"😀👩‍👩‍👧\""),
        ("a\"b\\c\nd\te", #""a\"b\\c\nd\te""#),
        ("\"\"\\\\", #""\"\"\\\\""#),
    ]

    @Test(arguments: cases)
    func escapesString(input: String, expected: String) throws {
        let w = encode { $0.string(input) }
        #expect(w.text == expected)
        #expect(try parse(w.bytes) as? String == input)
        // The same through a Substring that starts and ends mid-string.
        let padded = "x" + input + "y"
        let sub = padded.dropFirst().dropLast()
        #expect(encode { $0.string(sub) }.text == expected)
        // And as a key.
        let k = encode { w in w.beginObject(); w.key(input); w.int(1); w.endObject() }
        #expect(k.text == "{" + expected + ":1}")
    }

    @Test func everyControlCharacter() throws {
        for value in 0..<0x20 {
            let s = String(Unicode.Scalar(UInt8(value)))
            let w = encode { $0.string(s) }
            #expect(w.text == referenceEscaped(s))
            #expect(!w.bytes.contains { $0 < 0x20 })
            #expect(try parse(w.bytes) as? String == s)
        }
    }

    @Test func staticKeysAreCopiedVerbatim() {
        let w = encode { w in
            w.beginObject()
            w.key("a/b"); w.int(1)
            w.key("snake_case-Key 1"); w.int(2)
            w.endObject()
        }
        #expect(w.text == #"{"a/b":1,"snake_case-Key 1":2}"#)
    }

    @Test func invalidUnicodeArrivesAsReplacementCharacter() throws {
        let fromUTF16 = String(decoding: [0xD800] as [UInt16], as: UTF16.self)
        let fromUTF8 = String(decoding: [0x61, 0xED, 0xA0, 0x80, 0x62] as [UInt8], as: UTF8.self)
        #expect(fromUTF16 == "\u{FFFD}")
        #expect(encode { $0.string(fromUTF16) }.bytes == [0x22, 0xEF, 0xBF, 0xBD, 0x22])
        for s in [fromUTF16, fromUTF8] {
            let w = encode { $0.string(s) }
            #expect(Array((try parse(w.bytes) as? String ?? "").utf8) == Array(s.utf8))
        }
    }

    @Test func longStringsWithSparseEscapes() throws {
        var s = String(repeating: "abcdefghij", count: 1000)
        s += "\n" + String(repeating: "é", count: 500) + "</" + String(repeating: "z", count: 777)
        let w = encode { $0.string(s) }
        #expect(w.text == referenceEscaped(s))
        #expect(try parse(w.bytes) as? String == s)
    }
}

/// The eight-bytes-at-a-time test of the escaper agrees with the byte test: every byte value in
/// every position of a word of otherwise random harmless or harmful bytes, and random words.
@Suite struct EscapingWordTests {
    static func bytewise(_ w: UInt64) -> Bool {
        (0..<8).contains { JSONEscaping.mayNeedEscape(UInt8(truncatingIfNeeded: w >> (8 * UInt64($0)))) }
    }

    @Test func wordTestMatchesTheByteTest() {
        var rng = SystemRandomNumberGenerator()
        for value in 0...255 {
            for position in 0..<8 {
                for _ in 0..<64 {
                    var w = UInt64.random(in: 0...UInt64.max, using: &rng)
                    w &= ~(0xFF << (8 * UInt64(position)))
                    w |= UInt64(value) << (8 * UInt64(position))
                    #expect(JSONEscaping.mayNeedEscape(word: w) == Self.bytewise(w), "byte \(value) at \(position) in \(String(w, radix: 16))")
                }
            }
        }
        // Words of harmless printable ASCII: no escape.
        for _ in 0..<10_000 {
            var w: UInt64 = 0
            for k in 0..<8 {
                var b = UInt8.random(in: 0x20...0x7E, using: &rng)
                while b == 0x22 || b == 0x2F || b == 0x5C { b = UInt8.random(in: 0x20...0x7E, using: &rng) }
                w |= UInt64(b) << (8 * UInt64(k))
            }
            #expect(!JSONEscaping.mayNeedEscape(word: w))
        }
    }
}
