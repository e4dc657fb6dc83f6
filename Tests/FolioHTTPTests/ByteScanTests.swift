import Testing
@testable import FolioHTTP

@Suite("SIMD byte scans")
struct ByteScanTests {
    /// Buffers of printable bytes with one odd byte placed at every position, in every length
    /// around the 16-byte block size, from starts that make the last block overlap, against a plain loop.
    @Test("firstOutside, firstOf and firstOutsideOrOf agree with a scalar loop")
    func agreesWithScalar() {
        for length in [0, 1, 15, 16, 17, 31, 32, 33, 47, 64, 70] {
            for position in -1..<length {
                for odd: UInt8 in [0x0D, 0x20, 0x3F, 0x7F, 0xC3] {
                    var bytes = (0..<length).map { UInt8(0x41 + $0 % 26) }
                    if position >= 0 { bytes[position] = odd }
                    bytes.withUnsafeBytes { buf in
                        for from in Set([0, 1, 5, 17, length - 17, length - 16, length - 15, length - 1, length]).filter({ $0 >= 0 && $0 <= length }) {
                            var outside = from
                            while outside < length, (0x21...0x7E).contains(buf[outside]) { outside += 1 }
                            #expect(ByteScan.firstOutside(buf, from: from, end: length, low: 0x21, high: 0x7E) == outside)
                            var of = from
                            while of < length, buf[of] != 0x3F, buf[of] != 0x0D { of += 1 }
                            #expect(ByteScan.firstOf(buf, from: from, end: length, 0x3F, 0x0D) == of)
                            var special = from
                            while special < length, (0x21...0x7E).contains(buf[special]), buf[special] != 0x3F,
                                  buf[special] != 0x5A { special += 1 }
                            #expect(ByteScan.firstOutsideOrOf(buf, from: from, end: length, low: 0x21, high: 0x7E, 0x3F, 0x5A) == special)
                        }
                    }
                }
            }
        }
    }
}
