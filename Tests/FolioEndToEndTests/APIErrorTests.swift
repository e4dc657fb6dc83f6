import Foundation
import Testing

/// Bad parameters are 400 problem+json naming the parameter (never clamped, ignored or a 500);
/// unknown slugs are 404; a renamed article's old slug is a 301 to the new one.
@Suite("API errors, not found and redirects")
struct APIErrorTests {
    static func withServer(_ body: (APIServer) throws -> Void) throws {
        let server = try APIServer()
        defer { server.stop() }
        try body(server)
    }

    static let e = SampleContent.electionsSlug

    @Test func everyBadParameterIsA400NamingIt() throws {
        try Self.withServer { s in
            let cases: [(String, String)] = [
                ("/api/v1/articles?page=0", "page"), ("/api/v1/articles?page=-1", "page"), ("/api/v1/articles?page=abc", "page"),
                ("/api/v1/articles?page=", "page"), ("/api/v1/articles?page=1.5", "page"), ("/api/v1/articles?page=1&page=2", "page"),
                ("/api/v1/articles?page=99999999999999999999", "page"),
                ("/api/v1/articles?per_page=0", "per_page"), ("/api/v1/articles?per_page=1000", "per_page"),
                ("/api/v1/articles?per_page=101", "per_page"), ("/api/v1/articles?per_page=%2B5", "per_page"),
                ("/api/v1/articles?since=2023-13-45", "since"), ("/api/v1/articles?since=yesterday", "since"),
                ("/api/v1/articles?since=2023-09-18T25:00:00Z", "since"), ("/api/v1/articles?since=18.09.2023", "since"),
                ("/api/v1/articles?since=2023-09-18T10:56:00", "since"), ("/api/v1/articles?since=", "since"),
                ("/api/v1/articles?until=2023-02-30", "until"), ("/api/v1/articles?until=2023-09-18+10:56", "until"),
                ("/api/v1/articles?until=1695020160", "until"),
                ("/api/v1/articles?since=2024-06-01&until=2024-01-01", "since"),
                ("/api/v1/articles?cursor=!!!", "cursor"), ("/api/v1/articles?cursor=abc", "cursor"), ("/api/v1/articles?cursor=", "cursor"),
                ("/api/v1/articles?cursor=" + Self.cursor("v1\u{1F}newest\u{1F}1\u{1F}1"), "cursor"),
                ("/api/v1/articles?cursor=" + Self.cursor("v2\u{1F}-published_at\u{1F}1\u{1F}1"), "cursor"),
                ("/api/v1/articles?cursor=" + Self.cursor("v1\u{1F}-published_at\u{1F}1\u{1F}x"), "cursor"),
                ("/api/v1/articles?cursor=" + Self.cursor("v1\u{1F}-published_at\u{1F}1"), "cursor"),
                ("/api/v1/articles?cursor=" + String(repeating: "A", count: 600), "cursor"),
                ("/api/v1/articles?sort=newest", "sort"), ("/api/v1/articles?sort=relevance", "sort"), ("/api/v1/articles?sort=", "sort"),
                ("/api/v1/articles?sort=TITLE", "sort"), ("/api/v1/articles?sort=title,-title", "sort"),
                ("/api/v1/articles?fields=nope", "fields"), ("/api/v1/articles?fields=related", "fields"),
                ("/api/v1/articles?fields=", "fields"), ("/api/v1/articles?fields=slug,,title", "fields"),
                ("/api/v1/articles?fields=Slug", "fields"), ("/api/v1/articles?fields=snippet", "fields"),
                ("/api/v1/articles?include=comments", "include"), ("/api/v1/articles?include=", "include"),
                ("/api/v1/articles?q=", "q"), ("/api/v1/articles?q=%20%20", "q"), ("/api/v1/articles?q=+", "q"),
                ("/api/v1/articles?q=%zz", "q"), ("/api/v1/articles?q=%FF", "q"),
                ("/api/v1/articles?author=nobody", "author"), ("/api/v1/articles?author=", "author"),
                ("/api/v1/articles?author=javid-valiyev,nobody", "author"),
                ("/api/v1/articles?tag=nope", "tag"), ("/api/v1/articles?tag=armenia,,karabakh", "tag"),
                ("/api/v1/articles?pgae=2", "pgae"), ("/api/v1/articles?page=1&pgae=2", "pgae"), ("/api/v1/articles?limit=5", "limit"),
                ("/api/v1/articles/\(Self.e)?fields=nope", "fields"), ("/api/v1/articles/\(Self.e)?fields=", "fields"),
                ("/api/v1/articles/\(Self.e)?fields=snippet", "fields"), ("/api/v1/articles/\(Self.e)?pgae=1", "pgae"),
                ("/api/v1/articles/\(Self.e)?include=body", "include"),
                ("/api/v1/articles/\(Self.e)/related?limit=0", "limit"), ("/api/v1/articles/\(Self.e)/related?limit=51", "limit"),
                ("/api/v1/articles/\(Self.e)/related?limit=x", "limit"), ("/api/v1/articles/\(Self.e)/related?pgae=1", "pgae"),
                ("/api/v1/authors?page=0", "page"), ("/api/v1/authors?per_page=0", "per_page"), ("/api/v1/authors?per_page=1000", "per_page"),
                ("/api/v1/authors?pgae=1", "pgae"), ("/api/v1/authors?sort=name", "sort"),
                ("/api/v1/authors/javid-valiyev?pgae=1", "pgae"),
                ("/api/v1/authors/javid-valiyev/articles?author=javid-valiyev", "author"),
                ("/api/v1/authors/javid-valiyev/articles?page=0", "page"),
                ("/api/v1/authors/javid-valiyev/articles?per_page=1000", "per_page"),
                ("/api/v1/authors/javid-valiyev/articles?sort=x", "sort"), ("/api/v1/authors/javid-valiyev/articles?tag=nope", "tag"),
                ("/api/v1/tags?page=1", "page"), ("/api/v1/site?pgae=1", "pgae"),
                ("/api/v1/search", "q"), ("/api/v1/search?q=", "q"), ("/api/v1/search?page=2", "q"),
                ("/api/v1/search?q=elections&sort=title", "sort"), ("/api/v1/search?q=elections&tag=armenia", "tag"),
                ("/api/v1/search?q=elections&per_page=0", "per_page"), ("/api/v1/search?q=elections&page=0", "page"),
                ("/api/v1/search?q=elections&pgae=1", "pgae"), ("/api/v1/search?q=elections&fields=nope", "fields"),
            ]
            for (target, parameter) in cases { try s.expectBadParameter(target, parameter) }

            // "pgae" is named in the detail as the contract words it.
            let typo = try s.get("/api/v1/articles?pgae=2")
            #expect(try API.decode(ProblemBody.self, typo).detail == "unknown parameter \"pgae\"")
            #expect(typo.header("Cache-Control") == "no-store" && typo.header("Access-Control-Allow-Origin") == "*")
            // A field list names the offending field.
            let field = try s.get("/api/v1/articles?fields=slug,nope")
            #expect(try API.decode(ProblemBody.self, field).errors?.first?.message.contains("nope") == true)
        }
    }

