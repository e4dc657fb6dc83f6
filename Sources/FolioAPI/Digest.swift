import FolioContent

/// SHA-256 as hex, for strong ETags, token hashes and idempotency keys (the digest itself is
/// `SHA256Digest`'s).
enum Digest {
    /// SHA-256 as 64 lowercase hex digits.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digest = SHA256Digest.of(bytes)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first 16 bytes of SHA-256 as 32 lowercase hex digits (strong ETags; a miss-path cost).
    static func sha256Prefix(_ bytes: [UInt8]) -> String {
        String(sha256Hex(bytes).prefix(32))
    }
}
