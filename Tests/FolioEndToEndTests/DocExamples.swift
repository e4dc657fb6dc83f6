import Foundation
import Testing

// The examples in docs/*.md, extracted and run against the real binary so the documentation
// cannot drift from the server. The convention is in DEVELOPERS.md ("Examples in docs/"):
//
// - A fenced block whose first line is `$ curl …` or a request line (`GET /path HTTP/1.1`) is an
//   HTTP example: the request, then the expected response (status line, some headers, a blank
//   line, a body). `…` is a wildcard; JSON bodies are compared field by field (shown fields only).
// - `<!-- example: … -->` right before a block (or a table) says more: `requires-new-config`,
//   `server {json}`, `import NAME`, `shell [serve]`, `configuration`, `configuration-reference`.

/// A fenced code block of a Markdown file, with the marker comment right before it.
struct DocBlock {
    var file: String
    /// 1-based line of the opening fence.
    var line: Int
    var info: String
    var lines: [String]
    var marker: DocMarker

    var location: String { "\(file):\(line)" }
}

/// `<!-- example: requires-new-config server {"cors_origins": ["…"]} -->` and the like.
struct DocMarker {
    var words: Set<String> = []
    /// `key=a,b` options (`requires-new-config=public_url,article_url`).
    var lists: [String: [String]] = [:]
    /// The argument of `import`.
    var importName: String?
    /// The JSON object after `server`.
    var serverConfig: [String: Any]?
    var serverConfigText: String?
    var line = 0

    var isEmpty: Bool { words.isEmpty && lists.isEmpty && importName == nil && serverConfig == nil }
    /// Parsed but not run until the settings being added exist.
    var requiresNewConfig: Bool { words.contains("requires-new-config") }

    static let knownWords: Set<String> = ["requires-new-config", "shell", "serve", "configuration", "configuration-reference"]

    /// Parses the text between `example:` and `-->`.
    static func parse(_ text: String, line: Int) throws(DocError) -> DocMarker {
        var m = DocMarker()
        m.line = line
        var rest = Substring(text)
        if let r = rest.range(of: "server ") ?? (rest.hasSuffix("server") ? rest.range(of: "server") : nil) {
            let json = rest[r.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                throw DocError("line \(line): `server` needs a JSON object, got \(json)")
            }
            m.serverConfig = object
            m.serverConfigText = json
            rest = rest[..<r.lowerBound]
        }
        var tokens = rest.split(whereSeparator: \.isWhitespace).map(String.init)[...]
        while let t = tokens.popFirst() {
            if t == "import" {
                guard let name = tokens.popFirst() else { throw DocError("line \(line): `import` needs a file name") }
                m.importName = name
            } else if let eq = t.firstIndex(of: "=") {
                let key = String(t[..<eq])
                guard knownWords.contains(key) else { throw DocError("line \(line): unknown marker option \(key)") }
                m.lists[key] = t[t.index(after: eq)...].split(separator: ",").map(String.init)
            } else {
                guard knownWords.contains(t) else { throw DocError("line \(line): unknown marker word \(t)") }
                m.words.insert(t)
            }
        }
        return m
    }
}

struct DocError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A Markdown file split into its fenced blocks and marked tables.
struct DocFile {
    let name: String
    let text: String
    var blocks: [DocBlock] = []
    /// Tables preceded by a marker: the marker and the table's lines.
    var tables: [(marker: DocMarker, line: Int, rows: [String])] = []

    static func load(_ url: URL) throws -> DocFile {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try DocFile(name: "docs/" + url.lastPathComponent, text: text)
    }

