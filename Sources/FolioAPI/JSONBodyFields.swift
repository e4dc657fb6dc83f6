import FolioJSON

/// The members of a write's JSON body, read with every problem collected as a JSON Pointer:
/// unknown members, missing required ones, members of the wrong type.
struct JSONBodyFields {
    let value: JSONValue

    /// Notes a body that is not an object, and every member not in `known`.
    init(_ value: JSONValue, known: Set<String>, into problems: inout [(String, String)]) {
        self.value = value
        guard let members = value.members else {
            problems.append(("", "the body must be a JSON object"))
            return
        }
        for m in members where !known.contains(m.name) {
            problems.append(("/" + ArticleWriteInput.escape(m.name), "unknown field (known: \(known.sorted().joined(separator: ", ")))"))
        }
    }

    /// A string member (absent or null: nil).
    func string(_ key: String, _ problems: inout [(String, String)], required: Bool = false) -> String? {
        switch value[key] {
        case nil, .null?:
            if required { problems.append(("/" + key, "is required")) }
            return nil
        case .string(let s)?: return s
        case let other?:
            problems.append(("/" + key, "must be a string, not \(other.kind)"))
            return nil
        }
    }

    /// An array of strings (absent or null: empty).
    func strings(_ key: String, _ problems: inout [(String, String)], required: Bool = false) -> [String] {
        switch value[key] {
        case nil, .null?:
            if required { problems.append(("/" + key, "is required")) }
            return []
        case .array(let items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                if let s = item.string { out.append(s) } else { problems.append(("/\(key)/\(i)", "must be a string, not \(item.kind)")) }
            }
            return out
        case let other?:
            problems.append(("/" + key, "must be an array of strings, not \(other.kind)"))
            return []
        }
    }
}
