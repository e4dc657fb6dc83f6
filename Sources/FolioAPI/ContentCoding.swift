import CBrotli
import CZstd

/// The content codings Folio sends (RFC 9110 §8.4): zstd (RFC 8878), Brotli (RFC 7932) and gzip
/// (RFC 1952), in the server's order of preference when a client accepts several equally.
/// Measured on 200 article responses of 26.6 KB (`Benchmarks/scripts/compressors.py`; the table
/// is in RESULTS.md): zstd level 3 compresses 4.49× in 60 µs, Brotli quality 4 4.64× in 260 µs,
/// gzip level 2 4.19× in 156 µs with zlib; so zstd first (the cheapest miss, smaller than
/// gzip), Brotli for clients without zstd (Safari), gzip for everyone else. gzip is made by
/// libdeflate (`Gzip`), and an article page's gzip form stitches its stored body (`GzipStitch`).
enum ContentCoding: Int, CaseIterable, Sendable {
    case zstd = 0, br, gzip

    /// The coding's token in Content-Encoding and Accept-Encoding.
    var token: String {
        switch self {
        case .zstd: "zstd"
        case .br: "br"
        case .gzip: "gzip"
        }
    }

    /// What the coding's strong ETag adds to the identity body's hash.
    var etagSuffix: String {
        switch self {
        case .zstd: "-zst"
        case .br: "-br"
        case .gzip: "-gz"
        }
    }

    /// `body` in this coding at the policy's level; nil if the library fails (the identity body
    /// is sent instead).
    func encode(_ body: [UInt8], policy: HeaderPolicy) -> [UInt8]? {
        switch self {
        case .gzip: Gzip.compress(body, level: policy.gzipLevel)
        case .br: Compressors.brotli(body, quality: policy.brotliQuality)
        case .zstd: Compressors.zstd(body, level: policy.zstdLevel)
        }
    }
}

/// Brotli and zstd one-shot compression through the system libraries.
enum Compressors {
    static func brotli(_ input: [UInt8], quality: Int32) -> [UInt8]? {
        var size = BrotliEncoderMaxCompressedSize(input.count)
        guard size > 0 else { return nil }
        var output = [UInt8](repeating: 0, count: size)
        let ok = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, inBuf.count, inBuf.baseAddress, &size,
                                      outBuf.baseAddress)
            }
        }
        guard ok == BROTLI_TRUE else { return nil }
        output.removeLast(output.count - size)
        return output
    }

    static func zstd(_ input: [UInt8], level: Int32) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let n = input.withUnsafeBytes { inBuf in
            output.withUnsafeMutableBytes { outBuf in
                ZSTD_compress(outBuf.baseAddress, outBuf.count, inBuf.baseAddress, inBuf.count, level)
            }
        }
        guard ZSTD_isError(n) == 0 else { return nil }
        output.removeLast(output.count - n)
        return output
    }
}

/// Accept-Encoding (RFC 9110 §12.5.3): the coding to send, by the client's q-values, then the
/// server's preference; nil for the identity body (nothing acceptable, or nothing asked).
/// `identity` and `*` with q=0 are not enforced with a 406: the identity body is sent then, as
/// most servers do.
enum AcceptEncoding {
    static func choose(_ value: ArraySlice<UInt8>?) -> ContentCoding? {
        guard let value, !value.isEmpty else { return nil }
        var quality: [Int] = [-1, -1, -1]  // per coding, in thousandths; -1: not named
        var wildcard = -1
        for part in value.split(separator: 0x2C) {
            var item = part[...]
            while item.first == 0x20 || item.first == 0x09 { item = item.dropFirst() }
            let semi = item.firstIndex(of: 0x3B) ?? item.endIndex
            var token = item[item.startIndex..<semi]
            while token.last == 0x20 || token.last == 0x09 { token = token.dropLast() }
            let q = qValue(item[semi...])
            func named(_ name: String) -> Bool {
                token.count == name.utf8.count && token.elementsEqual(name.utf8, by: { $0 | 0x20 == $1 })
            }
            if named("zstd") { quality[ContentCoding.zstd.rawValue] = q }
            else if named("br") { quality[ContentCoding.br.rawValue] = q }
            else if named("gzip") || named("x-gzip") { quality[ContentCoding.gzip.rawValue] = max(quality[ContentCoding.gzip.rawValue], q) }
            else if token.count == 1, token.first == 0x2A { wildcard = q }
        }
        var best: ContentCoding?
        var bestQ = 0
        for coding in ContentCoding.allCases {  // in preference order: a tie keeps the earlier
            let q = quality[coding.rawValue] >= 0 ? quality[coding.rawValue] : wildcard
            if q > bestQ {
                best = coding
                bestQ = q
            }
        }
        return best
    }

    /// The q parameter in thousandths (1000 when absent or malformed the lenient way: a
    /// parameter that is not q); 0 for q=0.
    static func qValue(_ params: ArraySlice<UInt8>) -> Int {
        let text = String(decoding: params, as: UTF8.self).replacingOccurrences(of: " ", with: "").lowercased()
        guard let r = text.range(of: "q=") else { return 1000 }
        let q = text[r.upperBound...].prefix { $0 != ";" }
        guard let value = Double(q), value >= 0, value <= 1 else { return 0 }
        return Int((value * 1000).rounded())
    }
}