    init(name: String, text: String) throws {
        self.name = name
        self.text = text
        let lines = text.components(separatedBy: "\n")
        var pending: DocMarker?
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!-- example:") {
                var comment = trimmed
                var end = i
                while !comment.contains("-->"), end + 1 < lines.count {
                    end += 1
                    comment += " " + lines[end].trimmingCharacters(in: .whitespaces)
                }
                guard let close = comment.range(of: "-->") else { throw DocError("\(name):\(i + 1): unclosed marker") }
                let body = comment[comment.index(comment.startIndex, offsetBy: "<!-- example:".count)..<close.lowerBound]
                pending = try DocMarker.parse(String(body), line: i + 1)
                i = end + 1
                continue
            }
            if trimmed.hasPrefix("```") {
                let indent = line.prefix { $0 == " " }.count
                let info = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                var body: [String] = []
                var j = i + 1
                while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != "```" {
                    var l = Substring(lines[j])
                    var n = 0
                    while n < indent, l.first == " " { l = l.dropFirst(); n += 1 }
                    body.append(String(l))
                    j += 1
                }
                guard j < lines.count else { throw DocError("\(name):\(i + 1): unclosed code fence") }
                blocks.append(DocBlock(file: name, line: i + 1, info: info, lines: body, marker: pending ?? DocMarker()))
                pending = nil
                i = j + 1
                continue
            }
            if trimmed.hasPrefix("|"), let marker = pending {
                var rows: [String] = []
                var j = i
                while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    rows.append(lines[j])
                    j += 1
                }
                tables.append((marker, i + 1, rows))
                pending = nil
                i = j
                continue
            }
            if !trimmed.isEmpty, let marker = pending {
                throw DocError("\(name):\(marker.line): an example marker must be followed by a code block or a table")
            }
            i += 1
        }
        if let marker = pending { throw DocError("\(name):\(marker.line): a marker at the end of the file marks nothing") }
    }

    /// Every Markdown file in docs/.
    static func all() throws -> [DocFile] {
        let folder = ServerProcess.repositoryRoot.appendingPathComponent("docs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
        return try names.map { try load(folder.appendingPathComponent($0)) }
    }
}

// MARK: - HTTP examples

/// One request of an example and the response it must get.
struct HTTPExample {
    var block: DocBlock
    /// Line of the request within the file.
    var line: Int
    var method = "GET"
    var target = "/"
    /// Headers in order; `Host` is filled in when sending curl requests.
    var headers: [(String, String)] = []
    /// Raw requests are sent as written (plus the port).
    var raw: String?
    /// Expected status line, or nil when only a body is shown (`curl -s`).
    var status: (code: Int, reason: String)?
    var expectedHeaders: [(String, String)] = []
    /// Expected body lines; nil when no body is shown.
    var body: [String]?

    var location: String { "\(block.file):\(line)" }

