import CFolioCurl
import Glibc

/// Posts over HTTP(S) through libcurl, reusing connections to an endpoint. One per thread (it
/// owns a curl handle); blocking.
final class WebhookPoster {
    private let client: OpaquePointer

    init?() {
        guard let c = folio_http_client_new() else { return nil }
        client = c
    }

    deinit { folio_http_client_free(client) }

    /// What an attempt got: an HTTP status, or no answer (with why, and whether it timed out).
    struct Answer {
        var status: Int?
        var error: String
        var timedOut: Bool
    }

    func post(url: String, headers: [String], body: [UInt8], timeoutMilliseconds: Int) -> Answer {
        let lines = headers.map { strdup($0) }
        defer { lines.forEach { free($0) } }
        let pointers = lines.map { UnsafePointer($0) }
        var result = body.withUnsafeBytes { b in
            folio_http_post(client, url, pointers, Int32(pointers.count), b.baseAddress, b.count, timeoutMilliseconds)
        }
        let error = withUnsafeBytes(of: &result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return Answer(status: result.status > 0 ? Int(result.status) : nil, error: error, timedOut: result.timed_out != 0)
    }
}
