import Foundation
import Testing
@testable import FolioJSON

@Suite struct StructureTests {
    @Test func emptyContainers() {
        #expect(encode { $0.beginObject(); $0.endObject() }.text == "{}")
        #expect(encode { $0.beginArray(); $0.endArray() }.text == "[]")
        let nested = encode { w in
            w.beginObject()
            w.key("a"); w.beginObject(); w.endObject()
            w.key("b"); w.beginArray(); w.endArray()
            w.key("c")
            w.beginArray()
            w.beginArray(); w.endArray()
            w.beginObject(); w.endObject()
            w.endArray()
            w.endObject()
        }
        #expect(nested.text == #"{"a":{},"b":[],"c":[[],{}]}"#)
    }

    @Test func commasBetweenArrayElements() {
        let w = encode { w in
            w.beginArray()
            w.int(1); w.string("two"); w.bool(true); w.bool(false); w.null(); w.double(2.5)
            w.rawJSON(Array(#"{"x":1}"#.utf8))
            w.beginArray(); w.int(3); w.endArray()
            w.int(4)
            w.endArray()
        }
        #expect(w.text == #"[1,"two",true,false,null,2.5,{"x":1},[3],4]"#)
    }

    @Test func nestedDocumentBytes() throws {
        struct Card: JSONWritable {
            var name: String
            var email: String?
            var phones: [String]
            func writeJSON(to writer: inout JSONWriter) {
                writer.beginObject()
                writer.field("name", name)
                writer.field("email", email)
                writer.field("phones", phones)
                writer.endObject()
            }
        }
        let w = encode { w in
            w.beginObject()
            w.field("title", "Energy \"policy\" </script>")
            w.field("id", 42)
            w.field("draft", false)
            w.field("subtitle", nil as String?)
            w.field("score", 0.5)
            w.field("views", Int64(9_000_000_000))
            w.key("author"); w.value(Card(name: "Ana", email: nil, phones: ["+1 555", "+44 20"]))
            w.key("coauthors"); w.value([Card(name: "B", email: "b@x.org", phones: [])])
            w.key("tags"); w.value(["a", "b"] as [String])
            w.key("ratings"); w.value([1, nil, 3] as [Int?])
            w.key("sections")
            w.beginArray()
            for i in 0..<2 {
                w.beginObject()
                w.key("n"); w.int(i)
                w.key("paras"); w.beginArray(); w.string("p\(i)"); w.endArray()
                w.endObject()
            }
            w.endArray()
            w.key("dynamic key\n"); w.rawJSON(Array("[true]".utf8))
            w.key("fragment"); w.string("x"[...])
            w.endObject()
        }
        let expected = #"{"title":"Energy \"policy\" <\/script>","id":42,"draft":false,"subtitle":null,"#
            + #""score":0.5,"views":9000000000,"#
            + #""author":{"name":"Ana","email":null,"phones":["+1 555","+44 20"]},"#
            + #""coauthors":[{"name":"B","email":"b@x.org","phones":[]}],"#
            + #""tags":["a","b"],"ratings":[1,null,3],"#
            + #""sections":[{"n":0,"paras":["p0"]},{"n":1,"paras":["p1"]}],"#
            + #""dynamic key\n":[true],"fragment":"x"}"#
        #expect(w.text == expected)
        let object = try #require(try parse(w.bytes) as? [String: Any])
        #expect(object["title"] as? String == "Energy \"policy\" </script>")
        #expect(object["dynamic key\n"] != nil)
    }

    /// Deeper than the 64 levels held in the bit stack, so the spill array
    /// has to restore each level's comma state on the way out.
    @Test(arguments: [1, 63, 64, 65, 130, 300])
    func deepNesting(depth: Int) throws {
        func write(_ w: inout JSONWriter, _ level: Int) {
            w.beginArray()
            w.int(level)
            if level + 1 < depth {
                if level % 2 == 0 {
                    write(&w, level + 1)
                } else {
                    w.beginObject()
                    w.key("k"); w.int(level)
                    w.key("v")
                    write(&w, level + 1)
                    w.key("z"); w.int(level)
                    w.endObject()
                }
            }
            w.int(level)
            w.endArray()
        }
        func expected(_ level: Int) -> String {
            var s = "[\(level),"
            if level + 1 < depth {
                if level % 2 == 0 {
                    s += expected(level + 1) + ","
                } else {
                    s += #"{"k":\#(level),"v":"# + expected(level + 1) + #","z":\#(level)},"#
                }
            }
            return s + "\(level)]"
        }
        var w = JSONWriter()
        write(&w, 0)
        #expect(w.text == expected(0))
        #expect(w.commas.depth == 0)
        if depth <= 130 {
            _ = try parse(w.bytes)
        }
    }

    @Test func resetKeepsCapacityAndClearsState() {
        var w = JSONWriter(capacity: 1024)
        let capacity = w.bytes.capacity
        #expect(capacity >= 1024)
        w.beginObject()
        w.key("a"); w.beginArray(); w.int(1)
        w.reset()
        #expect(w.bytes.isEmpty)
        #expect(w.bytes.capacity == capacity)
        w.beginArray(); w.int(2); w.endArray()
        #expect(w.text == "[2]")
    }

    @Test func optionalAndArrayConformances() {
        #expect(encode { $0.value(nil as Int?) }.text == "null")
        #expect(encode { $0.value(Optional(7)) }.text == "7")
        #expect(encode { $0.value([[1, 2], [], [3]] as [[Int]]) }.text == "[[1,2],[],[3]]")
        #expect(encode { $0.value([true, false]) }.text == "[true,false]")
        #expect(encode { $0.value(["x"[...]]) }.text == #"["x"]"#)
        #expect(encode { $0.value([1.5, .nan]) }.text == "[1.5,null]")
        #expect(encode { $0.value([Int64.max]) }.text == "[9223372036854775807]")
    }
}
