import CDeflate
import CZlib
import FolioJSON

/// An article's body in the form the store keeps and the API serves: the two JSON members
/// `"html":"…","text":"…"` escaped once, when the article is written, and deflated.
///
/// Why this form (issue 15): on the long tail every read is a cache miss, and building the body
/// there (UTF-8 validation of two 10 KB TEXT columns, JSON escaping at ~500 MB/s, SHA-256 for
/// the ETag) was a third of the miss. Here a miss reads one ~5 KB blob, inflates it with
/// libdeflate (23 µs for the generated corpus's 21 KB, against zlib's 57 µs) and copies it into
/// the response; the ETag hashes the stored digest, not the body; and a gzip response stitches
/// the stored DEFLATE stream between the compressed parts that change (`deflateSegment`).
/// Stored this way a body is 5.5 KB instead of 21 KB of html and text (zlib level 1, generated
/// corpus), which with the Markdown source deflated beside it keeps the store under 20 KB per
/// article.
///
/// Layout of `bytes` (integers little-endian):
///
/// | offset | size | |
/// |---|---|---|
/// | 0 | 1 | format: 1 = deflated, 0 = plain (the members as they are) |
/// | 1 | 4 | length of the members |
/// | 5 | 4 | CRC-32 of the members (gzip's) |
/// | 9 | 4 | offset of `,"text":` in the members |
/// | 13 | 16 | the first 16 bytes of the members' SHA-256 (for ETags) |
/// | 29 | … | the members: plain, or raw DEFLATE ending in a sync flush, then an empty final block |
///
/// The sync flush leaves the stream byte-aligned and open, so that it can be continued by the
/// blocks that follow it in a gzip response; the two-byte final block (`03 00`) makes it a
/// complete stream for inflating on its own.
public struct ServedBody: Sendable, Hashable {
    /// The stored form (see the type's comment).
    public let bytes: [UInt8]

    static let headerSize = 29
    /// A placeholder (an evicted cache slot).
    static let empty = ServedBody(html: "", text: "", compress: false)
    /// The empty final block that closes a stored stream (fixed Huffman, end of block).
    static let finalBlock: [UInt8] = [0x03, 0x00]
    /// zlib level for stored bodies, by measurement on the generated corpus (21 KB of members):
    /// level 1 gives 5.5 KB in 272 µs, level 4 4.9 KB in 346 µs. Level 1, because writes and
    /// `folio generate` pay it and reads inflate at the same speed whatever the level.
    /// (libdeflate is three times faster, but always ends its stream with a final block, which
    /// a gzip response cannot continue.)
    static let compressionLevel: Int32 = 1

    /// Wraps a stored form read back from the store; nil if it is not one.
    public init?(stored: [UInt8]) {
        guard stored.count >= Self.headerSize, stored[0] <= 1 else { return nil }
        bytes = stored
        guard Int(textOffset) <= length,
              isDeflated ? stored.count >= Self.headerSize + Self.finalBlock.count : stored.count - Self.headerSize == length
        else { return nil }
    }

    /// The served form of `html` and `text`, deflated unless `compress` is false (bodies from a
    /// remote store, held only in memory).
    public init(html: String, text: String, compress: Bool = true) {
        var w = JSONWriter(capacity: html.utf8.count + text.utf8.count + 64)
        w.beginObject()
        w.field("html", html)
        let textOffset = w.bytes.count - 1
        w.field("text", text)
        w.endObject()
        let members = w.bytes[1..<(w.bytes.count - 1)]
        var out = [UInt8]()
        out.reserveCapacity(Self.headerSize + (compress ? members.count / 3 : members.count))
        out.append(compress ? 1 : 0)
        Self.appendUInt32(UInt32(members.count), to: &out)
        Self.appendUInt32(Self.crc32(members), to: &out)
        Self.appendUInt32(UInt32(textOffset), to: &out)
        out.append(contentsOf: SHA256Digest.of(members).prefix(16))
        if compress {
            Self.deflateSynced(members, level: Self.compressionLevel, into: &out)
            out.append(contentsOf: Self.finalBlock)
        } else {
            out.append(contentsOf: members)
        }
        bytes = out
    }

    /// Length in bytes of the members once inflated.
    public var length: Int { Int(Self.uint32(bytes, at: 1)) }
    /// CRC-32 (gzip's) of the members.
    public var crc: UInt32 { Self.uint32(bytes, at: 5) }
    var textOffset: UInt32 { Self.uint32(bytes, at: 9) }
    /// The first 16 bytes of the members' SHA-256: changes whenever the members do.
    public var digest: ArraySlice<UInt8> { bytes[13..<29] }
    public var isDeflated: Bool { bytes[0] == 1 }

    /// The stored DEFLATE blocks without their final block, for a gzip stream to continue (nil
    /// for a plain body).
    public var deflateSegment: ArraySlice<UInt8>? {
        isDeflated ? bytes[Self.headerSize..<(bytes.count - Self.finalBlock.count)] : nil
    }

