import Foundation
import Testing
@testable import FolioAPI
import FolioContent
import FolioHTTP

/// The keyset cursor of article lists: what the server issues it must accept again, unchanged;
/// anything else is refused (a 400 naming cursor, see APIErrorTests).
@Suite struct ListCursorTests {
    static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// base64url of `text` without padding, written independently of the server's encoder.
    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test(arguments: ArticleSort.allCases)
    func roundTripsForEverySort(_ sort: ArticleSort) throws {
        for (key, id) in [("1695020160", Int64(1)), ("-86400", 42), ("", 7), ("0.5", Int64.max),
                          ("tom & jerry <script>", 3), ("ağdam — ☕ \u{01}end", 120)] {
            let c = ListCursor(sort: sort, key: key, id: id)
            let text = c.encoded
            #expect(!text.isEmpty && text.allSatisfy { Self.alphabet.contains($0) }, "\(text)")
            #expect(ListCursor(encoded: text) == c, "\(sort) \(key.debugDescription)")
            // The same bytes as standard base64url: another client's decoder reads it too.
            #expect(text == Self.encode("v1\u{1F}\(sort.rawValue)\u{1F}\(key)\u{1F}\(id)"))
        }
    }

    @Test func base64URLDecodesEveryLength() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            let text = Base64URL.encode(bytes)
            #expect(text == Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""))
            #expect(Base64URL.decode(text) == bytes, "\(n) bytes")
        }
    }

    struct TitleKey: Sendable, CustomTestStringConvertible {
        var name: String
        var key: String
        var testDescription: String { name }
    }

    /// A title sort keys the cursor by the lower-cased title, which may be long (500 characters)
    /// and may hold any character, the separator included.
    @Test(arguments: [
        TitleKey(name: "500 × a", key: String(repeating: "a", count: 500)),
        TitleKey(name: "500 × ə", key: String(repeating: "ə", count: 500)),
        TitleKey(name: "500 × ☕", key: String(repeating: "☕", count: 500)),
        TitleKey(name: "a U+001F b", key: "a\u{1F}b"),
        TitleKey(name: "U+001F U+001F", key: "\u{1F}\u{1F}"),
    ])
    func titleKeysRoundTrip(_ t: TitleKey) throws {
        for sort in [ArticleSort.title, .titleDescending] {
            let c = ListCursor(sort: sort, key: t.key, id: 9)
            let back = ListCursor(encoded: c.encoded)
            #expect(back == c, "\(t.name), \(sort): \(c.encoded.count) characters decoded to \(back.map { "\($0.sort) \($0.key.prefix(12))… \($0.id)" } ?? "nil")")
        }
    }

    @Test(arguments: [
        "", "!!!", "abc", "A", "AAAAA", "QQ==", "a+b/", "v1", "====",
        String(repeating: "A", count: 600),
        String(repeating: "A", count: 20_000),
    ])
    func garbageIsRefused(_ text: String) {
        #expect(ListCursor(encoded: text) == nil, "\(text.prefix(40))")
    }

    @Test(arguments: [
        "v2\u{1F}-published_at\u{1F}1\u{1F}1",       // another version
        "V1\u{1F}-published_at\u{1F}1\u{1F}1",
        "v1\u{1F}newest\u{1F}1\u{1F}1",              // not a sort's parameter value
        "v1\u{1F}-PUBLISHED_AT\u{1F}1\u{1F}1",
        "v1\u{1F}\u{1F}1\u{1F}1",
        "v1\u{1F}-published_at\u{1F}1\u{1F}x",       // the id is not a number
        "v1\u{1F}-published_at\u{1F}1\u{1F}",
        "v1\u{1F}-published_at\u{1F}1\u{1F}1.0",
        "v1\u{1F}-published_at\u{1F}1\u{1F}99999999999999999999",
        "v1\u{1F}-published_at\u{1F}1",              // too few parts
        "v1\u{1F}-published_at",
        "v1-published_at11",
    ])
    func wellEncodedButWrongIsRefused(_ text: String) {
        #expect(ListCursor(encoded: Self.encode(text)) == nil, "\(text.debugDescription)")
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = Array("v1\u{1F}title\u{1F}".utf8) + [0xC3, 0x28] + Array("\u{1F}1".utf8)
        #expect(ListCursor(encoded: Base64URL.encode(bytes)) == nil)
    }

    /// Changing any one character of an issued cursor never crashes the decoder, and what it still
    /// accepts is a well-formed cursor. (The cursor is opaque, not signed: a changed key or id is
    /// another position in the same public list, not a way around anything.)
    @Test func tamperedCursorsNeverCrashAndStayWellFormed() {
        let issued = ListCursor(sort: .title, key: "azerbaijan-türkiye ties", id: 17).encoded
        var accepted = 0, refused = 0
        for (i, _) in issued.enumerated() {
            for replacement in ["A", "_", "-", "z", "9", "=", "+", "/", "é"] {
                var chars = Array(issued)
                chars[i] = Character(replacement)
                guard let c = ListCursor(encoded: String(chars)) else { refused += 1; continue }
                accepted += 1
                #expect(ArticleSort.allCases.contains(c.sort))
                #expect(ListCursor(encoded: c.encoded) == c)
            }
        }
        #expect(refused > 0 && accepted + refused == issued.count * 9)
        // Cut or extended, it is refused or another well-formed cursor.
        for n in 0..<issued.count {
            if let c = ListCursor(encoded: String(issued.prefix(n))) { #expect(ListCursor(encoded: c.encoded) == c) }
        }
    }

    /// The list route issues cursors it takes back: walking a title-sorted list one article at a
    /// time with `next_cursor` visits every article once, long and odd titles included.
    @Test func titleSortedListWalksToTheEnd() throws {
        let folder = TempFolder()
        let path = folder.file("folio.sqlite")
        let store = try SQLiteStore(path: path)
        let titles = [String(repeating: "Long title ", count: 45), "Separator \u{1F} inside", "Plain", "Ağdam ☕",
                      String(repeating: "ə", count: 500)]
        let author = Author(slug: "ada-lovelace", name: "Ada Lovelace")
        var records: [ArticleRecord] = []
        for (i, title) in titles.enumerated() {
            records.append(try ArticleRecord.make(ArticleInput(
                slug: "cursor-article-\(i)", title: title, publishedAt: "2024-01-0\(i + 1)T00:00:00Z", authors: [author.slug],
                tags: [], bodyMarkdown: "Body \(i).")))
        }
        try store.apply(ContentBatch(authors: [author], tags: [], articles: records))
        let app = FolioApp(snapshots: SnapshotHolder(ContentSnapshot(try store.loadContent(), generation: 1)),
                           bodies: try BodyStore(path: path), search: nil,
                           cache: ResponseCache(maxEntries: 100, maxBytes: 1 << 20), policy: HeaderPolicy(), health: HealthState())
        let responder = APIResponder(router: app.makeRouter(), staticFiles: nil)
        for sort in ["title", "-title"] {
            var seen: [String] = []
            var target = "/api/v1/articles?sort=\(sort)&per_page=1&fields=slug"
            for _ in 0..<titles.count + 1 {
                let r = Fixture.resolve(responder.respond(to: HTTPRequest(method: .get, target: target)))
                #expect(r.status == 200, "\(target.prefix(120)): \(r.text)")
                guard r.status == 200 else { break }
                let json = try r.json()
                seen += ((json["data"] as? [[String: Any]]) ?? []).compactMap { $0["slug"] as? String }
                let pagination = (json["meta"] as? [String: Any])?["pagination"] as? [String: Any]
                guard let next = pagination?["next_cursor"] as? String else { break }
                target = "/api/v1/articles?sort=\(sort)&per_page=1&fields=slug&cursor=\(next)"
            }
            #expect(seen.count == titles.count && Set(seen).count == titles.count, "\(sort): \(seen)")
        }
    }
}