    /// Whether `block` is an HTTP example (first non-empty line `$ curl` or a request line).
    static func isExample(_ block: DocBlock) -> Bool {
        guard let first = block.lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return false }
        return first.hasPrefix("$ curl ") || first.wholeMatch(of: /[A-Z]+ \S+ HTTP\/\d\.\d/) != nil
    }

    /// The examples of one block: each `$ curl` line and the output after it, or one raw exchange.
    static func parse(_ block: DocBlock) throws(DocError) -> [HTTPExample] {
        let lines = block.lines
        guard let first = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return [] }
        if lines[first].hasPrefix("$ ") {
            var out: [HTTPExample] = []
            var i = first
            while i < lines.count {
                guard lines[i].hasPrefix("$ ") else { throw DocError("\(block.file):\(block.line + 1 + i): expected a `$ curl` line") }
                let start = i
                var command = String(lines[i].dropFirst(2))
                while command.hasSuffix("\\"), i + 1 < lines.count {
                    command = String(command.dropLast()) + " " + lines[i + 1].trimmingCharacters(in: .whitespaces)
                    i += 1
                }
                i += 1
                var output: [String] = []
                while i < lines.count, !lines[i].hasPrefix("$ ") {
                    output.append(lines[i])
                    i += 1
                }
                while output.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { output.removeLast() }
                var example = HTTPExample(block: block, line: block.line + 1 + start)
                let showsHead = try example.applyCurl(command)
                try example.expect(output, showsHead: showsHead)
                out.append(example)
            }
            return out
        }
        // A raw request: request line and headers, a blank line, then the response.
        var example = HTTPExample(block: block, line: block.line + 1 + first)
        guard let blank = lines[first...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw DocError("\(example.location): a raw request needs a blank line and then the response")
        }
        let request = Array(lines[first..<blank])
        let parts = request[0].split(separator: " ")
        example.method = String(parts[0])
        example.target = String(parts[1])
        example.raw = request.joined(separator: "\r\n") + "\r\n\r\n"
        var output = Array(lines[(blank + 1)...])
        while output.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { output.removeFirst() }
        while output.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { output.removeLast() }
        try example.expect(output, showsHead: true)
        return [example]
    }

    /// Reads a curl command line; returns whether its output shows the status line and headers.
    mutating func applyCurl(_ command: String) throws(DocError) -> Bool {
        let words = try Shell.split(command)
        guard words.first == "curl" else { throw DocError("\(location): only curl commands are examples") }
        var showsHead = false, headersOnly = false, url: String?
        var i = 1
        func value() throws(DocError) -> String {
            i += 1
            guard i < words.count else { throw DocError("\(location): \(words[i - 1]) needs a value") }
            return words[i]
        }
        while i < words.count {
            let w = words[i]
            switch w {
            case "-H", "--header":
                let h = try value()
                guard let colon = h.firstIndex(of: ":") else { throw DocError("\(location): header without a colon: \(h)") }
                headers.append((String(h[..<colon]), h[h.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            case "-X", "--request": method = try value()
            case "-D", "--dump-header":
                guard try value() == "-" else { throw DocError("\(location): only `-D -` is supported") }
                showsHead = true
            case "-o", "--output":
                guard try value() == "/dev/null" else { throw DocError("\(location): only `-o /dev/null` is supported") }
                headersOnly = true
            case "-i", "--include": showsHead = true
            case "-I", "--head": method = "HEAD"; showsHead = true
            case "-s", "--silent", "-S", "--show-error": break
            default:
                if w.hasPrefix("-"), !w.hasPrefix("--"), w.count > 2, w.dropFirst().allSatisfy({ "sSiI".contains($0) }) {
                    for c in w.dropFirst() {
                        if c == "i" { showsHead = true }
                        if c == "I" { method = "HEAD"; showsHead = true }
                    }
                } else if w.hasPrefix("http://localhost:8080/") {
                    guard url == nil else { throw DocError("\(location): two URLs") }
                    url = w
                } else {
                    throw DocError("\(location): unsupported curl argument \(w) (see DEVELOPERS.md, \"Examples in docs/\")")
                }
            }
            i += 1
        }
        guard let url else { throw DocError("\(location): no http://localhost:8080/… URL") }
        target = String(url.dropFirst("http://localhost:8080".count))
        if !headers.contains(where: { $0.0.lowercased() == "accept" }) { headers.insert(("Accept", "*/*"), at: 0) }
        if headersOnly && !showsHead { throw DocError("\(location): `-o /dev/null` without `-D -` shows nothing") }
        return showsHead
    }

    /// The expected response: status line and headers when shown, then the body.
    mutating func expect(_ output: [String], showsHead: Bool) throws(DocError) {
        var rest = output[...]
        if showsHead {
            guard let statusLine = rest.popFirst(), statusLine.hasPrefix("HTTP/1.") else {
                throw DocError("\(location): the response must start with a status line (HTTP/1.1 200 OK)")
            }
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let code = Int(parts[1]) else { throw DocError("\(location): bad status line \(statusLine)") }
            status = (code, String(parts[2]))
            while let line = rest.first, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                rest.removeFirst()
                if line.trimmingCharacters(in: .whitespaces) == "…" { continue }
                guard let colon = line.firstIndex(of: ":") else { throw DocError("\(location): not a header line: \(line)") }
                expectedHeaders.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            while rest.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { rest.removeFirst() }
        }
        body = rest.isEmpty ? nil : Array(rest)
        if let body, Self.looksLikeJSON(body) {
            do { _ = try LenientJSON.parse(body.joined(separator: "\n")) } catch {
                throw DocError("\(location): the body is not JSON with … elisions: \(error)")
            }
        }
    }

    static func looksLikeJSON(_ body: [String]) -> Bool {
        guard let c = body.first?.trimmingCharacters(in: .whitespaces).first else { return false }
        return c == "{" || c == "["
    }

    /// Sends the request to `port` and returns every difference from the expected response.
    func run(port: Int) -> [String] {
        let client: RawClient
        do { client = try RawClient(port: port) } catch { return ["\(location): cannot connect: \(error)"] }
        if let raw {
            client.send(raw.replacingOccurrences(of: "localhost:8080", with: "localhost:\(port)"))
        } else {
            var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost:\(port)\r\nUser-Agent: curl/8\r\n"
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            client.send(text + "\r\n")
        }
        let response: Response
        do { response = try client.readResponse(head: method == "HEAD") } catch {
            return ["\(location): no response to \(method) \(target): \(error)"]
        }
        return compare(response, port: port)
    }

    func compare(_ r: Response, port: Int) -> [String] {
        var problems: [String] = []
        let what = "\(location) \(method) \(target)"
        func local(_ s: String) -> String { s.replacingOccurrences(of: "localhost:8080", with: "localhost:\(port)") }
        if let status {
            if r.status != status.code || r.reason != status.reason {
                problems.append("\(what): status \(r.status) \(r.reason), the example shows \(status.code) \(status.reason)")
            }
        }
        for (name, value) in expectedHeaders {
            let actual = r.headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
            if actual.isEmpty {
                problems.append("\(what): no \(name) header (example: \(value))")
            } else if !actual.contains(where: { Wildcard.matches(local(value), $0) }) {
                problems.append("\(what): \(name) is \(actual.joined(separator: " | ")), the example shows \(value)")
            }
        }
        guard let body else { return problems }
        var bytes = r.body
        if r.header("Content-Encoding") == "gzip", let plain = API.gunzip(bytes) { bytes = plain }
        let text = String(decoding: bytes, as: UTF8.self)
        let expected = local(body.joined(separator: "\n"))
        if r.header("Content-Type")?.contains("json") == true {
            let pattern: LenientJSON
            do { pattern = try LenientJSON.parse(expected) } catch {
                return problems + ["\(what): the example body is not JSON: \(error)"]
            }
            guard let actual = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
                return problems + ["\(what): the response body is not JSON: \(text.prefix(200))"]
            }
            problems += pattern.mismatches(actual, path: "body").map { "\(what): \($0)" }
        } else {
            problems += Wildcard.lineMismatches(expected.components(separatedBy: "\n"), text).map { "\(what): \($0)" }
        }
        return problems
    }
}

// MARK: - Matching

/// `…` as a wildcard for any text, in header values, strings and body lines.
enum Wildcard {
    static let mark = "…"

    static func matches(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.components(separatedBy: mark)
        if parts.count == 1 { return pattern == text }
        guard text.hasPrefix(parts[0]), text.hasSuffix(parts[parts.count - 1]),
              text.count >= parts[0].count + parts[parts.count - 1].count else { return false }
        var rest = text.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count)
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let r = rest.range(of: middle) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    /// Each expected line must match an actual line, in order; actual lines in between are skipped.
    static func lineMismatches(_ expected: [String], _ text: String) -> [String] {
        let actual = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        var i = 0
        for line in expected {
            let pattern = line.trimmingCharacters(in: .whitespaces)
            if pattern.isEmpty || pattern == mark { continue }
            guard let found = actual[i...].firstIndex(where: { matches(pattern, $0.trimmingCharacters(in: .whitespaces)) }) else {
                return ["body has no line \"\(line)\"" + (i > 0 ? " after \"\(actual[i - 1].prefix(120))\"" : "")]
            }
            i = found + 1
        }
        return []
    }
}

/// JSON as shown in the documentation: standard JSON plus `…` for omitted values, array items
/// and object members. Objects are matched by the members shown; arrays item by item, with `…`
/// standing for any number of items; strings with `…` as a wildcard.
indirect enum LenientJSON {
    case object([(String, LenientJSON)])
    case array([LenientJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case ellipsis

    static func parse(_ text: String) throws(DocError) -> LenientJSON {
        var p = Parser(chars: Array(text.unicodeScalars))
        let v = try p.value()
        p.skipSpace()
        guard p.i == p.chars.count else { throw p.error("text after the JSON value") }
        return v
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var i = 0

        func error(_ message: String) -> DocError {
            let line = chars[..<min(i, chars.count)].filter { $0 == "\n" }.count + 1
            return DocError("line \(line) of the body: \(message)")
        }

        mutating func skipSpace() {
            while i < chars.count, chars[i].properties.isWhitespace { i += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.unicodeScalars)
            guard i + w.count <= chars.count, Array(chars[i..<(i + w.count)]) == w else { return false }
            i += w.count
            return true
        }

        mutating func value() throws(DocError) -> LenientJSON {
            skipSpace()
            guard i < chars.count else { throw error("a value is missing") }
            switch chars[i] {
            case "{": return try object()
            case "[": return try array()
            case "\"": return .string(try string())
            case "…": i += 1; return .ellipsis
            default:
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                if literal("null") { return .null }
                let start = i
                while i < chars.count, "+-0123456789.eE".unicodeScalars.contains(chars[i]) { i += 1 }
                guard let n = Double(String(String.UnicodeScalarView(chars[start..<i]))) else { throw error("unexpected \(chars[start])") }
                return .number(n)
            }
        }

        mutating func object() throws(DocError) -> LenientJSON {
            i += 1
            var members: [(String, LenientJSON)] = []
            while true {
                skipSpace()
                guard i < chars.count else { throw error("unclosed object") }
                if chars[i] == "}" { i += 1; return .object(members) }
                if chars[i] == "…" {
                    i += 1
                } else {
                    guard chars[i] == "\"" else { throw error("expected a key, found \(chars[i])") }
                    let key = try string()
                    skipSpace()
                    guard i < chars.count, chars[i] == ":" else { throw error("expected : after \"\(key)\"") }
                    i += 1
                    members.append((key, try value()))
                }
                skipSpace()
                if i < chars.count, chars[i] == "," { i += 1; continue }
                guard i < chars.count, chars[i] == "}" else { throw error("expected , or }") }
            }
        }

        mutating func array() throws(DocError) -> LenientJSON {
            i += 1
            var items: [LenientJSON] = []
            while true {
                skipSpace()
                guard i < chars.count else { throw error("unclosed array") }
                if chars[i] == "]" { i += 1; return .array(items) }
                items.append(try value())
                skipSpace()
                if i < chars.count, chars[i] == "," { i += 1; continue }
                guard i < chars.count, chars[i] == "]" else { throw error("expected , or ]") }
            }
        }

        mutating func string() throws(DocError) -> String {
            i += 1
            var out = String.UnicodeScalarView()
            while i < chars.count {
                let c = chars[i]
                i += 1
                if c == "\"" { return String(out) }
                guard c == "\\" else { out.append(c); continue }
                guard i < chars.count else { break }
                let e = chars[i]
                i += 1
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "u":
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), literal("\\u") {
                        code = 0x10000 + ((code - 0xD800) << 10) + (try hex4() - 0xDC00)
                    }
                    guard let s = Unicode.Scalar(code) else { throw error("bad \\u escape") }
                    out.append(s)
                default: out.append(e)
                }
            }
            throw error("unclosed string")
        }

        mutating func hex4() throws(DocError) -> UInt32 {
            guard i + 4 <= chars.count, let n = UInt32(String(String.UnicodeScalarView(chars[i..<(i + 4)])), radix: 16) else {
                throw error("bad \\u escape")
            }
            i += 4
            return n
        }
    }

    /// Where `actual` (from JSONSerialization) differs from this pattern.
    func mismatches(_ actual: Any, path: String) -> [String] {
        func isBool(_ v: Any) -> Bool { (v as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false }
        func show(_ v: Any) -> String {
            if v is NSNull { return "null" }
            if let s = v as? String { return "\"\(s.prefix(120))\"" }
            if let d = try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed]) {
                return String(decoding: d.prefix(160), as: UTF8.self)
            }
            return "\(v)"
        }
        switch self {
        case .ellipsis:
            return []
        case .null:
            return actual is NSNull ? [] : ["\(path) is \(show(actual)), the example shows null"]
        case .bool(let b):
            return isBool(actual) && (actual as? Bool) == b ? [] : ["\(path) is \(show(actual)), the example shows \(b)"]
        case .number(let n):
            guard !isBool(actual), let v = actual as? NSNumber, v.doubleValue == n else {
                return ["\(path) is \(show(actual)), the example shows \(n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n))"]
            }
            return []
        case .string(let s):
            guard let v = actual as? String, Wildcard.matches(s, v) else {
                return ["\(path) is \(show(actual)), the example shows \"\(s)\""]
            }
            return []
        case .object(let members):
            guard let object = actual as? [String: Any] else { return ["\(path) is \(show(actual)), the example shows an object"] }
            var out: [String] = []
            for (key, pattern) in members {
                guard let v = object[key] else {
                    out.append("\(path) has no member \"\(key)\"")
                    continue
                }
                out += pattern.mismatches(v, path: path + "." + key)
            }
            return out
        case .array(let items):
            guard let array = actual as? [Any] else { return ["\(path) is \(show(actual)), the example shows an array"] }
            guard let firstGap = items.firstIndex(where: { if case .ellipsis = $0 { true } else { false } }) else {
                guard array.count == items.count else {
                    return ["\(path) has \(array.count) items, the example shows \(items.count) (add … for more)"]
                }
                return zip(items, array).enumerated().flatMap { $0.element.0.mismatches($0.element.1, path: "\(path)[\($0.offset)]") }
            }
            let lastGap = items.lastIndex(where: { if case .ellipsis = $0 { true } else { false } })!
            let head = items[..<firstGap], tail = items[(lastGap + 1)...]
            let middle = items[firstGap..<lastGap].filter { if case .ellipsis = $0 { false } else { true } }
            guard array.count >= head.count + tail.count + middle.count else {
                return ["\(path) has \(array.count) items, the example shows at least \(head.count + tail.count + middle.count)"]
            }
            var out: [String] = []
            for (k, pattern) in head.enumerated() { out += pattern.mismatches(array[k], path: "\(path)[\(k)]") }
            let tailStart = array.count - tail.count
            for (k, pattern) in tail.enumerated() { out += pattern.mismatches(array[tailStart + k], path: "\(path)[\(tailStart + k)]") }
            var k = head.count
            for pattern in middle {
                while k < tailStart, !pattern.mismatches(array[k], path: "").isEmpty { k += 1 }
                if k >= tailStart { out.append("\(path) has no item matching a shown one after [\(head.count)]"); break }
                k += 1
            }
            return out
        }
    }

    /// Every object key used anywhere, as `kind.key` paths (`articles.title`), for completeness
    /// checks of content documents.
    func keyPaths(_ prefix: String = "") -> Set<String> {
        switch self {
        case .object(let members):
            var out = Set<String>()
            for (k, v) in members {
                out.insert(prefix.isEmpty ? k : prefix + "." + k)
                out.formUnion(v.keyPaths(prefix.isEmpty ? k : prefix + "." + k))
            }
            return out
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion($1.keyPaths(prefix)) }
        default:
            return []
        }
    }
}

