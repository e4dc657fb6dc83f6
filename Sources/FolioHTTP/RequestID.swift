import Synchronization

/// A request's `X-Request-Id`: the client's own value when it is short and plain, else one made
/// of a per-process random prefix and a counter (`3f9a01c2-1b`). A made id is formatted once, into
/// inline storage, and written from there into the response head and the access log: no String
/// and no allocation per request.
public struct RequestID: Sendable {
    /// A made id's ASCII bytes in fixed inline storage, and how many are used.
    private var made: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var madeCount = 0
    /// A client's id, when it sent an acceptable one.
    private var given: [UInt8]?

    /// Longest client-supplied id that is echoed.
    public static let maxGivenLength = 128

    /// The client's id, when it is 1–128 bytes of letters, digits, `-`, `_` and `.`.
    public init?(given bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty, bytes.count <= Self.maxGivenLength, bytes.allSatisfy(Self.isPlain) else { return nil }
        given = Array(bytes)
    }

    /// A prefix's 8 hex digits (`hexDigits`, formatted once by the generator), `-`, then `number`
    /// in hex (up to 16 digits).
    init(prefixDigits: UInt64, number: UInt64) {
        made.0 = prefixDigits
        madeCount = withUnsafeMutableBytes(of: &made) { out -> Int in
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            out[8] = 0x2D
            var n = number
            let width = max(1, (67 - n.leadingZeroBitCount) / 4)
            for i in stride(from: width - 1, through: 0, by: -1) {
                out[9 + i] = digits[Int(n & 0xF)]
                n >>= 4
            }
            return 9 + width
        }
    }

    /// `value` as 8 lowercase hex digits, in memory order.
    static func hexDigits(_ value: UInt32) -> UInt64 {
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { out in
            let hex: StaticString = "0123456789abcdef"
            var p = value
            for i in stride(from: 7, through: 0, by: -1) {
                out[i] = hex.utf8Start[Int(p & 0xF)]
                p >>= 4
            }
        }
        return word
    }

    static func isPlain(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E
    }

    /// Calls `body` with the id's bytes.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let given { return given.withUnsafeBytes(body) }
        var bytes = made
        return withUnsafeBytes(of: &bytes) { body(UnsafeRawBufferPointer(rebasing: $0[0..<madeCount])) }
    }

    /// The id as text (logs, tests).
    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}

/// Makes request ids: the client's `X-Request-Id` when it is acceptable, else a new one.
public final class RequestIDGenerator: Sendable {
    private let prefixDigits: UInt64
    private let counter = Atomic<UInt64>(0)

    public init(prefix: UInt32 = UInt32.random(in: 0...UInt32.max)) {
        prefixDigits = RequestID.hexDigits(prefix)
    }

    /// The id for `request`.
    public func id(for request: HTTPRequest) -> RequestID {
        if let given = request.headerBytes("x-request-id"), let id = RequestID(given: given) { return id }
        return RequestID(prefixDigits: prefixDigits, number: counter.add(1, ordering: .relaxed).newValue)
    }
}
