/// Response bytes waiting to be written to one connection, in order. Small pieces (heads, small
/// bodies) are copied into one reusable raw buffer, `copied`; large bodies are queued by reference
/// (no copy). The queue is a list of segments, each a range of `copied` or a shared body, so a head
/// copied before a large body keeps its place: a fully written queue keeps its buffers and
/// allocates nothing on the next response. Used in place only (a connection's own queue): a copy
/// would share the copied bytes' buffer.
public struct OutputQueue {
    /// One piece of output: `shared` bytes, or (when nil) the range `start..<end` of `copied`.
    private struct Segment {
        var shared: [UInt8]?
        var start: Int
        var end: Int
    }

    private let copied = GrowableBytes()
    private var segments: [Segment] = []
    /// The first segment not fully written, and how much of it was written.
    private var first = 0
    private var offset = 0
    public private(set) var pendingBytes = 0

    /// Bodies at least this large are queued by reference instead of copied.
    static let shareThreshold = 16 * 1024
    /// A drained `copied` buffer larger than this is released instead of kept for the next response.
    static let keptCapacity = 256 * 1024

    /// The copied bytes queued so far (tests).
    var tail: [UInt8] { copied.array }

    public init() {}

    public var isEmpty: Bool { pendingBytes == 0 }

    public mutating func append(_ bytes: [UInt8]) {
        if bytes.count >= Self.shareThreshold {
            segments.append(Segment(shared: bytes, start: 0, end: bytes.count))
            pendingBytes += bytes.count
        } else {
            bytes.withUnsafeBytes { appendCopy($0) }
        }
    }

    mutating func append(_ byte: UInt8) {
        copied.append(byte)
        grewTail(by: 1)
    }

    public mutating func append(_ literal: StaticString) {
        appendCopy(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Copies `bytes` into `copied`.
    mutating func appendCopy(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        copied.append(bytes)
        grewTail(by: bytes.count)
    }

    /// Copies up to `maxCount` bytes written through a cursor (a response head, in one pass).
    mutating func appendInPlace(maxCount: Int, _ body: (inout ByteCursor) -> Void) {
        let n = copied.appendInPlace(maxCount: maxCount, body)
        if n > 0 { grewTail(by: n) }
    }

    mutating func appendDecimal(_ value: Int) {
        appendInPlace(maxCount: 20) { $0.putDecimal(value) }
    }

    /// The last `count` bytes of `copied` are new: extend the last segment or start one.
    @inline(__always)
    private mutating func grewTail(by count: Int) {
        pendingBytes += count
        let end = copied.count
        if let last = segments.indices.last, segments[last].shared == nil, segments[last].end == end - count {
            segments[last].end = end
        } else {
            segments.append(Segment(shared: nil, start: end - count, end: end))
        }
    }

    /// What a flush achieved.
    public enum Flush: Sendable, Equatable { case drained(wrote: Int), blocked(wrote: Int), failed }

    /// Segments gathered into one write (a head and its body take two; pipelined responses more).
    static let maxGather = 16

    /// Writes as much as the socket takes now: one `send`, or one `sendmsg` gathering up to
    /// `maxGather` segments.
    mutating func flush(to fd: Int32) -> Flush {
        var wrote = 0
        while pendingBytes > 0 {
            let result: Socket.IOResult
            if first + 1 == segments.count {
                result = withBytes(of: first, from: offset) { Socket.write(fd, $0) }
            } else if first + 2 == segments.count {  // the usual case: a head and its body
                result = withBytes(of: first, from: offset) { a in withBytes(of: first + 1, from: 0) { b in Socket.write(fd, a, b) } }
            } else {
                result = Socket.withGather(capacity: Self.maxGather) { gather(0, $0, fd) }
            }
            switch result {
            case .bytes(let n):
                wrote += n
                consume(n)
            case .wouldBlock:
                return .blocked(wrote: wrote)
            case .closed, .failed:
                return .failed
            }
        }
        return .drained(wrote: wrote)
    }

    /// Fills `iov[k...]` with the segments from `first + k` on, each lent for the duration of the
    /// nested call, then writes them all with one call.
    private func gather(_ k: Int, _ vectors: Socket.Gather, _ fd: Int32) -> Socket.IOResult {
        if k == vectors.capacity || first + k == segments.count { return Socket.write(fd, vectors, count: k) }
        return withBytes(of: first + k, from: k == 0 ? offset : 0) { bytes in
            vectors.set(k, bytes)
            return gather(k + 1, vectors, fd)
        }
    }

    /// Lends segment `index`'s bytes, less the first `skip`, to `body`.
    private func withBytes<R>(of index: Int, from skip: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let s = segments[index]
        if let shared = s.shared {
            return shared.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[(s.start + skip)..<s.end])) }
        }
        return body(copied.bytes((s.start + skip)..<s.end))
    }

    /// Copies the first unwritten bytes, as many as fit in `buffer`, without consuming them
    /// (a TLS record is composed from them; `consume` follows with what was sent).
    public func copyFront(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var filled = 0
        var index = first
        var skip = offset
        while filled < buffer.count, index < segments.count {
            filled += withBytes(of: index, from: skip) { bytes in
                let n = min(bytes.count, buffer.count - filled)
                buffer.baseAddress!.advanced(by: filled).copyMemory(from: bytes.baseAddress!, byteCount: n)
                return n
            }
            index += 1
            skip = 0
        }
        return filled
    }

    /// Drops the first `count` unwritten bytes (they were sent).
    public mutating func consume(_ count: Int) {
        var n = count
        pendingBytes -= n
        while n > 0, first < segments.count {
            let left = segments[first].end - segments[first].start - offset
            if n < left {
                offset += n
                return
            }
            n -= left
            segments[first].shared = nil  // release a written body now
            first += 1
            offset = 0
        }
        if pendingBytes == 0 { reset() }
    }

    /// Forgets written segments, keeping the buffers' capacity (unless `copied` grew very large).
    private mutating func reset() {
        copied.removeAll(keepingCapacityUpTo: Self.keptCapacity)
        segments.removeAll(keepingCapacity: true)
        first = 0
        offset = 0
    }

    /// Drops everything queued (the connection is closing).
    public mutating func discard() {
        pendingBytes = 0
        reset()
    }
}
