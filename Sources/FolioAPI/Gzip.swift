import CDeflate
import CZlib
import FolioContent
import Synchronization

/// gzip (RFC 1952) through libdeflate, whole buffers at a time. On this project's article
/// responses it compresses 3–4× faster than zlib at the same level and ratio (a 3.9 KB related
/// list: 18 µs at libdeflate level 1 against 76 µs for zlib level 1; RESULTS.md, issue 15).
enum Gzip {
    /// Compresses `input`; nil if the library fails (the caller then serves the plain body).
    static func compress(_ input: [UInt8], level: Int32) -> [UInt8]? {
        DeflateCompressors.with(level: level) { c in
            let bound = libdeflate_gzip_compress_bound(c, input.count)
            var out = [UInt8](repeating: 0, count: bound)
            let n = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in
                libdeflate_gzip_compress(c, i.baseAddress, i.count, o.baseAddress, o.count)
            } }
            guard n > 0 else { return nil }
            out.removeSubrange(n...)
            return out
        } ?? nil
    }
}

/// libdeflate compressors by level, kept for reuse: allocating one costs ~5 µs, a quarter of
/// compressing an article's related list.
enum DeflateCompressors {
    /// A compressor out of the pool is used by the one thread that took it, until it puts it back.
    private struct Idle: @unchecked Sendable { let pointer: OpaquePointer }
    private static let idle = Mutex<[Int32: [Idle]]>([:])
    private static let keptPerLevel = 8

    /// Runs `body` with a compressor for `level` (1–12); nil if none can be allocated.
    static func with<R>(level: Int32, _ body: (OpaquePointer) -> R) -> R? {
        let taken = idle.withLock { $0[level]?.popLast()?.pointer }
        guard let c = taken ?? libdeflate_alloc_compressor(level) else { return nil }
        defer {
            let back = Idle(pointer: c)
            let kept = idle.withLock { pools in
                guard pools[level, default: []].count < keptPerLevel else { return false }
                pools[level, default: []].append(back)
                return true
            }
            if !kept { libdeflate_free_compressor(c) }
        }
        return body(c)
    }
}

/// A gzip body made without compressing the article's body again: the bytes before it as stored
/// (uncompressed) DEFLATE blocks, its stored stream (`ServedBody.deflateSegment`: non-final
/// blocks ending in a sync flush), the bytes after it compressed as the final block, and a CRC
/// combined from the three parts' (zlib's `crc32_combine`). Only the ~4 KB after it (the related
/// list) is compressed per miss, instead of the whole ~15 KB (issue 15). The bytes before (~0.9
/// KB: id, title, dates, authors, tags) are not worth compressing: a compressed stream can only
/// end there byte-aligned and open with zlib, which took 70–80 µs for these 4.7 KB.
struct GzipStitch: Sendable {
    let body: ServedBody
    /// Where the body's members are in the response body.
    let range: Range<Int>

    /// The gzip member for `whole` (the response body, with `body`'s members at `range`), or nil
    /// if the body has no stored stream or the library fails (the caller compresses the whole).
    func gzip(_ whole: [UInt8], level: Int32) -> [UInt8]? {
        guard let segment = body.deflateSegment, range.count == body.length, range.upperBound <= whole.count else { return nil }
        let prefix = range.lowerBound, suffix = whole.count - range.upperBound
        var out = [UInt8]()
        out.reserveCapacity(prefix + segment.count + suffix / 2 + 64)
        out += [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]  // gzip header: deflate, no name, no time, Unix
        var at = 0
        while at < prefix {  // stored blocks: BFINAL 0, BTYPE 00, LEN, NLEN, the bytes
            let n = min(65_535, prefix - at)
            out += [0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out.append(contentsOf: whole[at..<(at + n)])
            at += n
        }
        out.append(contentsOf: segment)
        let start = out.count
        let written: Int? = DeflateCompressors.with(level: level) { c in
            let bound = libdeflate_deflate_compress_bound(c, suffix)
            out.append(contentsOf: repeatElement(0, count: bound))
            return whole.withUnsafeBytes { w in out.withUnsafeMutableBytes { o in
                libdeflate_deflate_compress(c, w.baseAddress! + range.upperBound, suffix, o.baseAddress! + start, bound)
            } }
        }
        guard let written, written > 0 else { return nil }
        out.removeSubrange((start + written)...)
        var crc = whole.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt(prefix)) }
        crc = crc32_combine(crc, uLong(body.crc), Int(body.length))
        let after = whole.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + range.upperBound, uInt(suffix)) }
        crc = crc32_combine(crc, after, Int(suffix))
        for v in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: whole.count)] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
        }
        return out
    }
}
