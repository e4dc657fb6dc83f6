import Foundation
import Testing

/// Every read route of the API over real sockets against the shipped sample content
/// (Config/sample-content: four articles by Javid Valiyev), decoded and checked field by field.
@Suite("API against the sample content")
struct APISampleContentTests {
    static func withServer(_ body: (APIServer) throws -> Void) throws {
        let server = try APIServer()
        defer { server.stop() }
        try body(server)
    }

    static let summaryKeys: Set<String> = ["id", "slug", "title", "excerpt", "published_at", "updated_at",
                                            "reading_time_minutes", "word_count", "language", "canonical_url", "url",
                                            "authors", "tags"]
    static let javid = AuthorRef(slug: "javid-valiyev", name: "Javid Valiyev", url: "/api/v1/authors/javid-valiyev")

    /// Checks an API article's summary fields against the sample document.
    static func expectMatches(_ a: APIArticle, _ truth: TruthDocument, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let t = truth.article(a.slug) else {
            Issue.record("unknown article \(a.slug)", sourceLocation: sourceLocation)
            return
        }
        #expect(a.id == t.id, sourceLocation: sourceLocation)
        #expect(a.title == t.title, sourceLocation: sourceLocation)
        #expect(a.publishedAt == t.publishedAt, "published_at keeps the +04:00 offset", sourceLocation: sourceLocation)
        #expect(a.updatedAt == (t.updatedAt ?? t.publishedAt), sourceLocation: sourceLocation)
        #expect(a.language == "en", sourceLocation: sourceLocation)
        #expect(a.canonicalUrl == t.canonicalUrl, sourceLocation: sourceLocation)
        #expect(a.url == "/api/v1/articles/" + t.slug, sourceLocation: sourceLocation)
        #expect(a.authors == [javid], sourceLocation: sourceLocation)
        let tagNames = Dictionary(uniqueKeysWithValues: truth.tags.map { ($0.slug, $0.name) })
        #expect(a.tags == t.tagList.map { TagRef(slug: $0, name: tagNames[$0] ?? "?") }, "tags keep their order",
                sourceLocation: sourceLocation)
        #expect(a.wordCount > 0 && a.readingTimeMinutes == max(1, (a.wordCount + 229) / 230), sourceLocation: sourceLocation)
        #expect(!a.excerpt.isEmpty && a.excerpt.count <= 201, sourceLocation: sourceLocation)
    }

    @Test func articleListFieldByField() throws {
        let truth = try SampleContent.truth
        try Self.withServer { s in
            let r = try s.get("/api/v1/articles")
            API.expectCacheableHeaders(r, "list")
            #expect(r.header("X-Total-Count") == "4")
            #expect(r.header("Last-Modified") == "Fri, 21 Jun 2024 13:36:00 GMT", "newest updated_at in the response")
            #expect(API.links(r) == ["first": "/api/v1/articles?per_page=20&page=1", "last": "/api/v1/articles?per_page=20&page=1"])
            let list = try API.decode(ArticleList.self, r)
            #expect(list.data.map(\.slug) == SampleContent.slugs)
            #expect(list.meta.pagination == Pagination(page: 1, perPage: 20, total: 4, pages: 1, next: nil, prev: nil, nextCursor: nil))
            for a in list.data {
                Self.expectMatches(a, truth)
                #expect(a.html == nil && a.text == nil && a.related == nil)
            }
            let items = (r.json?["data"] as? [Any]) ?? []
            #expect(items.count == 4 && items.allSatisfy { API.keys($0) == Self.summaryKeys })

            let elections = try #require(list.data.last)
            #expect(elections.wordCount == 885 && elections.readingTimeMinutes == 4)
            #expect(elections.canonicalUrl == "https://moderndiplomacy.eu/2023/09/16/illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community/")
            #expect(elections.excerpt.hasPrefix("Illegal elections organized by separatist Armenians on September 9, 2023"))
            #expect(elections.excerpt.hasSuffix("…"))
            #expect(list.data[0].title == "Azerbaijan-Türkiye ties: New goals in economy, energy, transportation")
            #expect(list.data[0].tags.map(\.name) == ["Azerbaijan", "Türkiye", "Economy", "Energy", "Transportation"])

            // Two pages of two, with Link and meta.
            let p1 = try s.get("/api/v1/articles?per_page=2")
            let l1 = try API.decode(ArticleList.self, p1)
            #expect(l1.data.map(\.slug) == Array(SampleContent.slugs[0..<2]))
            #expect(l1.meta.pagination.next == 2 && l1.meta.pagination.pages == 2 && l1.meta.pagination.prev == nil)
            #expect(API.links(p1) == ["first": "/api/v1/articles?per_page=2&page=1", "next": "/api/v1/articles?per_page=2&page=2",
                                      "last": "/api/v1/articles?per_page=2&page=2"])
            let p2 = try s.get("/api/v1/articles?per_page=2&page=2")
            let l2 = try API.decode(ArticleList.self, p2)
            #expect(l2.data.map(\.slug) == Array(SampleContent.slugs[2..<4]))
            #expect(l2.meta.pagination == Pagination(page: 2, perPage: 2, total: 4, pages: 2, next: nil, prev: 1, nextCursor: nil))
            #expect(API.links(p2) == ["first": "/api/v1/articles?per_page=2&page=1", "prev": "/api/v1/articles?per_page=2&page=1",
                                      "last": "/api/v1/articles?per_page=2&page=2"])
            #expect(p2.header("Last-Modified") == "Mon, 29 Apr 2024 13:20:00 GMT", "newest updated_at on this page")
            // Past the end: empty, prev points at the last page.
            let p9 = try s.json(ArticleList.self, "/api/v1/articles?per_page=2&page=9")
            #expect(p9.data.isEmpty && p9.meta.pagination.prev == 2 && p9.meta.pagination.next == nil && p9.meta.pagination.total == 4)
        }
    }

    @Test func everyFilterAndSortOnTheSample() throws {
        try Self.withServer { s in
            func slugs(_ q: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
                let r = try s.get("/api/v1/articles?" + q)
                #expect(r.status == 200, "\(q): \(r.text)", sourceLocation: sourceLocation)
                let list = try API.decode(ArticleList.self, r)
                #expect(list.meta.pagination.total == list.data.count && r.header("X-Total-Count") == String(list.data.count),
                        sourceLocation: sourceLocation)
                return list.data.map(\.slug)
            }
            let (t, sk, n, e) = (SampleContent.turkiyeSlug, SampleContent.slovakiaSlug, SampleContent.normalizationSlug, SampleContent.electionsSlug)
            #expect(try slugs("author=javid-valiyev") == [t, sk, n, e])
            #expect(try slugs("tag=armenia") == [n, e])
            #expect(try slugs("tag=slovakia,turkiye") == [t, sk])
            #expect(try slugs("tag=turkiye&tag=slovakia") == [t, sk])
            #expect(try slugs("tag=karabakh&author=javid-valiyev") == [e])
            #expect(try slugs("tag=armenia&tag=diplomacy") == [sk, n, e], "a tag list is any-of")
            #expect(try slugs("since=2024-05-14") == [t, sk])
            #expect(try slugs("until=2024-05-14") == [sk, n, e], "a date-only until includes the whole day")
            #expect(try slugs("since=2024-05-14T13:17:00Z") == [t, sk], "since is inclusive")
            #expect(try slugs("since=2024-05-14T17:17:01%2B04:00") == [t])
            #expect(try slugs("until=2024-05-14T17:17:00%2B04:00") == [sk, n, e], "until is inclusive")
            #expect(try slugs("since=2024-01-01&until=2024-05-31") == [sk, n])
            #expect(try slugs("since=2025-01-01").isEmpty)
            let empty = try s.get("/api/v1/articles?since=2025-01-01")
            API.expectCacheableHeaders(empty, "empty list")
            #expect(try API.decode(ArticleList.self, empty).meta.pagination
                    == Pagination(page: 1, perPage: 20, total: 0, pages: 0, next: nil, prev: nil, nextCursor: nil))
            #expect(empty.header("X-Total-Count") == "0")
            let emptyBase = "/api/v1/articles?since=2025-01-01T00%3A00%3A00%2B00%3A00&per_page=20&page=1"
            #expect(API.links(empty) == ["first": emptyBase, "last": emptyBase])
            #expect(try slugs("q=azerbaijan") == [t, sk, n, e])
            #expect(try slugs("q=elections") == [e])
            #expect(try slugs("q=azerbaijan&tag=armenia&since=2024-01-01") == [n], "filters are ANDed")
            #expect(try slugs("q=slovakia&tag=armenia").isEmpty, "filters are ANDed")
            #expect(try slugs("q=%22international+community%22") == [e], "phrase")
            #expect(try slugs("q=norm*") == [n, e], "prefix")
            #expect(try slugs("q=elect*") == [e], "prefix")
            #expect(try slugs("sort=-published_at") == [t, sk, n, e])
            #expect(try slugs("sort=published_at") == [e, n, sk, t])
            #expect(try slugs("sort=title") == [n, t, e, sk])
            #expect(try slugs("sort=-title") == [sk, e, t, n])
            #expect(try slugs("sort=title&tag=diplomacy") == [n, e, sk])
            let relevance = try slugs("q=azerbaijan&sort=relevance")
            #expect(Set(relevance) == Set([t, sk, n, e]))

            // Equivalent spellings are one canonical request: same body, same ETag.
            let a = try s.get("/api/v1/articles?tag=slovakia,turkiye")
            let b = try s.get("/api/v1/articles?tag=turkiye&tag=slovakia&per_page=20&page=1")
            #expect(a.body == b.body && a.header("ETag") == b.header("ETag") && a.header("Link") == b.header("Link"))
            #expect(API.links(a)["first"] == "/api/v1/articles?tag=slovakia,turkiye&per_page=20&page=1")
        }
    }

    @Test func fieldsAndIncludeBody() throws {
        try Self.withServer { s in
            let full = try s.json(ArticleList.self, "/api/v1/articles")
            let computed = try s.get("/api/v1/articles?fields=reading_time_minutes,word_count,excerpt")
            #expect(computed.status == 200)
            let items = (computed.json?["data"] as? [Any]) ?? []
            #expect(items.count == 4 && items.allSatisfy { API.keys($0) == ["reading_time_minutes", "word_count", "excerpt"] })
            let partial = try API.decode(One<[PartialArticle]>.self, computed).data
            #expect(partial.map(\.wordCount) == full.data.map(\.wordCount))
            #expect(partial.map(\.readingTimeMinutes) == full.data.map(\.readingTimeMinutes))
            #expect(partial.map(\.excerpt) == full.data.map(\.excerpt))
            #expect(computed.header("X-Total-Count") == "4")

            let slugOnly = try s.get("/api/v1/articles?fields=slug&fields=title")
            #expect(((slugOnly.json?["data"] as? [Any]) ?? []).allSatisfy { API.keys($0) == ["slug", "title"] })

            let withBody = try s.get("/api/v1/articles?include=body")
            let bodies = try API.decode(ArticleList.self, withBody)
            #expect(((withBody.json?["data"] as? [Any]) ?? []).allSatisfy { API.keys($0) == Self.summaryKeys.union(["html", "text"]) })
            #expect(bodies.data.map(\.summary) == full.data)
            let elections = try #require(bodies.data.last)
            #expect(elections.html?.hasPrefix("<p>Illegal elections organized by separatist Armenians") == true)
            #expect(elections.text?.hasPrefix("Illegal elections organized by separatist Armenians") == true)
            #expect(elections.text?.contains("<p>") == false)
            #expect(bodies.data.allSatisfy { ($0.html?.isEmpty == false) && ($0.text?.isEmpty == false) })

            let slugAndBody = try s.get("/api/v1/articles?fields=slug&include=body")
            #expect(((slugAndBody.json?["data"] as? [Any]) ?? []).allSatisfy { API.keys($0) == ["slug", "html", "text"] })
            let onlyHTML = try s.get("/api/v1/articles?fields=html")
            #expect(((onlyHTML.json?["data"] as? [Any]) ?? []).allSatisfy { API.keys($0) == ["html"] })
        }
    }

    @Test func articleBySlugWithRelated() throws {
        let truth = try SampleContent.truth
        try Self.withServer { s in
            let r = try s.get("/api/v1/articles/" + SampleContent.electionsSlug)
            API.expectCacheableHeaders(r, "article", vary: "Accept, Accept-Encoding")
            #expect(r.header("Last-Modified") == "Mon, 18 Sep 2023 06:56:00 GMT")
            #expect(API.keys(r.json?["data"]) == Self.summaryKeys.union(["html", "text", "related"]))
            let a = try API.decode(One<APIArticle>.self, r).data
            Self.expectMatches(a, truth)
            #expect(a.html?.hasPrefix("<p>Illegal elections organized by separatist Armenians on September 9, 2023") == true)
            #expect(a.html?.contains("</p>\n<p>") == true || a.html?.contains("</p><p>") == true)
            #expect(a.text?.hasPrefix("Illegal elections organized") == true && a.text?.contains("<") == false)
            let related = a.related ?? []
            #expect(related.count == 3 && related.count <= 5)
            #expect(!related.contains { $0.slug == a.slug }, "never itself")
            #expect(Set(related.map(\.slug)) == Set([SampleContent.turkiyeSlug, SampleContent.slovakiaSlug, SampleContent.normalizationSlug]))
            #expect(related.allSatisfy { $0.html == nil && $0.related == nil })
            let relatedItems = ((r.json?["data"] as? [String: Any])?["related"] as? [Any]) ?? []
            #expect(relatedItems.allSatisfy { API.keys($0) == Self.summaryKeys })
            for x in related { Self.expectMatches(x, truth) }

            // The other three, each related to the rest.
            for slug in SampleContent.slugs.dropLast() {
                let other = try s.json(One<APIArticle>.self, "/api/v1/articles/" + slug).data
                Self.expectMatches(other, truth)
                #expect(other.related?.count == 3 && other.related?.contains { $0.slug == slug } == false)
                #expect(other.html?.isEmpty == false && other.text?.isEmpty == false)
            }

            let some = try s.get("/api/v1/articles/\(SampleContent.electionsSlug)?fields=slug,word_count,related")
            #expect(API.keys(some.json?["data"]) == ["slug", "word_count", "related"])
            let textOnly = try s.get("/api/v1/articles/\(SampleContent.electionsSlug)?fields=text")
            #expect(API.keys(textOnly.json?["data"]) == ["text"])
        }
    }

    @Test func relatedFeedWithLimit() throws {
        try Self.withServer { s in
            let article = try s.json(One<APIArticle>.self, "/api/v1/articles/" + SampleContent.turkiyeSlug).data
            let r = try s.get("/api/v1/articles/\(SampleContent.turkiyeSlug)/related")
            API.expectCacheableHeaders(r, "related")
            let feed = try API.decode(RelatedList.self, r)
            #expect(feed.meta.article == SampleContent.turkiyeSlug && feed.meta.limit == 5 && feed.meta.count == 3)
            #expect(feed.data == article.related, "the article's related is the head of its feed")
            #expect(!feed.data.contains { $0.slug == SampleContent.turkiyeSlug })
            // Shared tags rank next after the (shared) author: normalization and slovakia share
            // azerbaijan only; elections shares azerbaijan; recency breaks ties.
            #expect(feed.data.map(\.slug) == [SampleContent.slovakiaSlug, SampleContent.normalizationSlug, SampleContent.electionsSlug])
            let one = try s.json(RelatedList.self, "/api/v1/articles/\(SampleContent.turkiyeSlug)/related?limit=1")
            #expect(one.data.map(\.slug) == [SampleContent.slovakiaSlug] && one.meta.limit == 1 && one.meta.count == 1)
            let fifty = try s.json(RelatedList.self, "/api/v1/articles/\(SampleContent.turkiyeSlug)/related?limit=50")
            #expect(fifty.data == feed.data && fifty.meta.limit == 50)
            // The elections article shares armenia+diplomacy with normalization, diplomacy with slovakia.
            let e = try s.json(RelatedList.self, "/api/v1/articles/\(SampleContent.electionsSlug)/related")
            #expect(e.data.map(\.slug) == [SampleContent.normalizationSlug, SampleContent.slovakiaSlug, SampleContent.turkiyeSlug])
        }
    }

    @Test func authorsAndContactCard() throws {
        let truth = try SampleContent.truth
        try Self.withServer { s in
            let r = try s.get("/api/v1/authors")
            API.expectCacheableHeaders(r, "authors")
            #expect(r.header("X-Total-Count") == "1")
            #expect(API.links(r) == ["first": "/api/v1/authors?per_page=20&page=1", "last": "/api/v1/authors?per_page=20&page=1"])
            let list = try API.decode(AuthorList.self, r)
            #expect(list.meta.pagination == Pagination(page: 1, perPage: 20, total: 1, pages: 1, next: nil, prev: nil, nextCursor: nil))
            let listed = try #require(list.data.first)
            #expect(list.data.count == 1 && listed.slug == "javid-valiyev" && listed.articleCount == 4)
            #expect(listed.latestArticles == nil)

            let c = try s.get("/api/v1/authors/javid-valiyev")
            API.expectCacheableHeaders(c, "author", vary: "Accept, Accept-Encoding")
            #expect(API.keys(c.json?["data"]) == ["slug", "name", "role", "organization", "email", "phone", "phone_e164", "bio",
                                                  "image_url", "links", "article_count", "url", "latest_articles"])
            let card = try API.decode(One<APIAuthor>.self, c).data
            #expect(card.slug == "javid-valiyev")
            #expect(card.name == "Javid Valiyev")
            #expect(card.organization == "Center of Analysis of International Relations")
            #expect(card.email == "javid.valiyev@aircenter.az")
            #expect(card.phone == "(+994 12) 596-82-39", "as published")
            #expect(card.phoneE164 == "+994125968239")
            #expect(card.role == nil && card.bio == nil && card.imageUrl == nil && card.links.isEmpty)
            #expect(card.articleCount == 4)
            #expect(card.url == "/api/v1/authors/javid-valiyev")
            #expect(card.latestArticles?.map(\.slug) == SampleContent.slugs)
            for a in card.latestArticles ?? [] { Self.expectMatches(a, truth) }
            #expect(c.header("Last-Modified") == "Fri, 21 Jun 2024 13:36:00 GMT")

            let more = try s.get("/api/v1/authors/javid-valiyev/articles")
            API.expectCacheableHeaders(more, "author articles")
            #expect(more.header("X-Total-Count") == "4")
            #expect(API.links(more)["first"] == "/api/v1/authors/javid-valiyev/articles?per_page=20&page=1")
            let moreList = try API.decode(ArticleList.self, more)
            #expect(moreList.data.map(\.slug) == SampleContent.slugs)
            #expect(try s.json(ArticleList.self, "/api/v1/authors/javid-valiyev/articles?sort=published_at").data.map(\.slug)
                    == SampleContent.slugs.reversed())
            #expect(try s.json(ArticleList.self, "/api/v1/authors/javid-valiyev/articles?tag=slovakia").data.map(\.slug)
                    == [SampleContent.slovakiaSlug])
            let paged = try s.get("/api/v1/authors/javid-valiyev/articles?per_page=3&page=2")
            #expect(try API.decode(ArticleList.self, paged).data.map(\.slug) == [SampleContent.electionsSlug])
            #expect(API.links(paged)["prev"] == "/api/v1/authors/javid-valiyev/articles?per_page=3&page=1")
        }
    }

    @Test func tagsSiteAndHealth() throws {
        try Self.withServer { s in
            let r = try s.get("/api/v1/tags")
            API.expectCacheableHeaders(r, "tags")
            let tags = try API.decode(TagList.self, r)
            let expected: [(String, String, Int)] = [
                ("armenia", "Armenia", 2), ("azerbaijan", "Azerbaijan", 4), ("diplomacy", "Diplomacy", 3), ("economy", "Economy", 1),
                ("energy", "Energy", 1), ("karabakh", "Karabakh", 1), ("slovakia", "Slovakia", 1),
                ("transportation", "Transportation", 1), ("turkiye", "Türkiye", 1),
            ]
            #expect(tags.data == expected.map { APITag(slug: $0.0, name: $0.1, articleCount: $0.2, url: "/api/v1/articles?tag=" + $0.0) })
            #expect(tags.meta.total == 9)

            let site = try s.get("/api/v1/site")
            API.expectCacheableHeaders(site, "site")
            let d = try API.decode(One<APISite>.self, site).data
            #expect(d.name == "Center of Analysis of International Relations")
            #expect(d.url == "https://aircenter.az/")
            #expect(d.description.hasPrefix("Articles and analysis from the Center of Analysis of International Relations"))
            #expect(d.language == "en")
            #expect(d.contact.email == "javid.valiyev@aircenter.az" && d.contact.phone == "(+994 12) 596-82-39")
            #expect(d.contact.address == nil)
            #expect(d.articleCount == 4)
            #expect(API.keys(site.json?["data"]) == ["name", "url", "description", "language", "contact", "article_count"])

            let h = try s.get("/healthz")
            #expect(h.status == 200 && h.text == #"{"status":"ok"}"# && h.header("Content-Type") == "application/json; charset=utf-8")
            let ready = try s.get("/readyz")
            #expect(ready.status == 200 && ready.text == #"{"status":"ready"}"#)
        }
    }

    @Test func searchSnippetsAndDiacritics() throws {
        try Self.withServer { s in
            let r = try s.get("/api/v1/search?q=elections")
            API.expectCacheableHeaders(r, "search")
            #expect(r.header("X-Total-Count") == "1")
            let hits = try API.decode(ArticleList.self, r)
            #expect(hits.data.map(\.slug) == [SampleContent.electionsSlug])
            let hit = try #require(hits.data.first)
            #expect(hit.snippet?.contains("<mark>elections</mark>") == true, "\(hit.snippet ?? "")")
            #expect((hit.score ?? 0) > 0)
            #expect(API.keys((r.json?["data"] as? [Any])?.first) == Self.summaryKeys.union(["snippet", "score"]))
            #expect(hits.meta.pagination == Pagination(page: 1, perPage: 20, total: 1, pages: 1, next: nil, prev: nil, nextCursor: nil))
            #expect(API.links(r)["first"] == "/api/v1/search?q=elections&per_page=20&page=1")

            for q in ["Turkiye", "turkiye", "T%C3%BCrkiye", "T%C3%9CRKIYE"] {
                let t = try s.json(ArticleList.self, "/api/v1/search?q=" + q)
                #expect(t.data.map(\.slug) == [SampleContent.turkiyeSlug], "q=\(q)")
                #expect(t.data.first?.snippet?.contains("<mark>Türkiye</mark>") == true, "\(t.data.first?.snippet ?? "")")
            }
            let both = try s.json(ArticleList.self, "/api/v1/articles?q=Turkiye")
            #expect(both.data.map(\.slug) == [SampleContent.turkiyeSlug])

            // Ranked, paginated: four hits for azerbaijan, one per page, best first.
            var scores: [Double] = []
            var seen: [String] = []
            for page in 1...4 {
                let p = try s.json(ArticleList.self, "/api/v1/search?q=azerbaijan&per_page=1&page=\(page)")
                #expect(p.meta.pagination.total == 4 && p.data.count == 1)
                scores += p.data.compactMap(\.score)
                seen += p.data.map(\.slug)
                #expect(p.data.allSatisfy { $0.snippet?.contains("<mark>") == true })
            }
            #expect(Set(seen).count == 4 && scores == scores.sorted(by: >))
            let viaCursor = try s.collect("/api/v1/search", query: "q=azerbaijan", cursors: true, perPage: 1)
            #expect(viaCursor.map(\.slug) == seen)
            let fields = try s.get("/api/v1/search?q=elections&fields=slug")
            #expect(API.keys((fields.json?["data"] as? [Any])?.first) == ["slug", "snippet", "score"])
        }
    }
}