// MARK: - Shell words and commands

enum Shell {
    /// Splits a command line into words: single and double quotes, backslash escapes.
    static func split(_ line: String) throws(DocError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var chars = line[...]
        while let c = chars.popFirst() {
            if let q = quote {
                if c == q { quote = nil } else if c == "\\", q == "\"", let n = chars.first, n == "\"" || n == "\\" {
                    current.append(chars.removeFirst())
                } else { current.append(c) }
                continue
            }
            switch c {
            case "'", "\"": quote = c; inWord = true
            case "\\": if let n = chars.popFirst() { current.append(n); inWord = true }
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(c); inWord = true
            }
        }
        guard quote == nil else { throw DocError("unclosed quote in: \(line)") }
        if inWord { words.append(current) }
        return words
    }
}

/// Runs `folio` and shell commands to completion, output in a file (never a pipe).
enum Tool {
    struct Result {
        var status: Int32
        var output: String
    }

    /// The environment of commands: no FOLIO_* settings from outside, `folio` on PATH.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FOLIO_") }
        env["SWIFT_BACKTRACE"] = "enable=no"
        env["PATH"] = ServerProcess.binary.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        return env
    }

    /// Runs `executable` to completion (killed after `timeout`), with `input` on its standard
    /// input (closed at once when nil), everything it prints collected.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL, input: String? = nil,
                    timeout: TimeInterval = 120) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = directory
        p.environment = environment
        let stdin = Pipe()
        p.standardInput = stdin
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("folio-doc-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(10_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return Result(status: p.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    static func folio(_ arguments: [String], in directory: URL) throws -> Result {
        try run(ServerProcess.binary, arguments, in: directory)
    }

    static func bash(_ command: String, in directory: URL) throws -> Result {
        try run(URL(fileURLWithPath: "/bin/bash"), ["-c", command], in: directory)
    }

    /// A fresh scratch folder with a copy of Config/ (the default configuration and the sample
    /// content), as a user's working copy would have.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ServerProcess.repositoryRoot.appendingPathComponent("Config"),
                                         to: dir.appendingPathComponent("Config"))
        return dir
    }
}