    /// The members, `"html":"…","text":"…"`, appended to `out`. Throws if the stored stream is
    /// damaged.
    public func appendMembers(to out: inout [UInt8]) throws(ServedBodyError) {
        guard isDeflated else {
            out.append(contentsOf: bytes[Self.headerSize...])
            return
        }
        let start = out.count, n = length
        out.reserveCapacity(start + n)
        var produced = 0
        let result = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointerGrowing(by: n) { dst in
                Inflater.shared.inflate(src[Self.headerSize...], into: dst, produced: &produced)
            }
        }
        // The CRC check (libdeflate's, ~1 µs for 21 KB) turns a damaged stream that still
        // inflates to the right length into an error instead of wrong bytes in a response.
        guard result, produced == n, out.withUnsafeBytes({ UInt32(libdeflate_crc32(0, $0.baseAddress.map { $0 + start }, n)) }) == crc else {
            out.removeSubrange(start...)
            throw ServedBodyError.damaged
        }
    }

    /// The members inflated.
    public func members() throws(ServedBodyError) -> [UInt8] {
        var out = [UInt8]()
        try appendMembers(to: &out)
        return out
    }

    /// `"html":"…"` alone, escaped as served.
    public func htmlMember() throws(ServedBodyError) -> ArraySlice<UInt8> {
        try members()[..<Int(textOffset)]
    }

    /// `"text":"…"` alone, escaped as served.
    public func textMember() throws(ServedBodyError) -> ArraySlice<UInt8> {
        try members()[(Int(textOffset) + 1)...]
    }

    /// html and text as strings (feeds, JSON-LD, the full-text index, exports).
    public func decoded() throws(ServedBodyError) -> (html: String, text: String) {
        var object: [UInt8] = [UInt8(ascii: "{")]
        try appendMembers(to: &object)
        object.append(UInt8(ascii: "}"))
        guard let value = try? JSONParser().parse(object), let html = value["html"]?.string, let text = value["text"]?.string else {
            throw ServedBodyError.damaged
        }
        return (html, text)
    }

    /// The plain text alone (the full-text index's source, `folio_body_text` in SQL, once per
    /// snippet and per replaced index entry): only the text member is parsed.
    public func text() throws(ServedBodyError) -> String {
        let object = [UInt8(ascii: "{")] + (try textMember()) + [UInt8(ascii: "}")]
        guard let text = (try? JSONParser().parse(object))?["text"]?.string else { throw ServedBodyError.damaged }
        return text
    }

    /// Approximate heap bytes, for the body cache's budget.
    var byteCost: Int { bytes.count + 48 }

    // MARK: helpers

    /// Appends `v` little-endian.
    public static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    static func uint32(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    /// gzip's CRC-32 (libdeflate's: 1.7 µs for 21 KB against zlib's 7.6).
    static func crc32(_ bytes: some Collection<UInt8>) -> UInt32 {
        Array(bytes).withUnsafeBytes { b in UInt32(libdeflate_crc32(0, b.baseAddress, b.count)) }
    }

    /// Raw DEFLATE of `input` at `level`, ended by a sync flush (byte-aligned, not final).
    static func deflateSynced(_ input: some Collection<UInt8>, level: Int32, into out: inout [UInt8]) {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { fatalError("zlib: deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var source = Array(input)
        let bound = Int(deflateBound(&stream, uLong(source.count))) + 16
        let start = out.count
        var written = 0
        _ = source.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointerGrowing(by: bound) { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                let rc = deflate(&stream, Z_SYNC_FLUSH)
                precondition(rc == Z_OK && stream.avail_in == 0, "zlib: deflate did not take the whole body (bound too small)")
                written = dst.count - Int(stream.avail_out)
                return true
            }
        }
        out.removeSubrange((start + written)...)
    }
}

/// A stored body that does not inflate to what its header says.
public enum ServedBodyError: Error, Sendable {
    case damaged
}

/// Inflates with libdeflate, a decompressor allocated per call (about 10 KB, ~1 µs against the
/// 23 µs of a body): it keeps no state between calls, and a shared one would need a lock.
struct Inflater: Sendable {
    static let shared = Inflater()

    func inflate(_ src: UnsafeBufferPointer<UInt8>.SubSequence, into dst: UnsafeMutableBufferPointer<UInt8>, produced: inout Int) -> Bool {
        guard let d = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(d) }
        var actual = 0
        let rc = UnsafeBufferPointer(rebasing: src).withMemoryRebound(to: UInt8.self) { s in
            libdeflate_deflate_decompress(d, s.baseAddress, s.count, dst.baseAddress, dst.count, &actual)
        }
        produced = actual
        return rc == LIBDEFLATE_SUCCESS
    }
}

extension Array where Element == UInt8 {
    /// Grows the array by `count` bytes (zeroed), lets `body` fill them, and keeps them only if it
    /// returns true (the caller trims what it did not write).
    @discardableResult
    mutating func withUnsafeMutableBufferPointerGrowing(by count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Bool) -> Bool {
        let start = self.count
        append(contentsOf: repeatElement(0, count: count))
        let ok = withUnsafeMutableBufferPointer { all in
            body(UnsafeMutableBufferPointer(rebasing: all[start...]))
        }
        if !ok { removeSubrange(start...) }
        return ok
    }
}
