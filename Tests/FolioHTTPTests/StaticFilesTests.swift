import Foundation
import Testing
@testable import FolioHTTP

/// A Public/ folder in a fresh temporary directory (with a secret file beside it, outside),
/// removed when the value is deinitialised.
final class PublicFolder {
    let base: URL
    var root: URL { base.appendingPathComponent("Public") }
    static let secret = "secret outside Public 5d1e"

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("folio-static-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Self.secret.write(to: base.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: base) }

    func write(_ relative: String, _ text: String, modified: Date? = nil) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path) }
    }

    func files(cacheControl: String = "public, max-age=300", maxFileBytes: Int = 8 << 20) -> StaticFiles {
        StaticFiles(root: root.path, cacheControl: cacheControl, maxFileBytes: maxFileBytes)
    }
}

func get(_ files: StaticFiles, _ target: String, _ headers: [(String, String)] = []) -> HTTPResponse? {
    files.response(for: HTTPRequest(method: .get, target: target, headers: headers))
}

@Suite("Static files")
struct StaticFilesTests {
    static let modified = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT

    static func site() throws -> (PublicFolder, StaticFiles) {
        let p = try PublicFolder()
        try p.write("index.html", "<h1>home</h1>", modified: modified)
        try p.write("docs/index.html", "docs home")
        try p.write("docs/guide.html", "guide")
        try p.write("empty/.keep", "")
        try p.write("nested/deeper/index.html", "deep")
        try p.write("hello world.txt", "spaces")
        try p.write("ağdam.txt", "utf-8 name")
        return (p, p.files())
    }

    @Test func filesAndTheirHeaders() throws {
        let (p, files) = try Self.site()
        defer { withExtendedLifetime(p) {} }
        let r = try #require(get(files, "/index.html"))
        #expect(r.status == 200)
        #expect(r.body == Array("<h1>home</h1>".utf8))
        #expect(r.header("Content-Type") == "text/html; charset=utf-8")
        #expect(r.header("Last-Modified") == "Tue, 14 Nov 2023 22:13:20 GMT")
        #expect(r.header("Cache-Control") == "public, max-age=300")
        let etag = try #require(r.header("ETag"))
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"))
        // Strong validator of the bytes: the same content has the same tag, other content another.
        try p.write("copy.html", "<h1>home</h1>")
        try p.write("other.html", "<h1>home!</h1>")
        let again = p.files(cacheControl: "no-cache")
        #expect(get(again, "/copy.html")?.header("ETag") == etag)
        #expect(get(again, "/other.html")?.header("ETag") != etag)
        #expect(get(again, "/copy.html")?.header("Cache-Control") == "no-cache")
        // The query string plays no part in finding the file.
        #expect(get(files, "/index.html?v=3")?.body == r.body)
    }

    @Test func indexHTMLServesItsFolder() throws {
        let (p, files) = try Self.site()
        defer { withExtendedLifetime(p) {} }
        #expect(get(files, "/")?.text == "<h1>home</h1>")
        #expect(get(files, "/docs/")?.text == "docs home")
        #expect(get(files, "/docs")?.text == "docs home")
        #expect(get(files, "/docs/index.html")?.text == "docs home")
        #expect(get(files, "/docs/guide.html")?.text == "guide")
        #expect(get(files, "/nested/deeper/")?.text == "deep")
        #expect(get(files, "/docs/")?.header("Content-Type") == "text/html; charset=utf-8")
        // A folder without index.html, a folder holding only a folder, files that are not there.
        for missing in ["/empty/", "/empty", "/nested/", "/nested", "/docs/missing.html", "/nope", "/index.htm",
                        "/INDEX.HTML", "/docs/guide.html/", "/docs//guide.html"] {
            #expect(get(files, missing) == nil, "\(missing)")
        }
    }

