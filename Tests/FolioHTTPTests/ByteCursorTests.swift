import Testing
@testable import FolioHTTP

@Suite("Byte cursor")
struct ByteCursorTests {
    /// Pieces of every length up to 40 (including empty ones, into a buffer not yet allocated), one
    /// after another from several starting offsets, give exactly the concatenation of the pieces.
    @Test("put writes each piece exactly, whatever its length")
    func piecesOfEveryLength() {
        let source = (0..<64).map { UInt8(0x21 + $0) }
        for lead in 0..<9 {
            let buffer = GrowableBytes()
            var expected: [UInt8] = []
            let leading = Array(source[0..<lead])
            _ = buffer.appendInPlace(maxCount: lead) { c in leading.withUnsafeBytes { c.put($0) } }
            expected += leading
            for n in 0...40 {
                let piece = Array(source[(n % 7)..<(n % 7 + n)])
                let wrote = buffer.appendInPlace(maxCount: n) { c in piece.withUnsafeBytes { c.put($0) } }
                #expect(wrote == n)
                expected += piece
            }
            #expect(buffer.array == expected, "leading \(lead)")
        }
    }

    @Test("literals, bytes and decimals in one pass")
    func mixed() {
        let buffer = GrowableBytes()
        _ = buffer.appendInPlace(maxCount: 80) { c in
            c.put("Content-Length: ")
            c.putDecimal(16686)
            c.put("\r\n")
            c.put(UInt8(0x41))
            c.put("")
            c.putDecimal(0)
            c.put("abc")
            c.putDecimal(Int.max)
        }
        #expect(String(decoding: buffer.array, as: UTF8.self) == "Content-Length: 16686\r\nA0abc9223372036854775807")
    }
}
