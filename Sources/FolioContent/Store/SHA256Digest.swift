import COpenSSL

/// SHA-256 through OpenSSL: the one call behind stored bodies' digests (`ServedBody`) and the
/// API's ETags, token hashes and idempotency keys (`Digest` in FolioAPI).
public enum SHA256Digest {
    /// The 32 bytes of the SHA-256 of `bytes`.
    public static func of(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        Array(bytes).withUnsafeBufferPointer { b in
            digest.withUnsafeMutableBufferPointer { d in _ = SHA256(b.baseAddress, b.count, d.baseAddress) }
        }
        return digest
    }
}
