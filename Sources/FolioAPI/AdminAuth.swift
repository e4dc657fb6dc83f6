public import FolioContent
public import FolioHTTP
import Foundation
import Synchronization

/// How the write API is guarded (the `admin` settings).
public struct AdminSettings: Sendable {
    /// Accept writes over plain HTTP from addresses other than loopback (a proxy terminates TLS).
    public var allowPlaintext = false
    /// A write to an existing resource without `If-Match` is refused with 428.
    public var requireIfMatch = true
    /// Failed authentications from one address within `failureWindow` seconds before 429.
    public var maxFailures = 10
    public var failureWindow = 60.0
    /// How long an `Idempotency-Key`'s answer is kept, in seconds.
    public var idempotencyTTL: Int64 = 24 * 3600
    /// How long a preview link works, in seconds (`editorial.preview_days`).
    public var previewLifetime: Int64 = 7 * 24 * 3600

    public init() {}
}

/// API tokens: random, shown once, stored as SHA-256 only.
public enum APIToken {
    public static let scopes = ["content:write", "content:read-drafts", "admin"]

    /// "folio_" and 32 random bytes in base64url (43 characters).
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let b64 = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "folio_" + b64
    }

    public static func hash(_ token: String) -> String { Digest.sha256Hex(Array(token.utf8)) }

    /// Equal strings, in time that depends only on their lengths.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Checks a write request's bearer token and scope, refuses plain-HTTP writes from afar, and
/// slows down an address that keeps failing. Reads the store: call off the event loops.
public final class AdminAuth: Sendable {
    let store: SQLiteStore
    public let settings: AdminSettings
    private let failures = Mutex<[PeerAddress: (count: Int, since: Double)]>([:])
    /// Idempotency keys whose write is running now (token name + key).
    private let running = Mutex<Set<String>>([])

    /// Marks `key` of `token` as running; false when it already is (a retry while the first is
    /// still being processed).
    func begin(token: String, key: String) -> Bool {
        running.withLock { $0.insert(token + "\u{0}" + key).inserted }
    }

    func end(token: String, key: String) {
        _ = running.withLock { $0.remove(token + "\u{0}" + key) }
    }

    public init(store: SQLiteStore, settings: AdminSettings) {
        self.store = store
        self.settings = settings
    }

    /// The token behind `request` if it may use `scope` (nil: any scope, for reads that only show
    /// more); else the problem to answer (401, 403, 429, or 403 for a plaintext write from afar).
    /// Nothing is written in any refusal.
    public func authorize(_ request: HTTPRequest, scope: String?) -> Result<TokenRecord, APIError> {
        if scope != nil, !settings.allowPlaintext, !request.peer.isLoopback, request.peer != .unknown {
            return .failure(APIError(403, "writes need HTTPS: this server takes them over plain HTTP only from loopback "
                                          + "(set admin.allow_plaintext when a proxy in front terminates TLS)"))
        }
        let now = MonotonicClock.now()
        if let f = failures.withLock({ $0[request.peer] }), now - f.since < settings.failureWindow, f.count >= settings.maxFailures {
            var e = APIError(429, "too many failed authentications from this address; wait and try again")
            e.retryAfter = Int((settings.failureWindow - (now - f.since)).rounded(.up))
            return .failure(e)
        }
        guard let header = request.header("authorization") else {
            return .failure(Self.unauthorized("this request needs a token: Authorization: Bearer <token>"))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            fail(request.peer, now)
            return .failure(Self.unauthorized("the Authorization header must be: Bearer <token>"))
        }
        let presented = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let hash = APIToken.hash(presented)
        guard let record = try? store.token(hash: hash), APIToken.constantTimeEqual(record.hash, hash), record.revokedAt == nil else {
            fail(request.peer, now)
            return .failure(Self.unauthorized("the token is not valid (unknown or revoked)"))
        }
        if let scope, record.scope != "admin", record.scope != scope {
            return .failure(APIError(403, "the token \"\(record.name)\" has scope \(record.scope); this request needs \(scope)"))
        }
        return .success(record)
    }

    static func unauthorized(_ detail: String) -> APIError {
        var e = APIError(401, detail)
        e.headers = [("WWW-Authenticate", "Bearer realm=\"folio\"")]
        return e
    }

    private func fail(_ peer: PeerAddress, _ now: Double) {
        failures.withLock { table in
            if var f = table[peer], now - f.since < settings.failureWindow {
                f.count += 1
                table[peer] = f
            } else {
                table[peer] = (1, now)
            }
            if table.count > 10_000 { table = table.filter { now - $0.value.since < settings.failureWindow } }
        }
    }
}