/// `folio serve` in a folder, as a user runs it there (default database `data/folio.sqlite`,
/// default configuration), on a free loopback port.
final class FolderServer {
    let process = Process()
    let log: URL
    private(set) var port = 0

    init(in directory: URL) throws {
        log = directory.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = ServerProcess.binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"]
        process.currentDirectoryURL = directory
        process.environment = Tool.environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while port == 0, Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let r = text.range(of: "listening on http://127.0.0.1:") {
                port = Int(text[r.upperBound...].prefix(while: \.isNumber)) ?? 0
            } else {
                usleep(20_000)
            }
        }
        if port == 0 {
            stop()
            throw DocError("folio serve did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// A `shell` block: `$ ` commands, each followed by its expected output and optionally
/// `[exit N]`.
struct ShellSession {
    struct Step {
        var line: Int
        var command: String
        var expected: [String]
        var exitStatus: Int32
    }

    var block: DocBlock
    var steps: [Step] = []

    init(_ block: DocBlock) throws(DocError) {
        self.block = block
        var i = 0
        let lines = block.lines
        while i < lines.count {
            guard lines[i].hasPrefix("$ ") else {
                if lines[i].trimmingCharacters(in: .whitespaces).isEmpty { i += 1; continue }
                throw DocError("\(block.file):\(block.line + 1 + i): a shell example starts with a `$ ` command")
            }
            let start = i
            var command = String(lines[i].dropFirst(2))
            while command.hasSuffix("\\"), i + 1 < lines.count {
                command = String(command.dropLast()) + "\n" + lines[i + 1]
                i += 1
            }
            i += 1
            var expected: [String] = []
            while i < lines.count, !lines[i].hasPrefix("$ ") {
                expected.append(lines[i])
                i += 1
            }
            var status: Int32 = 0
            while expected.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { expected.removeLast() }
            if let last = expected.last, last.hasPrefix("[exit "), last.hasSuffix("]"), let n = Int32(last.dropFirst(6).dropLast()) {
                status = n
                expected.removeLast()
            }
            steps.append(Step(line: block.line + 1 + start, command: command, expected: expected, exitStatus: status))
        }
    }

    /// Runs every step in `directory` (with a server there when marked `serve`).
    func run(in directory: URL) -> [String] {
        var server: FolderServer?
        if block.marker.words.contains("serve") {
            do { server = try FolderServer(in: directory) } catch { return ["\(block.location): \(error)"] }
        }
        var problems: [String] = []
        for step in steps {
            let result: Tool.Result
            do { result = try Tool.bash(step.command, in: directory) } catch {
                problems.append("\(block.file):\(step.line): cannot run: \(error)")
                break
            }
            if result.status != step.exitStatus {
                problems.append("\(block.file):\(step.line): `\(step.command)` exited \(result.status), the example says \(step.exitStatus): \(result.output.prefix(600))")
                break
            }
            problems += Wildcard.lineMismatches(step.expected, result.output)
                .map { "\(block.file):\(step.line): `\(step.command)`: \($0); it printed: \(result.output.prefix(600))" }
        }
        if let server {
            let status = server.stop()
            if status != 0 { problems.append("\(block.location): folio serve exited \(status)") }
        }
        return problems
    }
}
