import Testing
@testable import FolioContent

@Suite struct ValidationTests {
    @Test func slugs() {
        #expect(Slug.problem("karabakh-2023") == nil)
        #expect(Slug.problem("") == "is required")
        #expect(Slug.problem("Karabakh")?.contains("lowercase") == true)
        #expect(Slug.problem("-a")?.contains("start or end") == true)
        #expect(Slug.problem("a-")?.contains("start or end") == true)
        #expect(Slug.problem("a--b")?.contains("two hyphens") == true)
        #expect(Slug.problem("türkiye") != nil)
        #expect(Slug.problem(String(repeating: "a", count: 121))?.contains("120") == true)
        #expect(Slug.make(from: "Azerbaijan-Türkiye ties: New goals") == "azerbaijan-turkiye-ties-new-goals")
        #expect(Slug.make(from: "Azerbaijan’s Karabakh") == "azerbaijans-karabakh")
    }

    @Test func phoneE164() {
        #expect(PhoneNumber.e164("(+994 12) 596-82-39") == "+994125968239")
        #expect(PhoneNumber.e164("+44 20 7946 0000") == "+442079460000")
        #expect(PhoneNumber.e164("0044 20 7946 0000") == "+442079460000")
        #expect(PhoneNumber.e164("596-82-39") == nil)
        #expect(PhoneNumber.e164("+994 12 CALL ME") == nil)
        #expect(PhoneNumber.e164("+1 2") == nil)
        #expect(PhoneNumber.e164("12+34") == nil)
    }

    @Test func shapes() {
        #expect(Shapes.isEmail("javid.valiyev@aircenter.az"))
        #expect(!Shapes.isEmail("javid.valiyev@aircenter"))
        #expect(!Shapes.isEmail("a@b@c.d"))
        #expect(!Shapes.isEmail("no spaces@x.org"))
        #expect(Shapes.isHTTPURL("https://moderndiplomacy.eu/2023/09/16/x/"))
        #expect(!Shapes.isHTTPURL("ftp://example.org"))
        #expect(!Shapes.isHTTPURL("https:///path"))
        #expect(!Shapes.isHTTPURL("javascript:alert(1)"))
        #expect(Shapes.isLanguageTag("en"))
        #expect(Shapes.isLanguageTag("pt-BR"))
        #expect(!Shapes.isLanguageTag("english!"))
    }

    @Test func articleMessagesNameFields() {
        let input = ArticleInput(slug: "Bad Slug", title: " ", publishedAt: "18/09/2023", language: "??",
                                 canonicalURL: "nope", authors: [], bodyMarkdown: "x")
        do {
            _ = try ArticleRecord.make(input)
            Issue.record("expected a validation error")
        } catch {
            let fields = error.issues.map(\.field)
            #expect(fields == ["slug", "title", "published_at", "language", "canonical_url", "authors"])
            #expect(error.issues[2].message.contains("RFC 3339"))
        }
    }

    @Test func bodyIsRequiredOnce() {
        #expect(throws: ValidationError.self) {
            try ArticleRecord.make(ArticleInput(slug: "a", title: "A", publishedAt: "2024-01-01", authors: ["x"]))
        }
        #expect(throws: ValidationError.self) {
            try ArticleRecord.make(ArticleInput(slug: "a", title: "A", publishedAt: "2024-01-01", authors: ["x"],
                                                bodyMarkdown: "a", html: "<p>a</p>"))
        }
    }

    @Test func authorValidation() {
        let bad = Author(slug: "j", name: "J", email: "not-an-email", phone: "12 34", imageURL: "file:///etc/passwd",
                         links: [Link(rel: "site", url: "javascript:alert(1)")])
        do {
            try bad.validate()
            Issue.record("expected a validation error")
        } catch {
            #expect(error.issues.map(\.field) == ["email", "phone", "image_url", "links[0].url"])
        }
    }

    @Test func derivedFields() throws {
        let words = Array(repeating: "word", count: 461).joined(separator: " ")
        let r = try ArticleRecord.make(ArticleInput(slug: "a", title: "A", publishedAt: "2024-01-01", authors: ["x"],
                                                    bodyMarkdown: words))
        #expect(r.article.wordCount == 461)
        #expect(r.article.readingTimeMinutes == 3)
        #expect(r.article.excerpt.hasSuffix("…"))
        #expect(r.article.excerpt.count <= 201)
        #expect(TextStats.readingTime(words: 0) == 1)
        #expect(TextStats.excerpt(from: "Short text.") == "Short text.")
    }

    /// ASCII text takes a byte path; it must cut exactly where the Character path does (the same
    /// text with one non-ASCII character at its very end takes that path).
    @Test func excerptOfASCIIMatchesTheCharacterPath() {
        var rng = SplitMix64(seed: 11)
        let pieces = ["word", "a", "longerword,", "end.", " ", "  ", "\n", "\r\n", "\t", "(paren", "dash-", "x;"]
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<120, using: &rng) { text += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
            for limit in [10, 50, 200] {
                let fast = TextStats.excerpt(from: text, limit: limit)
                let slow = TextStats.excerpt(from: text + String(repeating: " ", count: 300) + "é", limit: limit)
                // Past the limit the appended tail is never reached; below it, it adds " é".
                if fast.hasSuffix("…") { #expect(fast == slow, "\(text.debugDescription) limit \(limit)") }
                else { #expect(slow == (fast.isEmpty ? "é" : fast + " é") || slow.hasSuffix("…"), "\(text.debugDescription)") }
            }
        }
        #expect(TextStats.excerpt(from: "  café  au   lait ") == "café au lait")
        #expect(TextStats.excerpt(from: "one two three four", limit: 9) == "one two…")
    }
}
