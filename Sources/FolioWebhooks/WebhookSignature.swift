import COpenSSL
import Foundation

/// Standard Webhooks signing (standardwebhooks.com): a secret `whsec_` + base64 of random
/// bytes; each message signed as `v1,` + base64(HMAC-SHA256(secret bytes, "id.timestamp.body")).
public enum WebhookSignature {
    /// A new secret: `whsec_` and 32 random bytes in base64.
    public static func newSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }).base64EncodedString()
    }

    /// The secret's key bytes, or nil when it is not `whsec_` + base64.
    public static func key(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))), !data.isEmpty else { return nil }
        return [UInt8](data)
    }

    /// The `webhook-signature` value for one attempt.
    public static func sign(id: String, timestamp: Int64, body: [UInt8], key: [UInt8]) -> String {
        let message = Array("\(id).\(timestamp).".utf8) + body
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count,
                         &mac, &length)
            }
        }
        return "v1," + Data(mac.prefix(Int(length))).base64EncodedString()
    }
}
