import Testing
@testable import FolioHTTP

@Suite("HTTP dates")
struct HTTPDateTests {
    @Test("known epochs", arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
        (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ])
    func format(epoch: Int64, text: String) {
        #expect(HTTPDate.format(epoch) == text)
        #expect(HTTPDate.formatBytes(epoch).count == 29)
        #expect(HTTPDate.parse(text) == epoch)
    }

    @Test("round trip over many instants")
    func roundTrip() {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let epoch = Int64(x % 8_000_000_000)  // 1970 ... 2223
            #expect(HTTPDate.parse(HTTPDate.format(epoch)) == epoch)
        }
    }

    @Test("garbage is refused", arguments: [
        "", "garbage", "Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT ", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 19x4 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GM", "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sun, -6 Nov 1994 08:49:37 GMT",
    ])
    func garbage(_ text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }
}
