import Testing
@testable import FolioHTTP

@Suite("Byte classes")
struct ByteClassTests {
    @Test("token characters are exactly RFC 9110's tchar, for all 256 bytes")
    func token() {
        let tchar = Set(Array("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8))
        for b in 0...255 {
            #expect(ByteClass.isToken(UInt8(b)) == tchar.contains(UInt8(b)), "byte \(b)")
        }
    }

    @Test("Host characters are exactly reg-name, IP-literal and port characters, for all 256 bytes")
    func host() {
        let allowed = Set(Array("-._~!$&'()*+,;=:[]%0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8))
        for b in 0...255 {
            #expect(ByteClass.isHostChar(UInt8(b)) == allowed.contains(UInt8(b)), "byte \(b)")
        }
    }

    @Test("Host validation agrees with the byte class at every position of a long value")
    func longHosts() {
        let good = Array("api.think-tank.example.org:8443".utf8) + Array("[::1]!$&'()*+,;=%7e_~".utf8)
        func valid(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { HeadSemantics.isValidHost($0, 0, $0.count) }
        }
        #expect(valid(good))
        for position in good.indices {
            for bad: UInt8 in [0x20, 0x22, 0x2F, 0x3C, 0x40, 0x5C, 0x7F, 0x80, 0xFF] {
                var bytes = good
                bytes[position] = bad
                #expect(!valid(bytes), "byte \(bad) at \(position)")
            }
        }
    }

    /// Short values sit after other head bytes (here: bytes no Host may hold), which the check
    /// reads as part of a 16-byte block and must ignore; every bad byte in the value still counts.
    @Test("short Host values after other bytes: only the value's bytes are judged")
    func shortHostsAfterOtherBytes() {
        let values = ["127.0.0.1:18190", "a", "localhost", "[::1]:8080", "x_y~z", "api.example.org:8443"]
        for value in values {
            for prefix: UInt8 in [0x00, 0x20, 0x2F, 0xFF] {
                let good = [UInt8](repeating: prefix, count: 20) + Array(value.utf8)
                func valid(_ bytes: [UInt8]) -> Bool {
                    bytes.withUnsafeBytes { HeadSemantics.isValidHost($0, 20, $0.count) }
                }
                #expect(valid(good), "\(value) after byte \(prefix)")
                for position in 20..<good.count {
                    for bad: UInt8 in [0x20, 0x2F, 0x40, 0x7F, 0xC3] {
                        var bytes = good
                        bytes[position] = bad
                        #expect(!valid(bytes), "\(value): byte \(bad) at \(position - 20)")
                    }
                }
            }
        }
    }
}
