/// A growable byte buffer in raw memory, for the bytes a connection copies into its output (heads,
/// small bodies): an append is a capacity check and a `memcpy`, with none of Array's generic
/// uniqueness and bounds bookkeeping. Owned by one connection on one event loop thread; the
/// raw memory never escapes except as a pointer lent to `writev` while the buffer is alive.
final class GrowableBytes {
    private var base: UnsafeMutableRawPointer?
    private(set) var count = 0
    private(set) var capacity = 0

    init() {}

    deinit { base?.deallocate() }

    /// Appends `bytes`, growing the buffer (doubling) when it is full.
    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0, let src = bytes.baseAddress else { return }
        if count + n > capacity { grow(toAtLeast: count + n) }
        (base! + count).copyMemory(from: src, byteCount: n)
        count += n
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(toAtLeast: count + 1) }
        base!.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    private func grow(toAtLeast needed: Int) {
        let newCapacity = max(needed, capacity * 2, 1024)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        if let base {
            fresh.copyMemory(from: base, byteCount: count)
            base.deallocate()
        }
        base = fresh
        capacity = newCapacity
    }

    /// The bytes `range` of the buffer, valid until the next append or reset.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return UnsafeRawBufferPointer(start: base.map { $0 + range.lowerBound }, count: range.count)
    }

    /// Empties the buffer, keeping its memory unless it holds more than `keep` bytes.
    func removeAll(keepingCapacityUpTo keep: Int) {
        count = 0
        if capacity > keep {
            base?.deallocate()
            base = nil
            capacity = 0
        }
    }

    /// A copy of the contents (tests).
    var array: [UInt8] { Array(bytes(0..<count)) }
}
