import Dispatch
import Synchronization
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import FolioAPI
import FolioContent
@testable import FolioHTTP
import Testing

/// A fresh temporary folder, removed when the value is deinitialised.
final class TempFolder: Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "folio-api-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// The repository's sample content folder.
let sampleFolder: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Config/sample-content").path
}()

/// A title that exercises XML escaping: markup characters, quotes, non-ASCII and a control character.
let trickyTitle = "Tom & Jerry <script>alert(\"x\")</script> — it's Ağdam ☕ \u{01}end"
/// The same title as an XML parser reads it back (the control character is illegal in XML 1.0).
let trickyTitleParsed = "Tom & Jerry <script>alert(\"x\")</script> — it's Ağdam ☕ end"

/// An author whose card needs vCard escaping and folding.
let ada = Author(
    slug: "ada-lovelace", name: "Ada Lovelace", role: "Analyst; Writer, \\ Poet",
    organization: "Analytical Engines, Ltd.; London", email: "ada@example.org", phone: "+44 20 7946 0000",
    bio: "Wrote the first published program;\nthinks in numbers, notes and tables, and writes about Ağdam, Şəki, Gəncə and Lənkəran — long enough to fold several times over the 75 octet limit of RFC 6350.",
    imageURL: "https://example.org/ada.png", links: [Link(rel: "website", url: "https://example.org/ada")])

/// An app over a temporary SQLite store holding the sample content plus `extra` articles by Ada
/// tagged `paging` (one a day from 2020-01-01, the newest titled `trickyTitle`).
final class Fixture: Sendable {
    let folder = TempFolder()
    let app: FolioApp
    let responder: APIResponder

    init(extra: Int = 120) throws {
        let path = folder.file("folio.sqlite")
        let store = try SQLiteStore(path: path)
        _ = try SampleContent.loadIfEmpty(store: store, from: sampleFolder)
        var records: [ArticleRecord] = []
        for i in 0..<extra {
            let published = Timestamp(epochSeconds: 1_577_836_800 + Int64(i) * 86_400, utcOffsetSeconds: -5 * 3600)
            let title = i == extra - 1 ? trickyTitle : "Paging article \(i)"
            records.append(try ArticleRecord.make(ArticleInput(
                slug: "paging-article-\(i)", title: title, publishedAt: published.rfc3339, authors: ["ada-lovelace"],
                tags: ["paging"], bodyMarkdown: "Body of **article \(i)** with a <b>tag</b> & an ampersand, “quotes” and Ağdam.")))
        }
        try store.apply(ContentBatch(authors: [ada], tags: [Tag(slug: "paging", name: "Paging & <Tests>")], articles: records))
        let snapshot = ContentSnapshot(try store.loadContent(), generation: 1)
        app = FolioApp(snapshots: SnapshotHolder(snapshot), bodies: try BodyStore(path: path), search: try SearchIndex(path: path),
                       cache: ResponseCache(maxEntries: 1000, maxBytes: 32 << 20), policy: HeaderPolicy(), health: HealthState(),
                       urls: PublicURLs(api: "https://api.aircenter.az"), changesLog: try ChangesLog(path: path))
        app.health.markReady()
        responder = APIResponder(router: app.makeRouter(), staticFiles: nil, metrics: Metrics())
    }

    /// The response the server would write: deferred work (searches, feeds) is started the way
    /// the event loop starts it and waited for, so tests see its real status, headers and body,
    /// never the placeholder status 0.
    func get(_ target: String, _ headers: [(String, String)] = []) -> HTTPResponse {
        Self.resolve(responder.respond(to: HTTPRequest(method: .get, target: target, headers: headers)))
    }

    static func resolve(_ response: HTTPResponse) -> HTTPResponse {
        guard let deferred = response.deferred else { return response }
        let result = Mutex<HTTPResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        deferred.start(DeferredCompletion(cancellation: Cancellation()) { r in
            result.withLock { $0 = r }
            done.signal()
        })
        guard done.wait(timeout: .now() + 60) == .success, let r = result.withLock({ $0 }) else { return HTTPResponse(status: 599) }
        return r
    }

    static let shared: Fixture = try! Fixture()
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }
}

/// A parsed XML element (qualified names as written, no namespace processing).
final class XMLElement {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [XMLElement] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    func all(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
    func first(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    func child(_ name: String) -> String? { first(name)?.text }
}

/// Parses a document with Foundation's XMLParser into a small tree; throws on any parse error.
final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElement] = []
    var root: XMLElement?

    static func parse(_ bytes: [UInt8]) throws -> XMLElement {
        let parser = XMLParser(data: Data(bytes))
        let builder = XMLTreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw XMLFailure(message: parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let e = XMLElement(name: elementName, attributes: attributes)
        stack.last?.children.append(e)
        if root == nil { root = e }
        stack.append(e)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }
}

struct XMLFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The path and query of an absolute URL (`https://host/a?b` → `/a?b`), for requesting links.
func target(of url: String) -> String {
    guard let r = url.range(of: "://") else { return url }
    let rest = url[r.upperBound...]
    return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
}
