import FolioContent
import CZlib

/// gzip (RFC 1952) compression through the system zlib.
enum Gzip {
    /// Compresses `input`; nil if zlib fails (the caller then serves the plain body).
    static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        // windowBits 15 + 16: gzip wrapper.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }
}

/// A gzip body made without compressing the article's body again: its stored DEFLATE stream
/// (`ServedBody.deflateSegment`, non-final blocks ending in a sync flush) between the compressed
/// bytes before it and after it, and a CRC combined from the three parts' (zlib's
/// `crc32_combine`). The parts around it are ~3 KB of an article's ~24 KB, so a gzip miss costs
/// compressing those instead of the whole (issue 15).
struct GzipStitch: Sendable {
    let body: ServedBody
    /// Where the body's members are in the response body.
    let range: Range<Int>

    /// The gzip member for `whole` (the response body, with `body`'s members at `range`), or nil
    /// if the body has no stored stream or zlib fails (the caller compresses the whole instead).
    func gzip(_ whole: [UInt8], level: Int32) -> [UInt8]? {
        guard let segment = body.deflateSegment, range.count == body.length, range.upperBound <= whole.count else { return nil }
        var stream = z_stream()
        // A small window and hash for ~3 KB of input: raw DEFLATE, windowBits 10, memLevel 2
        // (the decoder's own window is 32 KB whatever the encoder used).
        guard deflateInit2_(&stream, level, Z_DEFLATED, -10, 2, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let prefix = range.lowerBound, suffix = whole.count - range.upperBound
        var out = [UInt8]()
        out.reserveCapacity(segment.count + (prefix + suffix) / 2 + 64)
        out += [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]  // gzip header: deflate, no name, no time, Unix
        let ok = whole.withUnsafeBufferPointer { all -> Bool in
            // The bytes before: a full flush ends them byte-aligned and stops the bytes after
            // from referring back across the stored stream, which sits between them.
            guard Self.deflate(&stream, all[..<range.lowerBound], flush: Z_FULL_FLUSH, into: &out) else { return false }
            out.append(contentsOf: segment)
            return Self.deflate(&stream, all[range.upperBound...], flush: Z_FINISH, into: &out)
        }
        guard ok else { return nil }
        var crc = whole.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt(prefix)) }
        crc = crc32_combine(crc, uLong(body.crc), Int(body.length))
        let after = whole.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + range.upperBound, uInt(suffix)) }
        crc = crc32_combine(crc, after, Int(suffix))
        for v in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: whole.count)] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
        }
        return out
    }

    private static func deflate(_ stream: inout z_stream, _ input: UnsafeBufferPointer<UInt8>.SubSequence, flush: Int32,
                                into out: inout [UInt8]) -> Bool {
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 16
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        let rc: Int32 = out.withUnsafeMutableBufferPointer { dst in
            let src = UnsafeBufferPointer(rebasing: input)
            do {
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress! + start
                stream.avail_out = uInt(bound)
                return CZlib.deflate(&stream, flush)
            }
        }
        let written = bound - Int(stream.avail_out)
        out.removeSubrange((start + written)...)
        return (flush == Z_FINISH ? rc == Z_STREAM_END : rc == Z_OK && stream.avail_out > 0) && stream.avail_in == 0
    }
}
