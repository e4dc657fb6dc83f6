/// Finds the line on which a value sits in a JSON text, given its path
/// (`articles`, 3, `published_at`), so import errors can name a line.
/// Tolerant: stops at the first thing it does not understand.
enum JSONLocator {
    /// One step of a path into a JSON document.
    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    /// 1-based line of the value at `path`, or of the deepest prefix found.
    static func line(of path: [Step], in text: [UInt8]) -> Int {
        var scanner = Scanner(b: text)
        scanner.skipSpace()
        var best = scanner.line
        for step in path {
            guard scanner.descend(step) else { break }
            best = scanner.line
        }
        return best
    }

    /// Parses a dotted field path like `articles[3].authors[0]`.
    static func steps(_ field: String) -> [Step] {
        var steps: [Step] = []
        for part in field.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"),
                  let n = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indexes.insert(n, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { steps.append(.key(String(name))) }
            steps.append(contentsOf: indexes.map(Step.index))
        }
        return steps
    }

    private struct Scanner {
        let b: [UInt8]
        var i = 0
        var line = 1

        init(b: [UInt8]) { self.b = b }

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 {
                if b[i] == 0x0A { line += 1 }
                i += 1
            }
        }

        /// With `i` at a value, moves to the value at `step` inside it.
        mutating func descend(_ step: Step) -> Bool {
            guard i < b.count else { return false }
            switch step {
            case .key(let key):
                guard b[i] == 0x7B else { return false }
                i += 1
                while true {
                    skipSpace()
                    guard i < b.count, b[i] == 0x22, let name = readString() else { return false }
                    skipSpace()
                    guard i < b.count, b[i] == 0x3A else { return false }
                    i += 1
                    skipSpace()
                    if name == key { return true }
                    guard skipValue() else { return false }
                    skipSpace()
                    guard i < b.count, b[i] == 0x2C else { return false }
                    i += 1
                }
            case .index(let n):
                guard b[i] == 0x5B else { return false }
                i += 1
                skipSpace()
                var k = 0
                while k < n {
                    guard skipValue() else { return false }
                    skipSpace()
                    guard i < b.count, b[i] == 0x2C else { return false }
                    i += 1
                    skipSpace()
                    k += 1
                }
                return i < b.count && b[i] != 0x5D
            }
        }

        mutating func readString() -> String? {
            let start = i + 1
            i += 1
            while i < b.count, b[i] != 0x22 {
                if b[i] == 0x5C { i += 1 }
                i += 1
            }
            guard i < b.count else { return nil }
            let s = String(decoding: b[start..<i], as: UTF8.self)
            i += 1
            return s
        }

        mutating func skipValue() -> Bool {
            guard i < b.count else { return false }
            switch b[i] {
            case 0x22: return readString() != nil
            case 0x7B, 0x5B:
                var depth = 0
                while i < b.count {
                    switch b[i] {
                    case 0x22: guard readString() != nil else { return false }; continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { i += 1; return true }
                    case 0x0A: line += 1
                    default: break
                    }
                    i += 1
                }
                return false
            default:
                while i < b.count, !(b[i] == 0x2C || b[i] == 0x7D || b[i] == 0x5D || b[i] <= 0x20) { i += 1 }
                return true
            }
        }
    }
}
