import Testing
@testable import FolioContent

@Suite struct SearchTests {
    /// A store with the sample content plus two small articles.
    final class Fixture {
        let folder: TempFolder
        let store: SQLiteStore
        let index: SearchIndex
        init(_ folder: TempFolder, _ store: SQLiteStore, _ index: SearchIndex) {
            self.folder = folder
            self.store = store
            self.index = index
        }
    }

    func makeIndex() throws -> Fixture {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        try ContentImporter(store: store).importPaths([sampleFolder])
        try store.upsertArticle(makeArticle("energy-note", authors: ["javid-valiyev"],
                                            body: "A note on the Southern Gas Corridor and \\<script> tags."))
        try store.upsertArticle(makeArticle("election-day", authors: ["javid-valiyev"], body: "One election was held.",
                                            title: "Election day"))
        return Fixture(tmp, store, try SearchIndex(path: store.path))
    }

    func slugs(_ hits: [SearchHit], _ store: SQLiteStore) throws -> [String] {
        let snap = ContentSnapshot(try store.loadContent(), generation: 1)
        return hits.compactMap { snap.article(id: $0.articleID)?.slug }
    }

    @Test func wordsPhrasesPrefixes() throws {
        let f = try makeIndex()
        let (store, index) = (f.store, f.index)
        defer { withExtendedLifetime(f) {} }
        #expect(try slugs(index.search("Dujarric"), store) == ["illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community"])
        #expect(try index.search("Dujarric nonexistentword").isEmpty)
        #expect(try slugs(index.search("\"Southern Gas Corridor\""), store) == ["energy-note"])
        #expect(try index.search("\"Corridor Gas Southern\"").isEmpty)
        #expect(try slugs(index.search("Pashin*"), store).count == 1)
        #expect(try index.search("zzzq*").isEmpty)
    }

    @Test func diacriticsAndStemming() throws {
        let f = try makeIndex()
        let (store, index) = (f.store, f.index)
        defer { withExtendedLifetime(f) {} }
        let turkiye = try slugs(index.search("Turkiye"), store)
        #expect(turkiye == ["azerbaijan-turkiye-ties-new-goals-in-economy-energy-transportation"])
        #expect(try slugs(index.search("Türkiye"), store) == turkiye)
        let elections = try slugs(index.search("elections"), store)
        #expect(elections.contains("election-day"))  // "elections" finds "election"
        #expect(elections.contains("illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community"))
        let hits = try index.search("election")
        #expect(hits.map(\.rank) == hits.map(\.rank).sorted())  // best (lowest bm25) first
    }

    @Test(arguments: [
        ("", "empty"), ("   ", "empty"), ("\"unbalanced", "unbalanced"), ("a AND b", "AND"), ("OR", "OR"),
        ("NOT x", "NOT"), ("NEAR(a b)", "parentheses"), ("a NEAR b", "NEAR"), ("(a)", "parentheses"), ("title:karabakh", "column"),
        ("^start", "^"), ("{title}: x", "column sets"), ("a*b", "end a word"), ("*", "start of a word"),
        ("\"\"", "no words"), ("...", "no words"), ("a\"b\"", "quote"),
    ])
    func badSyntaxIsAnError(_ query: String, _ expected: String) throws {
        let f = try makeIndex()
        let index = f.index
        defer { withExtendedLifetime(f) {} }
        do {
            _ = try index.search(query)
            Issue.record("expected an error for \(query)")
        } catch {
            #expect(error.message.contains(expected), "\(query) → \(error.message)")
        }
    }

    /// Only upper-case AND/OR/NOT/NEAR are FTS5 operators (refused above); in lower case they are
    /// plain words that every hit must contain, like any other word.
    @Test func lowercaseOperatorsAreWords() throws {
        let f = try makeIndex()
        let (store, index) = (f.store, f.index)
        defer { withExtendedLifetime(f) {} }
        #expect(try SearchQuery.parse("near not or").expression == #""near" "not" "or""#)
        #expect(try !index.search("and").isEmpty)
        // No sample article has all three words; then one does, and only it is found.
        #expect(try index.search("near not or").isEmpty)
        try store.upsertArticle(makeArticle("operator-words", authors: ["javid-valiyev"],
                                            body: "Not far, but near enough; or so they said."))
        #expect(try slugs(index.search("near not or"), store) == ["operator-words"])
        #expect(try slugs(index.search("or near"), store) == ["operator-words"])
        // A missing word still means no hit (all words must match; "or" is not a disjunction).
        #expect(try index.search("near not or zzzq").isEmpty)
    }

    @Test func snippetsMarkAndEscape() throws {
        let f = try makeIndex()
        let (store, index) = (f.store, f.index)
        defer { withExtendedLifetime(f) {} }
        let snap = ContentSnapshot(try store.loadContent(), generation: 1)
        let id = try #require(snap.article(slug: "energy-note")?.id)
        let s = index.snippet(articleID: id, query: "corridor")
        #expect(s.contains("<mark>Corridor</mark>"))
        #expect(s.contains("&lt;script&gt;"))
        #expect(!s.contains("<script>"))
        #expect(index.snippet(articleID: id, query: "(bad") == "")
        #expect(SearchIndex.markup("a\u{1}<b>\u{2} & \u{1}c") == "a<mark>&lt;b&gt;</mark> &amp; <mark>c</mark>")
    }
}
