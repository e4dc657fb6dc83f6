import Foundation
import Testing
import FolioJSON

@Suite struct NumberTests {
    @Test(arguments: [0, 1, -1, 9, 10, -10, 99, 100, 12345, Int.max, Int.min, Int.max - 1, Int.min + 1])
    func integers(value: Int) throws {
        let w = encode { $0.int(value) }
        #expect(w.text == String(value))
        let number = try #require(try parse(Array("[\(w.text)]".utf8)) as? [NSNumber])
        #expect(number.first?.int64Value == Int64(value))
    }

    @Test func int64Extremes() {
        #expect(encode { $0.int64(.min) }.text == "-9223372036854775808")
        #expect(encode { $0.int64(.max) }.text == "9223372036854775807")
        #expect(encode { $0.value(Int64(-7)) }.text == "-7")
    }

    static let doubles: [Double] = [
        0.1, 1e300, -0.0, 0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude,
        1.0, -1.0, 100.0, 1e15, 1e16, 1e-7, 123.456, -2.5e-10, 0.1 + 0.2, .pi,
        9007199254740993.0, 1.7976931348623157e308,
    ]

    @Test(arguments: doubles)
    func doublesRoundTrip(value: Double) throws {
        let w = encode { $0.double(value) }
        #expect(isJSONNumber(w.text), "\(w.text)")
        let array = try #require(try parse(Array("[\(w.text)]".utf8)) as? [NSNumber])
        let first = try #require(array.first)
        let parsed = try #require(exactDouble(first))
        #expect(parsed == value)
        #expect(Double(w.text)?.bitPattern == value.bitPattern)
        let decoded = try JSONDecoder().decode([Double].self, from: Data("[\(w.text)]".utf8))
        #expect(decoded.first?.bitPattern == value.bitPattern)
    }

    @Test func shortestForms() {
        #expect(encode { $0.double(0.1) }.text == "0.1")
        #expect(encode { $0.double(1e300) }.text == "1e+300")
        #expect(encode { $0.double(-0.0) }.text == "-0.0")
        #expect(encode { $0.double(.leastNonzeroMagnitude) }.text == "5e-324")
        #expect(encode { $0.double(0.1 + 0.2) }.text == "0.30000000000000004")
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let array = try #require(try parse(Array("[\(encode { $0.double(-0.0) }.text)]".utf8)) as? [NSNumber])
        #expect(try #require(array.first).doubleValue.sign == .minus)
    }

    @Test func nonFiniteIsNull() throws {
        let w = encode { w in
            w.beginArray()
            w.double(.nan); w.double(.signalingNaN); w.double(.infinity); w.double(-.infinity)
            w.endArray()
        }
        #expect(w.text == "[null,null,null,null]")
        #expect(try parse(w.bytes) as? [NSNull] != nil)
    }

    /// Random bit patterns: every finite one must be valid JSON that reads
    /// back to exactly the same Double, both via Foundation and the stdlib.
    @Test func randomDoublesRoundTrip() throws {
        var rng = SeededGenerator(seed: 0xD0B1E)
        var values: [Double] = []
        while values.count < 4000 {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { values.append(d) }
        }
        // Plus values in the ranges real content uses.
        for _ in 0..<1000 {
            values.append(Double.random(in: -1e6...1e6, using: &rng))
        }
        var w = JSONWriter()
        w.beginArray()
        for d in values {
            let start = w.bytes.count + (w.bytes.count > 1 ? 1 : 0)
            w.double(d)
            let text = String(decoding: w.bytes[start...], as: UTF8.self)
            #expect(isJSONNumber(text), "\(text)")
            #expect(Double(text)?.bitPattern == d.bitPattern, "\(text)")
        }
        w.endArray()
        let parsed = try #require(try parse(w.bytes) as? [NSNumber])
        #expect(parsed.count == values.count)
        for (number, d) in zip(parsed, values) where exactDouble(number) != d {
            Issue.record("\(d) parsed back as \(number)")
        }
        let decoded = try JSONDecoder().decode([Double].self, from: Data(w.bytes))
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
    }
}
