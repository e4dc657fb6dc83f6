/// One "a value was already written here, so the next one needs a comma"
/// flag per nesting level, innermost level in bit 0.
///
/// The first 64 levels (the top level and 63 open containers) live in one
/// `UInt64`; deeper levels push the outermost flags into `spill`, so
/// ordinary documents never allocate for this bookkeeping.
struct CommaStack: Sendable {
    private var bits: UInt64 = 0
    private var spill: [Bool] = []
    /// Number of open containers.
    private(set) var depth = 0

    /// Whether the current level already holds a value (or key).
    var needsComma: Bool {
        @inline(__always) get { bits & 1 != 0 }
    }

    /// Marks the current level as holding a value.
    @inline(__always)
    mutating func setNeedsComma() {
        bits |= 1
    }

    /// Opens a new, empty level.
    @inline(__always)
    mutating func push() {
        if depth >= 63 {
            spill.append(bits >> 63 != 0)
        }
        bits <<= 1
        depth += 1
    }

    /// Closes the current level and returns to its parent.
    @inline(__always)
    mutating func pop() {
        precondition(depth > 0, "JSONWriter: end of a container that was never begun")
        bits >>= 1
        depth -= 1
        if let outer = spill.popLast(), outer {
            bits |= 1 << 63
        }
    }

    /// Back to the top level with nothing written.
    mutating func reset() {
        bits = 0
        depth = 0
        spill.removeAll()
    }
}
