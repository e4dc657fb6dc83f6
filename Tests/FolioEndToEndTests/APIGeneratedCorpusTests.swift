import Foundation
import Testing

/// The read API against a generated corpus of 300 articles (made once per run), checked against
/// the corpus exported with `folio export`: pagination by pages and cursors visits every article
/// exactly once in every order, filters give exactly the matching articles, related feeds and
/// author cards agree with the content.
@Suite("API against a generated corpus")
struct APIGeneratedCorpusTests {
    static func withServer(_ body: (APIServer, TruthDocument) throws -> Void) throws {
        let truth = try GeneratedCorpus.shared.get().truth
        let server = try APIServer.generated()
        defer { server.stop() }
        try body(server, truth)
    }

    static func expectOrder(_ got: [APIArticle], _ want: [TruthDocument.Article], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, "\(what): \(got.count) vs \(want.count)", sourceLocation: sourceLocation)
        #expect(Set(got.map(\.id)).count == got.count, "\(what): an article came twice", sourceLocation: sourceLocation)
        #expect(got.map(\.slug) == want.map(\.slug), "\(what): order", sourceLocation: sourceLocation)
    }

    @Test func pagesAndCursorsVisitEveryArticleOnceInEveryOrder() throws {
        try Self.withServer { s, truth in
            #expect(truth.articles.count == GeneratedCorpus.articleCount)
            let orders: [(String, [TruthDocument.Article])] = [
                ("", truth.newestFirst()),
                ("sort=published_at", truth.newestFirst().reversed()),
                ("sort=title", truth.byTitle()),
                ("sort=-title", truth.byTitle(descending: true)),
            ]
            for (query, want) in orders {
                let byPages = try s.collect("/api/v1/articles", query: query, cursors: false)
                Self.expectOrder(byPages, want, "pages \(query)")
                let byCursors = try s.collect("/api/v1/articles", query: query, cursors: true)
                Self.expectOrder(byCursors, want, "cursors \(query)")
            }
            // The summary fields agree with the exported content.
            let all = try s.collect("/api/v1/articles", query: "", cursors: true, perPage: 100)
            let tags = Dictionary(uniqueKeysWithValues: truth.tags.map { ($0.slug, $0.name) })
            let authors = Dictionary(uniqueKeysWithValues: truth.authors.map { ($0.slug, $0.name) })
            for a in all {
                guard let t = truth.article(a.slug) else { Issue.record("unknown \(a.slug)"); continue }
                #expect(a.id == t.id && a.title == t.title && a.publishedAt == t.publishedAt)
                #expect(a.updatedAt == (t.updatedAt ?? t.publishedAt) && a.canonicalUrl == t.canonicalUrl)
                #expect(a.authors == t.authors.map { AuthorRef(slug: $0, name: authors[$0] ?? "?", url: "/api/v1/authors/" + $0) })
                #expect(a.tags == t.tagList.map { TagRef(slug: $0, name: tags[$0] ?? "?") })
                #expect(a.readingTimeMinutes == max(1, (a.wordCount + 229) / 230) && a.wordCount >= 600 && a.wordCount <= 2500)
                #expect(a.url == "/api/v1/articles/" + a.slug && a.language == "en")
            }
        }
    }

    @Test func filtersMatchTheContentAndPaginate() throws {
        try Self.withServer { s, truth in
            let authors = truth.authors.map(\.slug).sorted()
            let tagCounts = Dictionary(grouping: truth.articles.flatMap(\.tagList), by: { $0 }).mapValues(\.count)
            let tags = tagCounts.keys.sorted { tagCounts[$0]! != tagCounts[$1]! ? tagCounts[$0]! > tagCounts[$1]! : $0 < $1 }
            let (a1, a2) = (authors[0], authors[1])
            let (t1, t2, rare) = (tags[0], tags[1], tags.last!)

            var cases: [(String, String?, [TruthDocument.Article])] = [
                ("author=\(a1)", nil, truth.newestFirst { $0.authors.contains(a1) }),
                ("author=\(a1),\(a2)", nil, truth.newestFirst { $0.authors.contains(a1) || $0.authors.contains(a2) }),
                ("tag=\(t1)", nil, truth.newestFirst { $0.tagList.contains(t1) }),
                ("tag=\(rare)", nil, truth.newestFirst { $0.tagList.contains(rare) }),
                ("author=\(a2)&tag=\(t1)", nil, truth.newestFirst { $0.authors.contains(a2) && $0.tagList.contains(t1) }),
                ("tag=\([t1, t2].sorted().joined(separator: ","))", nil,
                 truth.newestFirst { $0.tagList.contains(t1) || $0.tagList.contains(t2) }),
            ]
            // Date bounds: date-only since = start of that UTC day, until = end of it; both inclusive.
            let mid = truth.newestFirst()[150]
            let since = API.epoch("2015-03-01T00:00:00Z"), until = API.epoch("2020-06-30T23:59:59Z")
            let (sinceC, untilC) = ("since=2015-03-01T00%3A00%3A00%2B00%3A00", "until=2020-06-30T23%3A59%3A59%2B00%3A00")
            cases += [
                ("since=2015-03-01", sinceC, truth.newestFirst { $0.published >= since }),
                ("until=2020-06-30", untilC, truth.newestFirst { $0.published <= until }),
                ("author=\(a1)&since=2015-03-01&tag=\(t1)&until=2020-06-30", "author=\(a1)&\(sinceC)&tag=\(t1)&\(untilC)",
                 truth.newestFirst { $0.authors.contains(a1) && $0.tagList.contains(t1) && $0.published >= since && $0.published <= until }),
                ("since=\(API.escape(mid.publishedAt))", nil, truth.newestFirst { $0.published >= mid.published }),
                ("until=\(API.escape(mid.publishedAt))", nil, truth.newestFirst { $0.published <= mid.published }),
            ]
            for (query, canonical, want) in cases {
                #expect(!want.isEmpty, "\(query) should match something")
                Self.expectOrder(try s.collect("/api/v1/articles", query: query, canonical: canonical, cursors: false), want, "pages \(query)")
                Self.expectOrder(try s.collect("/api/v1/articles", query: query, canonical: canonical, cursors: true), want, "cursors \(query)")
            }
            // With a sort too.
            let oldest = truth.newestFirst { $0.tagList.contains(t1) }.reversed()
            Self.expectOrder(try s.collect("/api/v1/articles", query: "sort=published_at&tag=\(t1)", cursors: true), Array(oldest), "oldest tag")
            let byTitle = truth.byTitle().filter { $0.authors.contains(a2) }
            Self.expectOrder(try s.collect("/api/v1/articles", query: "author=\(a2)&sort=title", cursors: true), byTitle, "title author")
            Self.expectOrder(try s.collect("/api/v1/articles", query: "author=\(a2)&sort=title", cursors: false), byTitle, "title author")
            // Repeated parameters mean the same as a comma list.
            let repeated = try s.get("/api/v1/articles?author=\(a2)&author=\(a1)&per_page=7")
            let comma = try s.get("/api/v1/articles?author=\(a1),\(a2)&per_page=7")
            #expect(repeated.status == 200 && repeated.body == comma.body && repeated.header("ETag") == comma.header("ETag"))
        }
    }

    @Test func fullTextQueriesCombineWithFilters() throws {
        try Self.withServer { s, truth in
            // A word from an article title: that article must be among the hits.
            let target = truth.newestFirst()[42]
            let word = try #require(target.title.split(separator: " ").map(String.init).max { $0.count < $1.count })
            let q = API.escape(word)
            let hits = try s.collect("/api/v1/articles", query: "q=\(q)", cursors: true, perPage: 50)
            #expect(hits.contains { $0.slug == target.slug })
            let hitSlugs = Set(hits.map(\.slug))
            Self.expectOrder(hits, truth.newestFirst { hitSlugs.contains($0.slug) }, "q newest first")
            let a = target.authors[0], t = target.tagList[0]
            let withAuthor = try s.collect("/api/v1/articles", query: "author=\(a)&q=\(q)", cursors: false)
            Self.expectOrder(withAuthor, truth.newestFirst { hitSlugs.contains($0.slug) && $0.authors.contains(a) }, "q AND author")
            let withTag = try s.collect("/api/v1/articles", query: "q=\(q)&tag=\(t)", cursors: true)
            Self.expectOrder(withTag, truth.newestFirst { hitSlugs.contains($0.slug) && $0.tagList.contains(t) }, "q AND tag")

            // Relevance: the same hits, best first, by pages and by cursors.
            let byRelevance = try s.collect("/api/v1/articles", query: "q=\(q)&sort=relevance", cursors: true)
            #expect(Set(byRelevance.map(\.slug)) == hitSlugs && byRelevance.count == hits.count)
            let relevancePages = try s.collect("/api/v1/articles", query: "q=\(q)&sort=relevance", cursors: false)
            #expect(relevancePages.map(\.slug) == byRelevance.map(\.slug))
            let search = try s.collect("/api/v1/search", query: "q=\(q)", cursors: true)
            #expect(search.map(\.slug) == byRelevance.map(\.slug))
            let scores = search.compactMap(\.score)
            #expect(scores.count == search.count && scores == scores.sorted(by: >))
            #expect(search.allSatisfy { ($0.snippet ?? "").lowercased().contains("<mark>") })
            let searchPages = try s.collect("/api/v1/search", query: "q=\(q)", cursors: false)
            #expect(searchPages.map(\.slug) == search.map(\.slug))
        }
    }

    @Test func relatedFeedsShareAnAuthorOrTagAndNeverTheArticle() throws {
        try Self.withServer { s, truth in
            for t in truth.newestFirst().enumerated().filter({ $0.offset % 60 == 7 }).map(\.element) {
                let article = try s.json(One<APIArticle>.self, "/api/v1/articles/" + t.slug).data
                #expect(article.id == t.id && article.html?.contains("<p>") == true && article.text?.isEmpty == false)
                let related = article.related ?? []
                #expect(related.count == 5, "the generated corpus always has five")
                let head = try s.json(RelatedList.self, "/api/v1/articles/\(t.slug)/related")
                #expect(head.data == related && head.meta.limit == 5 && head.meta.count == 5, "the article's related is its feed's head")
                let three = try s.json(RelatedList.self, "/api/v1/articles/\(t.slug)/related?limit=3")
                #expect(three.data == Array(related.prefix(3)))
                let feed = try s.json(RelatedList.self, "/api/v1/articles/\(t.slug)/related?limit=50")
                #expect(feed.meta.limit == 50 && feed.meta.count == feed.data.count && feed.data.count <= 50)
                #expect(feed.data.count > 5)
                #expect(!feed.data.contains { $0.slug == t.slug } && !related.contains { $0.slug == t.slug }, "never itself")
                #expect(Set(feed.data.map(\.slug)).count == feed.data.count)
                // Ranked: shared authors weigh most, then shared tags, then recency.
                func rank(_ a: APIArticle) -> (Int, Int, Int64) {
                    let other = truth.article(a.slug)!
                    return (Set(other.authors).intersection(t.authors).count, Set(other.tagList).intersection(t.tagList).count,
                            other.published)
                }
                let ranks = feed.data.map(rank)
                #expect(ranks.allSatisfy { $0.0 > 0 || $0.1 > 0 }, "shares an author or a tag")
                for (x, y) in zip(ranks, ranks.dropFirst()) {
                    #expect(x.0 > y.0 || x.0 == y.0 && (x.1 > y.1 || x.1 == y.1 && x.2 >= y.2), "\(x) before \(y)")
                }
            }
        }
    }

    @Test func authorsCardsAndTheirArticles() throws {
        try Self.withServer { s, truth in
            let count = truth.authors.count
            let byPages = try (1...3).flatMap { page in
                try s.json(AuthorList.self, "/api/v1/authors?per_page=2&page=\(page)").data
            }
            let expectedOrder = truth.authors.sorted {
                $0.name.lowercased() != $1.name.lowercased() ? $0.name.lowercased() < $1.name.lowercased() : $0.slug < $1.slug
            }
            #expect(byPages.map(\.slug) == expectedOrder.map(\.slug))
            let first = try s.get("/api/v1/authors?per_page=2")
            #expect(first.header("X-Total-Count") == String(count))
            #expect(API.links(first) == ["first": "/api/v1/authors?per_page=2&page=1", "next": "/api/v1/authors?per_page=2&page=2",
                                         "last": "/api/v1/authors?per_page=2&page=\((count + 1) / 2)"])
            let meta = try API.decode(AuthorList.self, first).meta.pagination
            #expect(meta == Pagination(page: 1, perPage: 2, total: count, pages: (count + 1) / 2, next: 2, prev: nil, nextCursor: nil))

            for author in truth.authors {
                let theirs = truth.newestFirst { $0.authors.contains(author.slug) }
                let listed = byPages.first { $0.slug == author.slug }
                #expect(listed?.articleCount == theirs.count && listed?.name == author.name)
                let card = try s.json(One<APIAuthor>.self, "/api/v1/authors/" + author.slug).data
                #expect(card.name == author.name && card.email == author.email && card.phone == author.phone)
                let digits = (author.phone ?? "").filter(\.isNumber)
                #expect(card.phoneE164 == "+" + digits, "\(author.phone ?? "") → \(card.phoneE164 ?? "nil")")
                #expect(card.articleCount == theirs.count && card.url == "/api/v1/authors/" + author.slug)
                #expect(card.links == [APILink(rel: "website", url: "https://example.org/people/\(author.slug)")])
                #expect(card.latestArticles?.map(\.slug) == theirs.prefix(5).map(\.slug))
                Self.expectOrder(try s.collect("/api/v1/authors/\(author.slug)/articles", query: "", cursors: true), theirs,
                                 "articles of \(author.slug)")
            }
            let a = truth.authors[0].slug
            Self.expectOrder(try s.collect("/api/v1/authors/\(a)/articles", query: "sort=title", cursors: false),
                             truth.byTitle().filter { $0.authors.contains(a) }, "by title")
        }
    }

    @Test func tagsCountTheirArticles() throws {
        try Self.withServer { s, truth in
            let tags = try s.json(TagList.self, "/api/v1/tags")
            #expect(tags.meta.total == truth.tags.count && tags.data.count == truth.tags.count)
            let expected = truth.tags.sorted {
                $0.name.lowercased() != $1.name.lowercased() ? $0.name.lowercased() < $1.name.lowercased() : $0.slug < $1.slug
            }
            #expect(tags.data.map(\.slug) == expected.map(\.slug))
            for t in tags.data {
                #expect(t.articleCount == truth.articles.filter { $0.tagList.contains(t.slug) }.count, "\(t.slug)")
                #expect(t.url == "/api/v1/articles?tag=" + t.slug)
                #expect(t.name == truth.tags.first { $0.slug == t.slug }?.name)
            }
            let site = try s.json(One<APISite>.self, "/api/v1/site").data
            #expect(site.articleCount == truth.articles.count && site.name == "Folio Synthetic Review")
        }
    }
}