    static func cursor(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test func cursorsAreTiedToTheirSortAndExcludePages() throws {
        try Self.withServer { s in
            let titled = try s.json(ArticleList.self, "/api/v1/articles?sort=title&per_page=1")
            let titleCursor = try #require(titled.meta.pagination.nextCursor)
            let newest = try s.json(ArticleList.self, "/api/v1/articles?per_page=1")
            let newestCursor = try #require(newest.meta.pagination.nextCursor)
            try s.expectBadParameter("/api/v1/articles?per_page=1&cursor=\(titleCursor)", "cursor")
            try s.expectBadParameter("/api/v1/articles?per_page=1&sort=published_at&cursor=\(newestCursor)", "cursor")
            try s.expectBadParameter("/api/v1/articles?per_page=1&cursor=\(newestCursor)&page=2", "cursor")
            try s.expectBadParameter("/api/v1/articles?per_page=1&page=1&cursor=\(newestCursor)", "cursor")
            try s.expectBadParameter("/api/v1/articles?per_page=1&cursor=\(newestCursor)&cursor=\(newestCursor)", "cursor")
            try s.expectBadParameter("/api/v1/search?q=azerbaijan&cursor=\(newestCursor)", "cursor")
            // The same cursor works with its own sort, and on another route with that sort.
            #expect(try s.get("/api/v1/articles?per_page=1&sort=title&cursor=\(titleCursor)").status == 200)
            #expect(try s.get("/api/v1/authors/javid-valiyev/articles?per_page=1&cursor=\(newestCursor)").status == 200)
            let relevance = try s.json(ArticleList.self, "/api/v1/search?q=azerbaijan&per_page=1")
            let relevanceCursor = try #require(relevance.meta.pagination.nextCursor)
            #expect(try s.get("/api/v1/articles?q=azerbaijan&sort=relevance&per_page=1&cursor=\(relevanceCursor)").status == 200)
            try s.expectBadParameter("/api/v1/articles?q=azerbaijan&per_page=1&cursor=\(relevanceCursor)", "cursor")
        }
    }

    @Test func searchSyntaxErrorsAre400sNever500s() throws {
        try Self.withServer { s in
            let refused = ["%22unbalanced", "AND", "elections+OR+karabakh", "NEAR(elections+karabakh)", "title:elections", "%5Eelections",
                           "%7Btitle%7D:x", "(elections)", "elect*ions", "*", "%22%22", "%22+%22", "%22elections%22karabakh", "NOT+x",
                           "x%01y", (1...40).map { "w\($0)" }.joined(separator: "+"), String(repeating: "z", count: 600), "%E2%80%9C%22"]
            for q in refused {
                for path in ["/api/v1/articles", "/api/v1/search"] {
                    let p = try s.expectBadParameter("\(path)?q=\(q)", "q")
                    #expect(p?.detail.isEmpty == false)
                }
            }
            // (A prefix needs three letters or digits: search.min_prefix_length.)
            // Odd queries, decided by the contract's query language (words, "phrases", prefix*; all
            // words must match): anything with a letter or digit in it is a word, punctuation around
            // it is left to the tokenizer, so these are 200s; `found` says whether they must find
            // the elections article. A query without a single letter or digit has no words to
            // search for: a 400 naming q, like `""` above.
            let words: [(q: String, found: Bool)] = [
                ("-elections", true), ("elections-", true), ("%22elections%22*", true), ("elections*", true), ("%C3%BC", false),
                ("e%27s", false), ("a%26b", false), ("%3Cmark%3E", false), ("%22a+b%22+cor*", false), ("%C2%A0elections", true),
                ("near", false), ("and+or", false), ("%E2%80%9Celections%E2%80%9D", true),
            ]
            for (q, found) in words {
                for path in ["/api/v1/articles", "/api/v1/search"] {
                    let r = try s.get("\(path)?q=\(q)&per_page=100")
                    #expect(r.status == 200, "q=\(q): \(r.status) \(r.text)")
                    #expect(r.header("Content-Type") == "application/json; charset=utf-8", "q=\(q)")
                    guard r.status == 200 else { continue }
                    let slugs = try API.decode(ArticleList.self, r).data.map(\.slug)
                    if found { #expect(slugs.contains(Self.e), "q=\(q) on \(path) found \(slugs)") }
                }
            }
            for q in ["%F0%9F%98%80", "%5C", "%2F%2F", "%E2%80%94", "-", "%22-%22"] {
                for path in ["/api/v1/articles", "/api/v1/search"] {
                    let p = try s.expectBadParameter("\(path)?q=\(q)", "q")
                    #expect(p?.errors?.first?.message.contains("no words") == true, "q=\(q): \(p?.detail ?? "")")
                }
            }
            #expect(try s.get("/readyz").status == 200, "still serving")
        }
    }

    @Test func unknownSlugsAre404Problems() throws {
        try Self.withServer { s in
            for target in ["/api/v1/articles/no-such-article", "/api/v1/articles/no-such-article/related",
                           "/api/v1/articles/no-such-article/related?limit=3", "/api/v1/authors/nobody", "/api/v1/authors/nobody/articles",
                           "/api/v1/articles/%E2%80%A6", "/api/v1/nope", "/api/v1/articles/\(Self.e)/nope"] {
                let r = try s.get(target)
                #expect(r.status == 404, "\(target): \(r.status)")
                #expect(r.header("Content-Type") == "application/problem+json")
                #expect(r.header("Cache-Control") == "no-store")
                let p = try API.decode(ProblemBody.self, r)
                #expect(p.status == 404 && p.title == "Not Found" && p.type == "about:blank" && !p.detail.isEmpty)
                #expect(p.instance == String(target.prefix { $0 != "?" }) || p.instance?.removingPercentEncoding == target.removingPercentEncoding)
                let head = try s.request("HEAD", target)
                #expect(head.status == 404 && head.body.isEmpty)
            }
            let author = try API.decode(ProblemBody.self, try s.get("/api/v1/authors/nobody"))
            #expect(author.detail.contains("nobody"))
        }
    }

    /// The sample content with the elections article renamed (its old slug goes to slug_history),
    /// plus three identical articles (equal search rank) and one with markup in its text.
    static func withEditedSample(_ body: (APIServer) throws -> Void) throws {
        let server = try APIServer { dir in
            let db = dir.appendingPathComponent("folio.sqlite").path
            let sample = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content")
            try GeneratedCorpus.run(["import", "--database", db, sample.path])
            let document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: sample.appendingPathComponent("cair.json")))
                as? [String: Any])
            var renamed = try #require((document["articles"] as? [[String: Any]])?.first)
            #expect(renamed["slug"] as? String == Self.e)
            renamed["slug"] = Self.renamedSlug
            var articles: [[String: Any]] = [renamed]
            for (i, day) in ["03", "02", "01"].enumerated() {
                articles.append([
                    "id": 101 + i, "slug": "zephyr-twin-\(i + 1)", "title": "Zephyr twin report", "published_at": "2020-01-\(day)T12:00:00Z",
                    "authors": ["javid-valiyev"], "body_markdown": "The zephyrword study, repeated word for word.",
                ])
            }
            articles.append([
                "id": 200, "slug": "markup-in-text", "title": "Zephyrescape: 1 < 2 & <b>bold</b>", "published_at": "2019-05-05T12:00:00Z",
                "authors": ["javid-valiyev"],
                "body_markdown": "Angle brackets: 1 < 2 & 3 > 2, a `<script>alert(\"zephyrescape\")</script>` sample and 'quotes'.",
            ])
            let extra = dir.appendingPathComponent("extra.json")
            try JSONSerialization.data(withJSONObject: ["articles": articles]).write(to: extra)
            try GeneratedCorpus.run(["import", "--database", db, extra.path])
        }
        defer { server.stop() }
        try body(server)
    }

    static let renamedSlug = "karabakh-elections-rejected"

    @Test func oldSlugRedirectsToTheNewOne() throws {
        try Self.withEditedSample { s in
            let r = try s.get("/api/v1/articles/\(Self.e)")
            #expect(r.status == 301, "\(r.status) \(r.text)")
            #expect(r.header("Location") == "/api/v1/articles/\(Self.renamedSlug)")
            #expect(r.header("Access-Control-Allow-Origin") == "*")
            let withQuery = try s.get("/api/v1/articles/\(Self.e)?fields=slug,title")
            #expect(withQuery.status == 301 && withQuery.header("Location") == "/api/v1/articles/\(Self.renamedSlug)?fields=slug,title")
            // Publicly cacheable, so nothing but what the route takes goes into the Location.
            let noisy = try s.get("/api/v1/articles/\(Self.e)?utm_source=x&fields=slug&evil=%3Cscript%3E")
            #expect(noisy.status == 301 && noisy.header("Location") == "/api/v1/articles/\(Self.renamedSlug)?fields=slug")
            #expect(try s.get("/api/v1/articles/\(Self.e)?evil=1").header("Location") == "/api/v1/articles/\(Self.renamedSlug)")
            let head = try s.request("HEAD", "/api/v1/articles/\(Self.e)")
            #expect(head.status == 301 && head.body.isEmpty && head.header("Location") == r.header("Location"))

            let moved = try s.json(One<APIArticle>.self, try #require(r.header("Location"))).data
            #expect(moved.slug == Self.renamedSlug && moved.id == 1 && moved.url == "/api/v1/articles/\(Self.renamedSlug)")
            #expect(moved.title == "Illegal elections in Azerbaijan’s Karabakh Rejected by International Community")
            #expect(moved.related?.contains { $0.slug == Self.renamedSlug } == false)
            let list = try s.json(ArticleList.self, "/api/v1/articles?tag=karabakh")
            #expect(list.data.map(\.slug) == [Self.renamedSlug], "lists show the new slug only")
            #expect(try s.json(ArticleList.self, "/api/v1/search?q=elections").data.map(\.slug) == [Self.renamedSlug])
            #expect(try s.get("/api/v1/articles/never-existed").status == 404)
        }
    }

    @Test func equalRanksPaginateWithoutLosingHits() throws {
        try Self.withEditedSample { s in
            let twins = ["zephyr-twin-1", "zephyr-twin-2", "zephyr-twin-3"]
            for path in ["/api/v1/search", "/api/v1/articles"] {
                let query = path.hasSuffix("search") ? "q=zephyrword" : "q=zephyrword&sort=relevance"
                let byPages = try s.collect(path, query: query, cursors: false, perPage: 1)
                let byCursors = try s.collect(path, query: query, cursors: true, perPage: 1)
                #expect(Set(byPages.map(\.slug)) == Set(twins) && byPages.count == 3, "\(path) pages")
                #expect(byCursors.map(\.slug) == byPages.map(\.slug), "\(path): cursors visit the same hits in the same order")
            }
            let byTitle = try s.collect("/api/v1/articles", query: "q=zephyrword&sort=title", cursors: true, perPage: 1)
            #expect(byTitle.map(\.slug) == twins)
        }
    }

    @Test func snippetsMarkMatchesAndEscapeEverythingElse() throws {
        try Self.withEditedSample { s in
            let hits = try s.json(ArticleList.self, "/api/v1/search?q=zephyrescape")
            #expect(hits.data.map(\.slug) == ["markup-in-text"])
            let snippet = try #require(hits.data.first?.snippet)
            #expect(snippet.contains("<mark>"), "\(snippet)")
            let rest = snippet.replacingOccurrences(of: "<mark>", with: "").replacingOccurrences(of: "</mark>", with: "")
            #expect(!rest.contains("<") && !rest.contains(">"), "\(snippet)")
            #expect(rest.contains("&lt;") || rest.contains("&gt;"), "\(snippet)")
            // Every & starts an entity.
            var scan = rest[...]
            while let amp = scan.firstIndex(of: "&") {
                let tail = scan[amp...]
                #expect(["&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&#x27;", "&apos;"].contains { tail.hasPrefix($0) }, "\(snippet)")
                scan = scan[scan.index(after: amp)...]
            }
            // Body text as well as the title.
            let body = try s.json(ArticleList.self, "/api/v1/search?q=angle+brackets")
            let bodySnippet = try #require(body.data.first?.snippet)
            #expect(bodySnippet.contains("<mark>") && bodySnippet.replacingOccurrences(of: "<mark>", with: "")
                .replacingOccurrences(of: "</mark>", with: "").contains("<") == false, "\(bodySnippet)")
        }
    }
}
