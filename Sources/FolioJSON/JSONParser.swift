/// A strict JSON parser (RFC 8259) whose errors say where: line, column and what was expected.
///
/// Foundation's parser accepts trailing commas and repeated names and reports only "not valid
/// JSON" with a character offset; configuration files, imports and request bodies need to be
/// refused with a position a person can find. Refused here: trailing commas, repeated object
/// names, comments, single quotes, leading zeros, bare control characters in strings, lone
/// surrogate escapes, invalid UTF-8, anything after the value, nesting deeper than `maxDepth`.
public struct JSONParser {
    /// Deepest nesting of arrays and objects accepted (a bound on recursion).
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    /// Parses one JSON text.
    public func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var reader = Reader(bytes: Array(bytes), maxDepth: maxDepth)
        return try reader.document()
    }

    public func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// A JSON text that is not valid: where (1-based line and column, in characters, and the byte
/// offset) and what was wrong.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int
    public var message: String

    /// "line 3, column 14: expected ',' or '}' after an object member".
    public var description: String { "line \(line), column \(column): \(message)" }

    init(in bytes: [UInt8], at offset: Int, _ message: String) {
        var line = 1, column = 1
        for b in bytes[..<min(offset, bytes.count)] {
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {  // count characters, not UTF-8 continuation bytes
                column += 1
            }
        }
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }
}

private struct Reader {
    let bytes: [UInt8]
    let maxDepth: Int
    var i = 0
    var depth = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(in: bytes, at: offset ?? i, message)
    }

    /// What is at the cursor, for messages.
    var found: String {
        guard i < bytes.count else { return "the end of the text" }
        let b = bytes[i]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return b == 0x20 ? "a space" : b < 0x20 ? "a control character" : "a non-ASCII character"
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }  // a UTF-8 byte order mark is tolerated
        skipSpace()
        guard i < bytes.count else { throw fail("the text is empty; expected a JSON value") }
        let value = try value()
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected \(found) after the end of the JSON value") }
        return value
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of the text; expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "'"): throw fail("strings must be in double quotes")
        case UInt8(ascii: "/"): throw fail("comments are not allowed in JSON")
        default: throw fail("unexpected \(found); expected a value")
        }
    }

    mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let start = i
        for b in word.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw fail("unexpected \(found); expected \(word)", at: start) }
            i += 1
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        i += 1
        var members: [JSONMember] = []
        var seen: Set<String> = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { throw fail("a trailing comma before '}' is not allowed") }
                throw fail("unexpected \(found); expected a member name in double quotes")
            }
            let nameStart = i
            let name = try string()
            guard seen.insert(name).inserted else { throw fail("the name \"\(name)\" appears twice in this object", at: nameStart) }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("unexpected \(found); expected ':' after \"\(name)\"") }
            i += 1
            skipSpace()
            members.append(JSONMember(name: name, value: try value()))
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of the text; expected ',' or '}'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("unexpected \(found); expected ',' or '}' after the value of \"\(name)\"")
        }
        depth -= 1
        return .object(members)
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        i += 1
        var elements: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { throw fail("a trailing comma before ']' is not allowed") }
            elements.append(try value())
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of the text; expected ',' or ']'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw fail("unexpected \(found); expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(elements)
    }

    mutating func number() throws(JSONSyntaxError) -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a number needs a digit after '-'") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw fail("numbers must not have leading zeros", at: start) }
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a number needs a digit after '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a number needs a digit in its exponent") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    mutating func string() throws(JSONSyntaxError) -> String {
        i += 1  // the opening quote
        var out: [UInt8] = []
        var runStart = i
        while true {
            guard i < bytes.count else { throw fail("a string is not closed with '\"'") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[runStart..<i])
                i += 1
                break
            }
            if b < 0x20 { throw fail(b == 0x0A ? "a string is not closed before the end of the line" : "a control character must be escaped in a string") }
            if b == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[runStart..<i])
                try escape(into: &out)
                runStart = i
                continue
            }
            if b >= 0x80 { try skipUTF8Sequence() } else { i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Checks one multi-byte UTF-8 sequence at the cursor (RFC 3629: no overlongs, no surrogates).
    mutating func skipUTF8Sequence() throws(JSONSyntaxError) {
        let b = bytes[i]
        let count: Int, low: UInt8, high: UInt8
        switch b {
        case 0xC2...0xDF: (count, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (count, low, high) = (3, 0xA0, 0xBF)
        case 0xED: (count, low, high) = (3, 0x80, 0x9F)
        case 0xE1...0xEF: (count, low, high) = (3, 0x80, 0xBF)
        case 0xF0: (count, low, high) = (4, 0x90, 0xBF)
        case 0xF4: (count, low, high) = (4, 0x80, 0x8F)
        case 0xF1...0xF3: (count, low, high) = (4, 0x80, 0xBF)
        default: throw fail("invalid UTF-8")
        }
        guard i + count <= bytes.count, bytes[i + 1] >= low, bytes[i + 1] <= high else { throw fail("invalid UTF-8") }
        for k in 2..<count where bytes[i + k] & 0xC0 != 0x80 { throw fail("invalid UTF-8") }
        i += count
    }

    mutating func escape(into out: inout [UInt8]) throws(JSONSyntaxError) {
        let start = i
        i += 1
        guard i < bytes.count else { throw fail("a string is not closed with '\"'") }
        let c = bytes[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(escapeAt: start)
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                    throw fail("a \\u escape of a high surrogate must be followed by a low surrogate", at: start)
                }
                i += 2
                let low = try hex4(escapeAt: start)
                guard low >= 0xDC00 && low < 0xE000 else { throw fail("a high surrogate must be followed by a low surrogate", at: start) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw fail("a low surrogate escape without a high surrogate before it", at: start)
            }
            out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            throw fail("unknown escape '\\\(Character(Unicode.Scalar(c)))' in a string", at: start)
        }
    }

    mutating func hex4(escapeAt start: Int) throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits", at: start) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw fail("a \\u escape needs four hex digits", at: start)
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
