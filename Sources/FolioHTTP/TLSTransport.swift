import CFolioTLS

/// TLS over a non-blocking socket through an OpenSSL session. The handshake runs inside the first
/// reads (with WANT_WRITE turned into `readWantsWrite`); writes copy the output queue's front into
/// the loop's 16 KiB record buffer, so a head and its body go out as one record, and resume with
/// the same bytes after WANT_WRITE (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER lets them move).
final class TLSTransport: Transport {
    let fd: Int32
    private let session: OpaquePointer
    /// Shared by the loop's TLS connections (only one writes at a time: the loop's thread).
    private let records: TLSRecordBuffer
    private(set) var readWantsWrite = false
    private(set) var writeWantsRead = false
    private(set) var isEstablished = false

    /// nil when OpenSSL cannot make a session (out of memory).
    init?(fd: Int32, context: TLSContext, records: TLSRecordBuffer) {
        guard let session = folio_tls_session_new(context.pointer, fd) else { return nil }
        self.fd = fd
        self.session = session
        self.records = records
    }

    deinit { folio_tls_session_free(session) }

    /// Reads what arrived (OpenSSL reads ahead: one read(2) for all of it), as long as OpenSSL
    /// holds more and `buffer` has room; the handshake, if it is not finished, goes on here.
    func read(into buffer: inout [UInt8]) -> Socket.IOResult {
        readWantsWrite = false
        var total = 0
        var end: Socket.IOResult?
        let capacity = buffer.count
        while total < capacity {
            let n = buffer.withUnsafeMutableBytes { folio_tls_read(session, $0.baseAddress! + total, Int32(capacity - total)) }
            if n > 0 {
                total += Int(n)
                // Like a plain read, one read(2) per event: go on only while OpenSSL holds bytes
                // already (epoll says when the socket has more), never to collect an EAGAIN.
                if folio_tls_pending(session) != 0 { continue }
                break
            }
            switch Int(n) {
            case FOLIO_TLS_WANT_READ: break
            case FOLIO_TLS_WANT_WRITE: readWantsWrite = true
            case FOLIO_TLS_CLOSED: end = .closed
            default: end = .failed(0)
            }
            break
        }
        if !isEstablished, folio_tls_handshake_done(session) != 0 { isEstablished = true }
        if total > 0 { return .bytes(total) }
        return end ?? .wouldBlock
    }

    func flush(_ output: inout OutputQueue) -> OutputQueue.Flush {
        writeWantsRead = false
        var wrote = 0
        while output.pendingBytes > 0 {
            let n = records.bytes.withUnsafeMutableBytes { record in
                let count = output.copyFront(into: record)
                return folio_tls_write(session, record.baseAddress, Int32(count))
            }
            if n > 0 {
                output.consume(Int(n))
                wrote += Int(n)
                continue
            }
            switch Int(n) {
            case FOLIO_TLS_WANT_WRITE: return .blocked(wrote: wrote)
            case FOLIO_TLS_WANT_READ:
                writeWantsRead = true
                return .blocked(wrote: wrote)
            default: return .failed
            }
        }
        return .drained(wrote: wrote)
    }

    var hasPendingData: Bool { folio_tls_pending(session) > 0 }

    func shutdownWrite() {
        folio_tls_shutdown(session)
        Socket.shutdownWrite(fd)
    }

    /// Whether this connection resumed an earlier session (no full handshake).
    var resumedSession: Bool { folio_tls_session_reused(session) != 0 }
    /// Whether the kernel encrypts what this connection sends (kTLS).
    var kernelTLS: Bool { folio_tls_ktls_send(session) != 0 }
}

/// One event loop's buffer for composing TLS records: 16 KiB, a record's largest payload.
final class TLSRecordBuffer {
    var bytes = [UInt8](repeating: 0, count: 16 * 1024)
}
