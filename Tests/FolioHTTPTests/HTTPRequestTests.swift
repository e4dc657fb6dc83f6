import Testing
@testable import FolioHTTP

@Suite("Request header lookup")
struct HTTPRequestTests {
    static let names: [StaticString] = [
        "host", "accept", "accept-encoding", "accept-language", "if-none-match", "if-modified-since", "origin",
        "x-request-id", "user-agent", "cookie", "connection", "a", "te", "x", "expectation", "dnt",
    ]

    /// Every subset of a list of names (as sent, in mixed case): each present name is found with
    /// its value, each absent one is not, whether the summary rules it out or the scan does.
    @Test("present names are found, absent ones are not")
    func lookups() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<300 {
            var sent: [(String, String)] = []
            var present: [String: String] = [:]
            for name in Self.names where rng.next() % 2 == 0 {
                let lower = name.description
                let mixed = String(lower.enumerated().map { i, ch in i % 2 == 0 ? Character(ch.uppercased()) : ch })
                let value = "v-\(lower)-\(rng.next() % 100)"
                sent.append((mixed, value))
                present[lower] = value
            }
            if present["host"] == nil { sent.append(("Host", "h")); present["host"] = "h" }
            let request = HTTPRequest(method: .get, target: "/x", headers: sent)
            #expect(request.fieldNames != .max, "the parser summarised the names")
            for name in Self.names {
                #expect(request.header(name) == present[name.description], "\(name) in \(sent)")
            }
        }
    }

    @Test("a request built without a summary scans every field")
    func noSummary() {
        let bytes = Array("GET / HTTP/1.1\r\nOrigin: o\r\n\r\n".utf8)
        let request = HTTPRequest(method: .get, version: .http11, head: bytes,
                                  fields: [HTTPFieldRange(nameStart: 16, nameEnd: 22, valueStart: 24, valueEnd: 25)],
                                  pathRange: 4..<5, queryRange: 5..<5)
        #expect(request.header("origin") == "o")
        #expect(request.header("accept") == nil)
    }
}

@Suite("Field name summary")
struct FieldNameSummaryTests {
    /// The names the server looks up on the hot path do not share a bit with each other or with
    /// fields clients commonly send, so their absence costs no scan.
    @Test("looked-up names have bits of their own")
    func separateBits() {
        let looked: [StaticString] = ["accept", "accept-encoding", "if-none-match", "if-modified-since", "origin", "x-request-id"]
        let common = ["host", "user-agent", "accept-language", "connection", "cache-control", "pragma", "cookie", "referer",
                      "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-ch-ua", "upgrade-insecure-requests",
                      "x-forwarded-for", "x-forwarded-proto", "x-real-ip", "authorization", "content-type", "content-length",
                      "te", "dnt", "priority"]
        func bit(_ s: String) -> UInt64 {
            let b = Array(s.utf8)
            return FieldNameSummary.bit(length: b.count, first: b[0], last: b[b.count - 1])
        }
        for name in looked {
            let mine = FieldNameSummary.bit(name)
            #expect(mine == bit(name.description.uppercased()), "case-insensitive: \(name)")
            for other in common { #expect(bit(other) != mine, "\(name) and \(other)") }
            for other in looked where other.description != name.description {
                #expect(FieldNameSummary.bit(other) != mine, "\(name) and \(other)")
            }
        }
    }
}
