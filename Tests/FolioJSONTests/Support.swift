import Foundation
import FolioJSON

/// SplitMix64: small, fast, deterministic across platforms.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension JSONWriter {
    /// The output as text, for literal comparisons.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Encodes with a fresh writer.
func encode(_ body: (inout JSONWriter) -> Void) -> JSONWriter {
    var writer = JSONWriter(capacity: 64)
    body(&writer)
    return writer
}

/// Parses with Foundation's JSONSerialization (scalars allowed at top level).
func parse(_ bytes: [UInt8]) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

/// The Double a number parsed by JSONSerialization stands for.
///
/// On Linux, JSONSerialization keeps numbers with many digits as an exact
/// NSDecimalNumber, whose `doubleValue` is not correctly rounded (e.g.
/// 0.30000000000000004 comes back as 0.3000000000000001); its exact decimal
/// text is converted with the standard library instead.
func exactDouble(_ number: NSNumber) -> Double? {
    if let decimal = number as? NSDecimalNumber {
        return Double(decimal.stringValue)
    }
    return number.doubleValue
}

/// A straightforward per-scalar escaper, the oracle for the byte-level one.
func referenceEscaped(_ s: String) -> String {
    var out = "\""
    var previous: Unicode.Scalar? = nil
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "/" where previous == "<": out += "\\/"
        case "\u{2028}": out += "\\u2028"
        case "\u{2029}": out += "\\u2029"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        previous = scalar
    }
    return out + "\""
}

/// Whether `text` matches the JSON number grammar (RFC 8259 §6).
func isJSONNumber(_ text: String) -> Bool {
    let b = Array(text.utf8)
    var i = 0
    func digit(_ i: Int) -> Bool { i < b.count && b[i] >= 0x30 && b[i] <= 0x39 }
    if i < b.count && b[i] == UInt8(ascii: "-") { i += 1 }
    guard digit(i) else { return false }
    if b[i] == UInt8(ascii: "0") {
        i += 1
    } else {
        while digit(i) { i += 1 }
    }
    if i < b.count && b[i] == UInt8(ascii: ".") {
        i += 1
        guard digit(i) else { return false }
        while digit(i) { i += 1 }
    }
    if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
        i += 1
        if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
        guard digit(i) else { return false }
        while digit(i) { i += 1 }
    }
    return i == b.count
}
