import CFolioShim
import Glibc

/// The address a connection came from (IPv4 or IPv6), for decisions such as "loopback only"
/// and per-client limits. Behind a proxy this is the proxy.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes used for IPv4, 16 for IPv6.
    public let high: UInt64
    public let low: UInt64
    public let isIPv6: Bool

    public init(bytes: [UInt8], isIPv6: Bool) {
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
        for i in 8..<16 { l = l << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
        high = h
        low = l
        self.isIPv6 = isIPv6
    }

    /// An unknown peer (tests that build requests by hand).
    public static let unknown = PeerAddress(bytes: [], isIPv6: false)

    var bytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) } }

    /// 127.0.0.0/8, ::1, and IPv4-mapped 127.0.0.0/8.
    public var isLoopback: Bool {
        let b = bytes
        if !isIPv6 { return b[0] == 127 }
        if high == 0, low == 1 { return true }
        return high == 0 && b[8] == 0 && b[9] == 0 && b[10] == 0xFF && b[11] == 0xFF && b[12] == 127
    }

    public var description: String {
        let b = bytes
        if !isIPv6 { return "\(b[0]).\(b[1]).\(b[2]).\(b[3])" }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
