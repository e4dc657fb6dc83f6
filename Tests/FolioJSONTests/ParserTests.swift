import Foundation
import Testing
import FolioJSON

@Suite struct ParserTests {
    let parser = JSONParser()

    @Test func readsEveryKindOfValue() throws {
        let value = try parser.parse(#" { "a": [1, -2.5e3, 0, true, false, null], "b": {"c": "d\u00e9\n\ud83d\ude00"}, "e": "" } "#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .number("0"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"]?.string == "dé\n😀")
        #expect(value["e"]?.string == "")
        #expect(value.members?.map(\.name) == ["a", "b", "e"])
        #expect(value["a"]?.array?[1].double == -2500)
        #expect(value["a"]?.array?[0].int == 1)
        #expect(value["a"]?.array?[1].int == nil)
        #expect(try parser.parse("\u{FEFF}7") == .number("7"))
        #expect(try parser.parse("\"é ok\"") == .string("é ok"))
        #expect(try parser.parse(#"12345678901234567890123"#) == .number("12345678901234567890123"))
    }

    /// Each broken text with the line, column and a fragment of the message it must get.
    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "trailing comma"),
        ("[1, 2,]", 1, 7, "trailing comma"),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "expected ',' or '}'"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "appears twice"),
        ("{'a': 1}", 1, 2, "double quotes"),
        ("{\"a\": 'x'}", 1, 7, "double quotes"),
        ("// note\n{}", 1, 1, "comments"),
        ("{\"a\": 01}", 1, 7, "leading zeros"),
        ("{\"a\": 1.}", 1, 9, "digit after '.'"),
        ("{\"a\": -}", 1, 8, "digit after '-'"),
        ("{\"a\": 1e}", 1, 9, "exponent"),
        ("{\"a\": tru}", 1, 7, "expected true"),
        ("{\"a\": \"x\ny\"}", 1, 9, "end of the line"),
        ("{\"a\": \"x\ty\"}", 1, 9, "control character"),
        ("{\"a\": \"\\x\"}", 1, 8, "unknown escape"),
        ("{\"a\": \"\\ud800\"}", 1, 8, "low surrogate"),
        ("{\"a\": \"\\udc00\"}", 1, 8, "without a high surrogate"),
        ("{\"a\": \"\\u12\"}", 1, 8, "four hex digits"),
        ("{\"a\": \"open", 1, 12, "not closed"),
        ("{\"a\": 1", 1, 8, "expected ',' or '}'"),
        ("{\"a\": 1} x", 1, 10, "after the end"),
        ("", 1, 1, "empty"),
        ("   ", 1, 4, "empty"),
        ("{\"é\": 1 2}", 1, 9, "expected ',' or '}'"),
        ("[1 2]", 1, 4, "expected ',' or ']'"),
        ("{1: 2}", 1, 2, "member name"),
        ("{\"a\" 1}", 1, 6, "expected ':'"),
    ] as [(String, Int, Int, String)])
    func refusesWithPosition(text: String, line: Int, column: Int, fragment: String) {
        do {
            let value = try parser.parse(text)
            Issue.record("accepted \(text.debugDescription) as \(value)")
        } catch {
            #expect(error.line == line, "\(text.debugDescription): \(error)")
            #expect(error.column == column, "\(text.debugDescription): \(error)")
            #expect(error.message.contains(fragment), "\(text.debugDescription): \(error)")
            #expect(error.description.hasPrefix("line \(line), column \(column): "))
        }
    }

    @Test func refusesInvalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82]] {
            #expect(throws: JSONSyntaxError.self) { try parser.parse(bytes) }
        }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONSyntaxError.self) { try parser.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try parser.parse(ok)
        #expect(throws: JSONSyntaxError.self) { try JSONParser(maxDepth: 2).parse("[[[]]]") }
    }

    /// Whatever Foundation accepts as strict JSON, the parser reads to the same values; a seeded
    /// stream of random documents, printed by Foundation, read back.
    @Test func agreesWithFoundationOnRandomDocuments() throws {
        var rng = SeededGenerator(seed: 42)
        func random(_ depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
            case 0: return Int.random(in: -1_000_000...1_000_000, using: &rng)
            case 1: return String((0..<Int.random(in: 0..<8, using: &rng)).map { _ in "aé\"\\\n😀/\u{1}b".randomElement(using: &rng)! })
            case 2: return Bool.random(using: &rng)
            case 3: return NSNull()
            case 4: return (0..<Int.random(in: 0..<4, using: &rng)).map { _ in random(depth + 1) }
            default:
                var d: [String: Any] = [:]
                for k in 0..<Int.random(in: 0..<4, using: &rng) { d["k\(k)"] = random(depth + 1) }
                return d
            }
        }
        func same(_ a: Any, _ b: JSONValue) -> Bool {
            switch (a, b) {
            case (is NSNull, .null): return true
            case (let s as String, .string(let t)): return s == t
            case (let n as NSNumber, .bool(let v)) where String(cString: n.objCType) == "c": return n.boolValue == v
            case (let n as NSNumber, .number(let t)): return n.intValue == Int(t)
            case (let list as [Any], .array(let items)): return list.count == items.count && zip(list, items).allSatisfy(same)
            case (let d as [String: Any], .object(let members)):
                return d.count == members.count && members.allSatisfy { m in d[m.name].map { same($0, m.value) } ?? false }
            default: return false
            }
        }
        for _ in 0..<300 {
            let doc = ["root": random(0)]
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted])
            let value = try parser.parse(Array(data))
            #expect(same(doc, value), "\(String(decoding: data, as: UTF8.self))")
        }
    }
}
