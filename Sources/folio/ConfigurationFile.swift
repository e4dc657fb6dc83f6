import FolioJSON

/// Reads typed values out of a parsed configuration file, with messages that name the file and
/// the key ("Config/folio.json: \"port\" must be an integer in 0...65535").
struct ConfigurationFile {
    let path: String

    func problem(_ key: String, _ must: String, _ value: JSONValue) -> Configuration.Problem {
        Configuration.Problem(description: "\(path): \"\(key)\" must be \(must) (it is \(Self.show(value)))")
    }

    func refuseUnknown(_ members: [JSONMember], known: Set<String>, prefix: String = "") throws(Configuration.Problem) {
        for m in members where !known.contains(m.name) {
            throw Configuration.Problem(
                description: "\(path): unknown key \"\(prefix)\(m.name)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ v: JSONValue, _ key: String) throws(Configuration.Problem) -> String {
        guard let s = v.string, !s.isEmpty else { throw problem(key, "a non-empty string", v) }
        return s
    }

    func strings(_ v: JSONValue, _ key: String) throws(Configuration.Problem) -> [String] {
        guard let items = v.array else { throw problem(key, "an array of strings", v) }
        var out: [String] = []
        for item in items {
            guard let s = item.string else { throw problem(key, "an array of strings", v) }
            out.append(s)
        }
        return out
    }

    func bool(_ v: JSONValue, _ key: String) throws(Configuration.Problem) -> Bool {
        guard let b = v.bool else { throw problem(key, "true or false", v) }
        return b
    }

    func int(_ v: JSONValue, _ key: String, _ range: ClosedRange<Int>) throws(Configuration.Problem) -> Int {
        guard let n = v.int, range.contains(n) else {
            throw problem(key, "an integer in \(range.lowerBound)...\(range.upperBound)", v)
        }
        return n
    }

    func seconds(_ v: JSONValue, _ key: String) throws(Configuration.Problem) -> Double {
        guard let n = v.double, n > 0, n <= 86_400 else { throw problem(key, "a number of seconds in (0, 86400]", v) }
        return n
    }

    func object(_ v: JSONValue, _ key: String) throws(Configuration.Problem) -> [JSONMember] {
        guard let m = v.members else { throw problem(key, "an object", v) }
        return m
    }

    /// A short rendering of a value for a message.
    static func show(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return "\"" + String(s.prefix(60)) + "\""
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
