import FolioHTTP

/// A request's query string as ordered, percent-decoded name/value pairs (`+` is a space).
/// Every route lists the names it knows; any other name is a 400, so typos are caught.
public struct QueryParameters: Sendable {
    public private(set) var pairs: [(name: String, value: String)] = []

    /// Parses `raw` (the bytes after `?`). Malformed escapes or invalid UTF-8 are a 400.
    public init(raw: some Collection<UInt8>) throws(APIError) {
        guard !raw.isEmpty else { return }
        var start = raw.startIndex
        while start < raw.endIndex {
            var end = start
            while end < raw.endIndex, raw[end] != 0x26 { end = raw.index(after: end) }
            let piece = raw[start..<end]
            if !piece.isEmpty {
                var eq = piece.startIndex
                while eq < piece.endIndex, piece[eq] != 0x3D { eq = piece.index(after: eq) }
                let rawName = piece[piece.startIndex..<eq]
                let rawValue = eq < piece.endIndex ? piece[piece.index(after: eq)...] : piece[eq..<eq]
                guard let name = PercentDecoding.decodeString(rawName, plusAsSpace: true) else {
                    throw APIError(400, "malformed query string: bad percent-encoding in a parameter name")
                }
                guard let value = PercentDecoding.decodeString(rawValue, plusAsSpace: true) else {
                    throw APIError.badParameter(name, "bad percent-encoding or invalid UTF-8")
                }
                pairs.append((name, value))
            }
            start = end < raw.endIndex ? raw.index(after: end) : end
        }
    }

    public var isEmpty: Bool { pairs.isEmpty }

    /// Refuses any parameter not in `allowed`.
    public func requireOnly(_ allowed: Set<String>) throws(APIError) {
        for (name, _) in pairs where !allowed.contains(name) {
            let shown = name.count > 64 ? String(name.prefix(64)) + "…" : name
            throw APIError(400, "unknown parameter \"\(shown)\"", errors: [(shown, "unknown parameter")])
        }
    }

    /// All values of `name`, comma lists split, empties refused.
    public func list(_ name: String) throws(APIError) -> [String] {
        var out: [String] = []
        for (n, v) in pairs where n == name {
            for part in v.split(separator: ",", omittingEmptySubsequences: false) {
                let item = part.trimmingSpaces
                if item.isEmpty { throw APIError.badParameter(name, "empty value") }
                out.append(item)
            }
        }
        return out
    }

    /// The single value of `name`; repeating it is a 400.
    public func single(_ name: String) throws(APIError) -> String? {
        var found: String?
        for (n, v) in pairs where n == name {
            if found != nil { throw APIError.badParameter(name, "given more than once") }
            found = v
        }
        return found
    }

    /// A positive integer within `range`, never silently clamped.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = try single(name) else { return nil }
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text) else {
            throw APIError.badParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        guard range.contains(n) else {
            throw APIError.badParameter(name, "must be from \(range.lowerBound) to \(range.upperBound), got \(n)")
        }
        return n
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self[...]
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
