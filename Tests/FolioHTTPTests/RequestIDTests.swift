import Testing
@testable import FolioHTTP

@Suite("Request ids")
struct RequestIDTests {
    @Test("made ids are the prefix in 8 hex digits, a dash and the counter in hex", arguments: [
        UInt64(0), 1, 9, 10, 15, 16, 255, 256, 4095, 4096, 1 << 32, (1 << 60) - 1, 1 << 60, .max,
    ])
    func made(number: UInt64) {
        let id = RequestID(prefixDigits: RequestID.hexDigits(0x0BAD_F00D), number: number)
        #expect(id.text == "0badf00d-" + String(number, radix: 16))
    }

    @Test("a generator counts up from 1 with its own prefix, and echoes a plain client id")
    func generator() {
        let g = RequestIDGenerator(prefix: 0xFFFF_0001)
        let plain = HTTPRequest(method: .get, target: "/")
        #expect(g.id(for: plain).text == "ffff0001-1")
        #expect(g.id(for: plain).text == "ffff0001-2")
        let given = HTTPRequest(method: .get, target: "/", headers: [("X-Request-Id", "trace-42.a_b")])
        #expect(g.id(for: given).text == "trace-42.a_b")
        let odd = HTTPRequest(method: .get, target: "/", headers: [("X-Request-Id", "bad id")])
        #expect(g.id(for: odd).text == "ffff0001-3")
    }
}