    @Test func percentEncodedNamesAreDecoded() throws {
        let (p, files) = try Self.site()
        defer { withExtendedLifetime(p) {} }
        #expect(get(files, "/hello%20world.txt")?.text == "spaces")
        #expect(get(files, "/a%C4%9Fdam.txt")?.text == "utf-8 name")
        #expect(get(files, "/%64ocs/guide%2Ehtml")?.text == "guide")  // escaped unreserved characters are the same
        #expect(get(files, "/hello+world.txt") == nil)                 // "+" is not a space in a path
        for bad in ["/%zz", "/%", "/docs%2", "/%FF.txt", "/index.html%00", "/index.html%00.css"] {
            #expect(get(files, bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: [
        "/../secret.txt", "/docs/../../secret.txt", "/./../secret.txt", "/..", "/../",
        "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
        "/docs/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt",
        "/docs%2f..%2f..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "//secret.txt", "/secret.txt",
        "/%2fsecret.txt", "/docs/%2e%2e", "/leak.txt", "/leak-dir/secret.txt", "/docs/../index.html", "/./index.html",
    ])
    func nothingOutsideTheFolderNorDotSegments(_ target: String) throws {
        let p = try PublicFolder()
        try p.write("index.html", "home")
        try p.write("docs/guide.html", "guide")
        try FileManager.default.createSymbolicLink(at: p.root.appendingPathComponent("leak.txt"),
                                                   withDestinationURL: p.base.appendingPathComponent("secret.txt"))
        try FileManager.default.createSymbolicLink(at: p.root.appendingPathComponent("leak-dir"), withDestinationURL: p.base)
        let files = p.files()
        // Dot segments are never resolved (a browser resolves them before sending): a 404 even
        // when they would stay inside, so nothing outside can be reached by them.
        #expect(get(files, target) == nil, "\(target) → \(get(files, target)?.text ?? "")")
    }

    @Test func symlinksInsideTheFolderAreServed() throws {
        let p = try PublicFolder()
        try p.write("real.txt", "real")
        try FileManager.default.createSymbolicLink(at: p.root.appendingPathComponent("alias.txt"),
                                                   withDestinationURL: p.root.appendingPathComponent("real.txt"))
        let files = p.files()
        #expect(get(files, "/alias.txt")?.text == "real")
        #expect(get(files, "/real.txt")?.text == "real")
    }

    @Test func filesOverTheSizeLimitAreLeftOut() throws {
        let p = try PublicFolder()
        try p.write("small.txt", String(repeating: "s", count: 100))
        try p.write("big.txt", String(repeating: "b", count: 101))
        let files = p.files(maxFileBytes: 100)
        #expect(get(files, "/small.txt")?.body.count == 100)
        #expect(get(files, "/big.txt") == nil)
        #expect(files.count == 1)
    }

    @Test(arguments: [
        ("a.html", "text/html; charset=utf-8"), ("a.htm", "text/html; charset=utf-8"), ("A.HTML", "text/html; charset=utf-8"),
        ("site.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"),
        ("mod.mjs", "text/javascript; charset=utf-8"), ("data.json", "application/json; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"), ("feed.xml", "application/xml; charset=utf-8"),
        ("logo.svg", "image/svg+xml"), ("p.png", "image/png"), ("p.jpg", "image/jpeg"), ("p.JPEG", "image/jpeg"),
        ("p.gif", "image/gif"), ("p.webp", "image/webp"), ("favicon.ico", "image/x-icon"), ("f.woff2", "font/woff2"),
        ("f.woff", "font/woff"), ("site.webmanifest", "application/manifest+json"), ("doc.pdf", "application/pdf"),
        ("archive.tar.gz", "application/octet-stream"), ("README", "application/octet-stream"),
        ("page.html.bak", "application/octet-stream"), ("v1.2/LICENSE", "application/octet-stream"),
    ])
    func contentTypesByExtension(_ name: String, _ type: String) throws {
        #expect(MIMEType.forPath(name) == type)
        let p = try PublicFolder()
        try p.write(name, "x")
        #expect(get(p.files(), "/" + name)?.header("Content-Type") == type, "\(name)")
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
