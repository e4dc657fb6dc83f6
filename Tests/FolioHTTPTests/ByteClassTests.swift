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
}
