import FolioJSON

/// A small JSON tree with ordered objects, for documents built once (the OpenAPI description).
/// Literals make the document read like JSON; `write` encodes it with JSONWriter.
indirect enum JSONTree: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case object([(String, JSONTree)])
    case array([JSONTree])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONTree...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONTree)...) { self = .object(elements) }

    func write(to w: inout JSONWriter) {
        switch self {
        case .object(let pairs):
            w.beginObject()
            for (k, v) in pairs {
                w.key(k)
                v.write(to: &w)
            }
            w.endObject()
        case .array(let items):
            w.beginArray()
            for v in items { v.write(to: &w) }
            w.endArray()
        case .string(let s): w.string(s)
        case .int(let n): w.int(n)
        case .bool(let b): w.bool(b)
        case .null: w.null()
        }
    }

    /// The member `key` of an object.
    subscript(_ key: String) -> JSONTree? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// Object members (empty for other values).
    var members: [(String, JSONTree)] {
        if case .object(let pairs) = self { return pairs }
        return []
    }

    /// Adds or replaces a member of an object.
    mutating func set(_ key: String, _ value: JSONTree) {
        guard case .object(var pairs) = self else { return }
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
        self = .object(pairs)
    }
}
