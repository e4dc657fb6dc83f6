/// A growable byte buffer in raw memory, for the bytes a connection copies into its output (heads,
/// small bodies): an append is a capacity check and a `memcpy`, with none of Array's generic
/// uniqueness and bounds bookkeeping. Owned by one connection on one event loop thread; the
/// raw memory never escapes except as a pointer lent to `sendmsg` while the buffer is alive.
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

    /// Makes room for `maxCount` more bytes and lets `body` write them through a cursor; keeps
    /// what it wrote. For composing a response head in one pass.
    @inline(__always)
    func appendInPlace(maxCount: Int, _ body: (inout ByteCursor) -> Void) -> Int {
        if count + maxCount > capacity || base == nil { grow(toAtLeast: count + maxCount) }
        var cursor = ByteCursor(start: base! + count, limit: maxCount)
        body(&cursor)
        count += cursor.written
        return cursor.written
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

/// Writes bytes forward into memory reserved by `GrowableBytes.appendInPlace`; never past its limit.
struct ByteCursor {
    private let start: UnsafeMutableRawPointer
    private let limit: Int
    private(set) var written = 0

    init(start: UnsafeMutableRawPointer, limit: Int) {
        self.start = start
        self.limit = limit
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let src = bytes.baseAddress, !bytes.isEmpty else { return }
        let n = bytes.count
        precondition(written + n <= limit)
        (start + written).copyMemory(from: src, byteCount: n)
        written += n
    }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        precondition(written < limit)
        (start + written).storeBytes(of: byte, as: UInt8.self)
        written += 1
    }

    @inline(__always)
    mutating func put(_ literal: StaticString) {
        put(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { put($0) }
    }

    /// A non-negative integer in decimal (at most 20 digits).
    @inline(__always)
    mutating func putDecimal(_ value: Int) {
        var v = UInt(max(0, value))
        var digits = 1
        var t = v
        while t >= 10 { t /= 10; digits += 1 }
        precondition(written + digits <= limit)
        var i = written + digits - 1
        repeat {
            (start + i).storeBytes(of: UInt8(0x30 + v % 10), as: UInt8.self)
            v /= 10
            i -= 1
        } while v > 0
        written += digits
    }
}
