import CFolioTLS
import Synchronization

/// An OpenSSL server context (certificate, key, protocol profile, session cache and ticket keys),
/// made once and shared by every event loop: OpenSSL 3 allows sessions to be made from one
/// context on many threads, and nothing changes a context after `init`. A reload makes a new one.
public final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    public let certificatePath: String
    public let keyPath: String

    /// Reads the certificate chain and the key (PEM). Throws a message naming the file that is
    /// unreadable, malformed or mismatched.
    public init(certificate: String, key: String) throws(TLSError) {
        var message = [CChar](repeating: 0, count: 512)
        guard let ctx = folio_tls_context_new(certificate, key, &message, message.count) else {
            throw TLSError(message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        pointer = ctx
        certificatePath = certificate
        keyPath = key
    }

    deinit { folio_tls_context_free(pointer) }

    /// Whether the kernel offers kernel TLS; only then do contexts ask OpenSSL for it.
    public static var kernelTLSOffered: Bool { folio_tls_kernel_offered() != 0 }

    /// Writes a self-signed ECDSA P-256 certificate for `host` and its key (mode 0600), for trying
    /// HTTPS on a development machine.
    public static func writeSelfSigned(host: String, days: Int, certificate: String, key: String) throws(TLSError) {
        var message = [CChar](repeating: 0, count: 512)
        guard folio_tls_self_signed(host, Int32(days), certificate, key, &message, message.count) == 0 else {
            throw TLSError(message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }
}

/// A TLS set-up problem, with the file it concerns in the message.
public struct TLSError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// The context new TLS connections use. `reload()` swaps in a context read from the same files:
/// connections already open keep the one they started with (OpenSSL counts its references),
/// and a file that fails to load leaves the current context in place.
public final class TLSContextHolder: Sendable {
    private let current: Mutex<TLSContext>

    public init(_ context: TLSContext) { current = Mutex(context) }

    public var context: TLSContext { current.withLock { $0 } }

    /// Reads the certificate and key again; on failure keeps the old context and throws.
    public func reload() throws(TLSError) {
        let old = context
        let new = try TLSContext(certificate: old.certificatePath, key: old.keyPath)
        current.withLock { $0 = new }
    }
}

/// HTTPS settings for the server.
public struct TLSSettings: Sendable {
    /// What the plain-HTTP listener does when TLS is on.
    public enum PlainHTTP: String, Sendable {
        /// Serves the API over plain HTTP too (behind a proxy, or on loopback).
        case serve
        /// Answers every request with 308 to the same path on the HTTPS port.
        case redirect
        /// No plain listener at all.
        case off
    }

    public var context: TLSContextHolder
    /// The HTTPS port; 0 picks a free one (tests).
    public var port: Int
    /// Seconds a client has to finish the handshake.
    public var handshakeTimeout: Double = 10
    public var plainHTTP: PlainHTTP = .serve
    /// `Strict-Transport-Security: max-age=N` on HTTPS responses; 0 sends none.
    public var hstsMaxAge: Int = 0

    public init(context: TLSContextHolder, port: Int) {
        self.context = context
        self.port = port
    }
}
