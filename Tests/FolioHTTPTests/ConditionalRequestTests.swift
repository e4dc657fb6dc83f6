import Foundation
import Testing
@testable import FolioHTTP

/// RFC 9110 §13 conditional GET for static files (`Conditional`, used by `StaticFiles`):
/// If-None-Match compares weakly and takes lists and `*`; If-Modified-Since is only looked at
/// when there is no If-None-Match (§13.1.3, §13.2.2).
@Suite("Conditional requests")
struct ConditionalRequestTests {
    static let modified = Date(timeIntervalSince1970: 1_700_000_000)
    static let lastModified = "Tue, 14 Nov 2023 22:13:20 GMT"
    static let before = "Tue, 14 Nov 2023 22:13:19 GMT"
    static let after = "Wed, 15 Nov 2023 00:00:00 GMT"

    /// One file, its 200 response and ETag.
    static func file() throws -> (PublicFolder, StaticFiles, String) {
        let p = try PublicFolder()
        try p.write("page.html", "<p>page</p>", modified: modified)
        let files = p.files()
        let etag = try #require(get(files, "/page.html")?.header("ETag"))
        return (p, files, etag)
    }

    static func status(_ files: StaticFiles, _ headers: [(String, String)]) -> Int? {
        get(files, "/page.html", headers)?.status
    }

    @Test func notModifiedCarriesValidatorsAndNoBody() throws {
        let (p, files, etag) = try Self.file()
        defer { withExtendedLifetime(p) {} }
        let ok = try #require(get(files, "/page.html"))
        #expect(ok.status == 200 && ok.header("Last-Modified") == Self.lastModified)
        let r = try #require(get(files, "/page.html", [("If-None-Match", etag)]))
        #expect(r.status == 304)
        #expect(r.body.isEmpty)
        #expect(r.header("ETag") == etag)
        #expect(r.header("Last-Modified") == Self.lastModified)
        #expect(r.header("Cache-Control") == "public, max-age=300")
        #expect(r.header("Content-Type") == nil)
        let head = files.response(for: HTTPRequest(method: .head, target: "/page.html", headers: [("If-None-Match", etag)]))
        #expect(head?.status == 304)
    }

    @Test func ifNoneMatchForms() throws {
        let (p, files, etag) = try Self.file()
        defer { withExtendedLifetime(p) {} }
        let inner = String(etag.dropFirst().dropLast())
        let matching = [
            etag, "W/" + etag, "\"nope\", " + etag, "\"nope\"," + etag, "\"a\" ,  W/\(etag) ,\"b\"", "\(etag), \"nope\"",
            "*", " * ", "W/\"x\", \"y\", \(etag)",
        ]
        for value in matching {
            #expect(Self.status(files, [("If-None-Match", value)]) == 304, "\(value)")
        }
        let other = [
            "\"nope\"", inner, "W/\(inner)", "\"\(inner.uppercased())\"", "\"\(inner.dropLast())\"", "\"\(inner)x\"",
            "\"nope\", W/\"other\"", "", "**", "\"*\"", "w/\(etag)",
        ]
        for value in other {
            #expect(Self.status(files, [("If-None-Match", value)]) == 200, "\(value)")
        }
    }

    @Test func ifModifiedSince() throws {
        let (p, files, _) = try Self.file()
        defer { withExtendedLifetime(p) {} }
        #expect(Self.status(files, [("If-Modified-Since", Self.lastModified)]) == 304)
        #expect(Self.status(files, [("If-Modified-Since", Self.after)]) == 304)
        #expect(Self.status(files, [("If-Modified-Since", Self.before)]) == 200)
        #expect(Self.status(files, [("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")]) == 200)
        for invalid in ["yesterday", "", "2023-11-14T22:13:20Z", "Tue, 14 Nov 2023 22:13:20 PST", "Tue, 32 Nov 2023 22:13:20 GMT"] {
            #expect(Self.status(files, [("If-Modified-Since", invalid)]) == 200, "\(invalid)")
        }
    }

    @Test func ifNoneMatchWinsOverIfModifiedSince() throws {
        let (p, files, etag) = try Self.file()
        defer { withExtendedLifetime(p) {} }
        // A present If-None-Match decides alone, whichever way the date points.
        #expect(Self.status(files, [("If-None-Match", "\"nope\""), ("If-Modified-Since", Self.lastModified)]) == 200)
        #expect(Self.status(files, [("If-Modified-Since", Self.after), ("If-None-Match", "\"nope\"")]) == 200)
        #expect(Self.status(files, [("If-None-Match", etag), ("If-Modified-Since", Self.before)]) == 304)
        #expect(Self.status(files, [("If-None-Match", ""), ("If-Modified-Since", Self.lastModified)]) == 200)
    }

    /// A list-valued field may come as several lines, which mean the same as one comma-joined
    /// line (RFC 9110 §5.3): a match in any of them counts.
    @Test func ifNoneMatchOverSeveralLines() throws {
        let (p, files, etag) = try Self.file()
        defer { withExtendedLifetime(p) {} }
        #expect(Self.status(files, [("If-None-Match", "\"nope\""), ("If-None-Match", etag)]) == 304)
        #expect(Self.status(files, [("If-None-Match", etag), ("If-None-Match", "\"nope\"")]) == 304)
        #expect(Self.status(files, [("If-None-Match", "\"a\""), ("If-None-Match", "\"b\"")]) == 200)
        let request = HTTPRequest(method: .get, target: "/", headers: [("If-None-Match", "\"a\""), ("X", "y"), ("if-none-match", "\"b\"")])
        #expect(request.headerValues("if-none-match").map { String(decoding: $0, as: UTF8.self) } == ["\"a\"", "\"b\""])
        #expect(request.headerValues("if-match").isEmpty)
    }

    @Test func matchesComparesWeakly() {
        func m(_ list: String, _ etag: String) -> Bool { Conditional.matches(Array(list.utf8)[...], etag: etag) }
        #expect(m("\"a\"", "\"a\""))
        #expect(m("W/\"a\"", "\"a\""))
        #expect(m("\"a\"", "W/\"a\""))
        #expect(m("W/\"a\"", "W/\"a\""))
        #expect(!m("\"a\"", "\"b\""))
        #expect(!m("\"a\"", "\"A\""))
        #expect(m("*", "\"anything\""))
        #expect(m("\t\"x\",\t\"a\"", "\"a\""))
    }
}
