// libFuzzer target for FolioJSON's string escaping (and number formatting).
//
// Fuzzing build (libFuzzer supplies `main`; FUZZING leaves ours out):
//     scripts/fuzz json [SECONDS]
// Plain build: replays files given on the command line through the same checks:
//     swift build --product FolioJSONFuzzer && .build/debug/FolioJSONFuzzer crash-1234...
//
// The input bytes become a String the way request data does (`String(decoding:as: UTF8.self)`,
// invalid sequences replaced by U+FFFD), are written by JSONWriter as an array element, an object
// key and a Substring, and must (1) equal a simple scalar-by-scalar reference escaper byte for
// byte, (2) contain no raw control byte, `</`, U+2028 or U+2029, and (3) read back through
// JSONSerialization as exactly the same UTF-8.

import FolioJSON
import Foundation

#if canImport(Glibc)
import Glibc
#endif
#if !FUZZING
import FuzzReplay
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    JSONFuzzChecks.check(UnsafeBufferPointer(start: data, count: size))
    return 0
}

enum JSONFuzzChecks {
    static func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { fatalError("invariant: \(message())", file: file, line: line) }
    }

    static func check(_ input: UnsafeBufferPointer<UInt8>) {
        let s = String(decoding: input, as: UTF8.self)
        // A substring that starts and ends inside the string (a different storage path).
        let sub = s.dropFirst(s.count / 3).dropLast(s.count / 4)

        var w = JSONWriter(capacity: 16)
        w.beginArray()
        w.string(s)
        w.string(sub)
        w.beginObject()
        w.key(s)
        w.int(1)
        w.endObject()
        if input.count >= 8 {
            var bits: UInt64 = 0
            for i in 0..<8 { bits = bits << 8 | UInt64(input[i]) }
            w.double(Double(bitPattern: bits))
        }
        w.endArray()
        let out = w.bytes

        // 1. Byte-exact against the reference escaper.
        var expected = "[" + reference(s) + "," + reference(String(sub)) + ",{" + reference(s) + ":1}"
        var number: Double?
        if input.count >= 8 {
            var bits: UInt64 = 0
            for i in 0..<8 { bits = bits << 8 | UInt64(input[i]) }
            let d = Double(bitPattern: bits)
            expected += "," + (d.isFinite ? d.description : "null")
            number = d.isFinite ? d : nil
        }
        expected += "]"
        require(out == Array(expected.utf8), "output differs from the reference for \(s.debugDescription)")

        // 2. Safe to embed: no raw controls, no `</`, no raw U+2028/U+2029, valid UTF-8.
        for (i, b) in out.enumerated() {
            require(b >= 0x20, "raw control byte \(b) at \(i)")
            if b == 0x2F, i > 0 { require(out[i - 1] != 0x3C, "raw </ at \(i)") }
            if b == 0xE2, i + 2 < out.count, out[i + 1] == 0x80 { require(out[i + 2] != 0xA8 && out[i + 2] != 0xA9, "raw U+2028/9") }
        }
        require(String(validating: out, as: UTF8.self) != nil, "output is not valid UTF-8")

        // 3. Round trip through JSONSerialization. It drops U+FEFF (NSString treats it as a byte
        // order mark, swiftlang/swift-foundation#300), so such strings rely on check 1 only.
        guard !s.unicodeScalars.contains("\u{FEFF}") else { return }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(out), options: [.fragmentsAllowed])
        } catch {
            fatalError("invariant: JSONSerialization refused our output: \(error) for \(s.debugDescription)")
        }
        guard let array = parsed as? [Any], array.count == (input.count >= 8 ? 4 : 3),
              let a = array[0] as? String, let b = array[1] as? String, let o = array[2] as? [String: Any]
        else { fatalError("invariant: unexpected shape \(parsed)") }
        require(Array(a.utf8) == Array(s.utf8), "string round trip: \(a.debugDescription) != \(s.debugDescription)")
        require(Array(b.utf8) == Array(sub.utf8), "substring round trip: \(b.debugDescription) != \(sub.debugDescription)")
        require(o.count == 1 && o.keys.first.map { Array($0.utf8) == Array(s.utf8) } == true, "key round trip for \(s.debugDescription)")
        if let number {
            // JSONSerialization hands some numbers back as NSDecimalNumber, whose doubleValue is
            // not correctly rounded (0.09999999996621672 comes back ...71), so the number text is
            // read with Double(_:) (strtod-exact) and checked against the JSON grammar instead.
            require(array[3] is NSNumber, "number read back as \(array[3])")
            let text = number.description
            require(isJSONNumber(Array(text.utf8)), "\(text) is not a JSON number")
            require(Double(text) == number, "double \(text) does not read back as itself")
        }
    }

    /// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    static func isJSONNumber(_ b: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int { let s = i; while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }; return i - s }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1; if digits() == 0 { return false } }
        if i < b.count, b[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == b.count
    }

    /// The escaping rules of DESIGN.md written the slow, obvious way, one scalar at a time.
    static func reference(_ s: String) -> String {
        var out = "\""
        var afterLessThan = false
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x2F where afterLessThan: out += "\\/"
            case 0x00..<0x20, 0x2028, 0x2029:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
            afterLessThan = u == "<"
        }
        return out + "\""
    }
}

#if !FUZZING
/// Without libFuzzer: run each file named on the command line through the same checks.
@main
struct FolioJSONFuzzer {
    static func main() { FuzzReplay.run(fuzz) }
}
#endif
