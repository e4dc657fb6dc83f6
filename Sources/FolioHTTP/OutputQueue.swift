/// Response bytes waiting to be written to one connection, in order. Small pieces (heads, small
/// bodies) are copied into a reusable tail buffer; large bodies are queued by reference (no copy).
/// A fully written queue allocates nothing on the next response.
struct OutputQueue {
    private var chunks: [[UInt8]] = []
    private var offset = 0  // into the first pending buffer: chunks[0], or `tail` when chunks is empty
    private(set) var tail: [UInt8] = []
    private(set) var pendingBytes = 0

    /// Bodies at least this large are queued by reference instead of copied.
    static let shareThreshold = 16 * 1024

    var isEmpty: Bool { pendingBytes == 0 }

    mutating func append(_ bytes: [UInt8]) {
        if bytes.count >= Self.shareThreshold {
            if !tail.isEmpty {
                chunks.append(tail)
                tail = []
            }
            chunks.append(bytes)
        } else {
            tail.append(contentsOf: bytes)
        }
        pendingBytes += bytes.count
    }

    mutating func append(_ byte: UInt8) {
        tail.append(byte)
        pendingBytes += 1
    }

    mutating func append(_ literal: StaticString) {
        let p = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        tail.append(contentsOf: p)
        pendingBytes += p.count
    }

    mutating func appendDecimal(_ value: Int) {
        var v = value
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - n] = UInt8(0x30 + v % 10)
                v /= 10
                n += 1
            } while v > 0 && n < 20
            tail.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - n)...]))
        }
        pendingBytes += n
    }

    /// What a flush achieved.
    enum Flush { case drained(wrote: Int), blocked(wrote: Int), failed }

    /// Writes as much as the socket takes now.
    mutating func flush(to fd: Int32) -> Flush {
        var wrote = 0
        while pendingBytes > 0 {
            let result: Socket.IOResult
            if chunks.isEmpty {
                result = Socket.write(fd, tail[offset...])
            } else if chunks.count >= 2 {
                result = Socket.write(fd, chunks[0][offset...], chunks[1])
            } else {
                result = Socket.write(fd, chunks[0][offset...], tail)
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

    private mutating func consume(_ count: Int) {
        var n = count
        pendingBytes -= n
        while n > 0 {
            if chunks.isEmpty {
                offset += n
                if offset == tail.count {
                    tail.removeAll(keepingCapacity: true)
                    offset = 0
                }
                return
            }
            let left = chunks[0].count - offset
            if n < left {
                offset += n
                return
            }
            n -= left
            chunks.removeFirst()
            offset = 0
        }
        if pendingBytes == 0, chunks.isEmpty, offset == tail.count {
            tail.removeAll(keepingCapacity: true)
            offset = 0
        }
    }

    /// Drops everything queued (the connection is closing).
    mutating func discard() {
        chunks.removeAll()
        tail.removeAll(keepingCapacity: true)
        offset = 0
        pendingBytes = 0
    }
}
