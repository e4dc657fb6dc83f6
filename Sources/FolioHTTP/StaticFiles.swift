import Foundation

/// Files of one folder (Public/) served at `/`: loaded into memory at start, with MIME types by
/// extension, strong ETags, Last-Modified, 304s, and `index.html` for folders. Only files found
/// inside the folder when it was loaded can ever be served, so `..`, `%2e%2e`, NUL and symlinks
/// that leave the folder all end in 404.
public final class StaticFiles: Sendable {
    struct File: Sendable {
        let body: [UInt8]
        let etag: String
        let modified: Int64
        let ok: [UInt8]          // header lines for 200
        let notModified: [UInt8]  // header lines for 304
    }

    let files: [String: File]
    public let root: String

    /// Loads every regular file under `root` (following symlinks only while they stay inside it),
    /// up to `maxFileBytes` each and `maxTotalBytes` in all.
    public init(root: String, cacheControl: String = "public, max-age=300", maxFileBytes: Int = 8 << 20, maxTotalBytes: Int = 64 << 20) {
        let fm = FileManager.default
        let base = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var files: [String: File] = [:]
        var total = 0
        if let walker = fm.enumerator(atPath: base) {
            while let relative = walker.nextObject() as? String {
                let full = base + "/" + relative
                let resolved = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
                guard resolved.hasPrefix(base + "/") else { continue }  // a symlink leaving the folder
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: resolved, isDirectory: &isDir), !isDir.boolValue,
                      let data = fm.contents(atPath: resolved), data.count <= maxFileBytes, total + data.count <= maxTotalBytes
                else { continue }
                total += data.count
                let attrs = try? fm.attributesOfItem(atPath: resolved)
                let modified = Int64((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
                let body = [UInt8](data)
                let etag = "\"" + StaticFiles.hashHex(body) + "\""
                var ok = HTTPResponse(status: 200)
                ok.addContentType(MIMEType.forPath(relative))
                ok.addHeader("ETag", etag)
                ok.addHeader("Last-Modified", HTTPDate.format(modified))
                ok.addHeader("Cache-Control", cacheControl)
                var nm = HTTPResponse(status: 304)
                nm.addHeader("ETag", etag)
                nm.addHeader("Last-Modified", HTTPDate.format(modified))
                nm.addHeader("Cache-Control", cacheControl)
                files["/" + relative] = File(body: body, etag: etag, modified: modified, ok: ok.headerBytes, notModified: nm.headerBytes)
            }
        }
        for (path, file) in files where path.hasSuffix("/index.html") {
            let dir = String(path.dropLast("index.html".count))
            files[dir] = file
            if dir.count > 1 { files[String(dir.dropLast())] = file }
        }
        self.files = files
        self.root = base
    }

    /// Number of files loaded.
    public var count: Int { files.count }

    /// The response for a GET or HEAD of `request`'s path, or nil when no such file was loaded.
    public func response(for request: HTTPRequest) -> HTTPResponse? {
        let raw = request.pathBytes
        let key: String
        if raw.contains(0x25) {
            guard let decoded = PercentDecoding.decodeString(raw) else { return nil }
            key = decoded
        } else {
            key = String(decoding: raw, as: UTF8.self)
        }
        guard let file = files[key] else { return nil }
        if Conditional.notModified(request, etag: file.etag, lastModified: file.modified) {
            return HTTPResponse(status: 304, headerBytes: file.notModified)
        }
        return HTTPResponse(status: 200, headerBytes: file.ok, body: file.body)
    }

    /// 64-bit FNV-1a of the bytes, as 16 hex digits (a strong validator for in-memory files).
    static func hashHex(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-" + String(bytes.count, radix: 16)
    }
}

/// RFC 9110 §13.1.2/§13.1.3 conditional GET, for static files and API representations alike:
/// If-None-Match (weak comparison; every field line, the field is a list) wins over
/// If-Modified-Since.
public enum Conditional {
    /// `alternates`: the tags of the same representation's other content codings (a client may
    /// revalidate with any of them).
    public static func notModified(_ request: HTTPRequest, etag: String, alternates: [String] = [], lastModified: Int64?) -> Bool {
        let inm = request.headerValues("if-none-match")
        if !inm.isEmpty {
            return inm.contains { value in matches(value, etag: etag) || alternates.contains { matches(value, etag: $0) } }
        }
        if let lastModified, let ims = request.header("if-modified-since"), let since = HTTPDate.parse(ims) {
            return lastModified <= since
        }
        return false
    }

    /// Whether an If-None-Match list names `etag` (or is `*`), comparing weakly (W/ ignored).
    public static func matches(_ list: ArraySlice<UInt8>, etag: String) -> Bool {
        let text = String(decoding: list, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespaces) == "*" { return true }
        let wanted = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        for part in text.split(separator: ",") {
            var tag = part.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag == wanted { return true }
        }
        return false
    }
}

/// Content types by file extension.
public enum MIMEType {
    public static func forPath(_ path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "txt": return "text/plain; charset=utf-8"
        case "xml": return "application/xml; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "woff": return "font/woff"
        case "webmanifest": return "application/manifest+json"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }
}
