import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import FolioAPI
import FolioContent
import FolioHTTP

@Suite struct AtomFeedTests {
    let f = Fixture.shared

    @Test func siteFeedParsesAndPages() throws {
        let r = f.get("/feed.atom")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/atom+xml; charset=utf-8")
        let feed = try XMLTreeBuilder.parse(r.body)
        #expect(feed.name == "feed")
        #expect(feed.attributes["xmlns"] == "http://www.w3.org/2005/Atom")
        #expect(feed.child("id") != nil && feed.child("title") != nil && feed.child("updated") != nil)
        let entries = feed.all("entry")
        #expect(entries.count == 50)
        func link(_ e: XMLElement, _ rel: String) -> String? { e.all("link").first { $0.attributes["rel"] == rel }?.attributes["href"] }
        #expect(link(feed, "self") == "https://api.aircenter.az/feed.atom")
        #expect(link(feed, "next") == "https://api.aircenter.az/feed.atom?page=2")
        #expect(link(feed, "previous") == nil)
        #expect(link(feed, "last") == "https://api.aircenter.az/feed.atom?page=3")

        var ids = Set<String>()
        var page: XMLElement? = feed
        var pages = 0
        while let p = page {
            pages += 1
            for e in p.all("entry") {
                let id = try #require(e.child("id"))
                #expect(id.hasPrefix("tag:aircenter.az,"))
                #expect(ids.insert(id).inserted, "duplicate id \(id)")
                #expect(e.child("title")?.isEmpty == false)
                #expect(link(e, "alternate") != nil)
                #expect(Timestamp(rfc3339: e.child("published") ?? "") != nil)
                #expect(Timestamp(rfc3339: e.child("updated") ?? "") != nil)
                #expect(e.first("author")?.child("name")?.isEmpty == false)
                #expect(e.first("content")?.attributes["type"] == "html")
                #expect(e.first("content")?.text.contains("<p>") == true)
                #expect(e.child("summary") != nil)
                #expect(!e.all("category").isEmpty)
            }
            page = try link(p, "next").map { try XMLTreeBuilder.parse(f.get(target(of: $0)).body) }
        }
        #expect(pages == 3)
        #expect(ids.count == 124)
        let last = try XMLTreeBuilder.parse(f.get("/feed.atom?page=3").body)
        #expect(last.all("entry").count == 24)
        #expect(link(last, "previous") == "https://api.aircenter.az/feed.atom?page=2")
        #expect(link(last, "next") == nil)
    }

    @Test func escapingSurvivesAParser() throws {
        let feed = try XMLTreeBuilder.parse(f.get("/api/v1/tags/paging/feed.atom").body)
        #expect(feed.child("title") == "Paging & <Tests> — Center of Analysis of International Relations")
        let first = try #require(feed.all("entry").first)
        #expect(first.child("title") == trickyTitleParsed)
        let content = try #require(first.first("content")?.text)
        #expect(content.contains("<strong>article 119</strong>"))
        #expect(content.contains("Ağdam"))
        let category = try #require(first.first("category"))
        #expect(category.attributes["term"] == "paging")
        #expect(category.attributes["label"] == "Paging & <Tests>")
    }

    @Test func authorFeedAndUnknownScopes() throws {
        let feed = try XMLTreeBuilder.parse(f.get("/api/v1/authors/javid-valiyev/feed.atom").body)
        #expect(feed.all("entry").count == 4)
        let entry = try #require(feed.all("entry").last)
        #expect(entry.child("published") == "2023-09-18T10:56:00+04:00")
        #expect(entry.all("link").contains { $0.attributes["rel"] == "alternate" && $0.attributes["href"]?.hasPrefix("https://moderndiplomacy.eu/") == true })
        #expect(f.get("/api/v1/authors/nobody/feed.atom").status == 404)
        #expect(f.get("/api/v1/tags/nothing/feed.rss").status == 404)
        #expect(f.get("/feed.atom?page=4").status == 404)
        #expect(f.get("/feed.atom?page=0").status == 400)
        #expect(f.get("/feed.atom?pgae=2").status == 400)
    }

    @Test func conditionalRequestsAndGzip() throws {
        let r = f.get("/feed.atom")
        let etag = try #require(r.header("ETag"))
        #expect(r.header("Last-Modified") != nil)
        let again = f.get("/feed.atom", [("If-None-Match", etag)])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        let gz = f.get("/feed.atom", [("Accept-Encoding", "gzip")])
        #expect(gz.header("Content-Encoding") == "gzip")
        #expect(f.get("/feed.atom", [("If-None-Match", try #require(gz.header("ETag")))]).status == 304)
    }
}

@Suite struct RSSFeedTests {
    let f = Fixture.shared

    @Test func siteFeedParses() throws {
        let r = f.get("/feed.rss")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/rss+xml; charset=utf-8")
        let rss = try XMLTreeBuilder.parse(r.body)
        #expect(rss.name == "rss" && rss.attributes["version"] == "2.0")
        let channel = try #require(rss.first("channel"))
        #expect(channel.child("title") == "Center of Analysis of International Relations")
        #expect(channel.child("link") == "https://aircenter.az/")
        #expect(channel.child("description")?.isEmpty == false)
        let items = channel.all("item")
        #expect(items.count == 50)
        let next = channel.all("atom:link").first { $0.attributes["rel"] == "next" }
        #expect(next?.attributes["href"] == "https://api.aircenter.az/feed.rss?page=2")
        for item in items {
            #expect(item.child("title")?.isEmpty == false)
            #expect(item.child("link")?.hasPrefix("https://") == true)
            #expect(item.first("guid")?.attributes["isPermaLink"] == "false")
            #expect(item.child("content:encoded")?.contains("<p>") == true)
            #expect(item.child("dc:creator")?.isEmpty == false)
            #expect(!item.all("category").isEmpty)
            let date = try #require(item.child("pubDate"))
            #expect(Self.isRFC822(date), "\(date)")
        }
        #expect(items.first?.child("pubDate") == "Fri, 21 Jun 2024 17:36:00 +0400")
    }

    @Test func tagFeedEscapingAndDates() throws {
        let rss = try XMLTreeBuilder.parse(f.get("/api/v1/tags/paging/feed.rss").body)
        let channel = try #require(rss.first("channel"))
        #expect(channel.child("title") == "Paging & <Tests> — Center of Analysis of International Relations")
        let items = channel.all("item")
        #expect(items.first?.child("title") == trickyTitleParsed)
        // 2020-01-01T00:00Z + 119 days, at -05:00.
        #expect(items.first?.child("pubDate") == "Tue, 28 Apr 2020 19:00:00 -0500")
        #expect(items.first?.all("category").first?.text == "Paging & <Tests>")
    }

    @Test func sampleArticleDate() throws {
        let rss = try XMLTreeBuilder.parse(f.get("/api/v1/authors/javid-valiyev/feed.rss").body)
        let items = try #require(rss.first("channel")).all("item")
        #expect(items.last?.child("pubDate") == "Mon, 18 Sep 2023 10:56:00 +0400")
    }

    /// `Day, DD Mon YYYY HH:MM:SS ±HHMM`.
    static func isRFC822(_ s: String) -> Bool {
        let parts = s.split(separator: " ")
        guard parts.count == 6 else { return false }
        let days = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return days.contains(String(parts[0])) && parts[1].count == 2 && months.contains(String(parts[2]))
            && parts[3].count == 4 && parts[4].count == 8 && parts[5].count == 5 && (parts[5].first == "+" || parts[5].first == "-")
    }
}

@Suite struct JSONFeedTests {
    let f = Fixture.shared

    struct Feed: Decodable {
        var version: String
        var title: String
        var home_page_url: String?
        var feed_url: String?
        var next_url: String?
        var items: [Item]
    }

    struct Item: Decodable {
        var id: String
        var url: String?
        var title: String?
        var content_html: String?
        var summary: String?
        var date_published: String?
        var date_modified: String?
        var authors: [Person]?
        var tags: [String]?
    }

    struct Person: Decodable {
        var name: String?
        var url: String?
    }

    @Test func feedDecodesAndPages() throws {
        let r = f.get("/feed.json")
        #expect(r.header("Content-Type") == "application/feed+json; charset=utf-8")
        var feed = try JSONDecoder().decode(Feed.self, from: Data(r.body))
        #expect(feed.version == "https://jsonfeed.org/version/1.1")
        #expect(!feed.title.isEmpty)
        #expect(feed.feed_url == "https://api.aircenter.az/feed.json")
        var seen = Set<String>()
        var pages = 1
        while true {
            for item in feed.items {
                #expect(seen.insert(item.id).inserted)
                #expect(item.content_html?.isEmpty == false)
                #expect(item.summary != nil && item.url != nil && item.title != nil)
                #expect(Timestamp(rfc3339: item.date_published ?? "") != nil)
                #expect(Timestamp(rfc3339: item.date_modified ?? "") != nil)
                #expect(item.authors?.first?.name?.isEmpty == false)
                #expect(item.tags?.isEmpty == false)
            }
            guard let next = feed.next_url else { break }
            feed = try JSONDecoder().decode(Feed.self, from: Data(f.get(target(of: next)).body))
            pages += 1
        }
        #expect(pages == 3)
        #expect(seen.count == 124)
    }

    @Test func tagFeedCarriesTheTrickyTitle() throws {
        let feed = try JSONDecoder().decode(Feed.self, from: Data(f.get("/api/v1/tags/paging/feed.json").body))
        #expect(feed.items.first?.title == trickyTitle)
        #expect(feed.items.first?.tags == ["Paging & <Tests>"])
        #expect(feed.home_page_url == "https://api.aircenter.az/api/v1/tags/paging")
    }
}

@Suite struct FeedPartsTests {
    @Test func rfc822() {
        #expect(RFC822Date.format(Timestamp(epochSeconds: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(RFC822Date.format(Timestamp(epochSeconds: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(RFC822Date.format(Timestamp(rfc3339: "2024-02-29T23:30:00-09:30")!) == "Thu, 29 Feb 2024 23:30:00 -0930")
        #expect(RFC822Date.format(Timestamp(rfc3339: "2023-09-18T10:56:00+04:00")!) == "Mon, 18 Sep 2023 10:56:00 +0400")
    }

    @Test func xmlEscape() {
        #expect(XMLEscape.escape("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;")
        #expect(XMLEscape.escape("x\u{00}\u{08}\u{0B}\u{1F}y\tz\n") == "xy\tz\n")
        #expect(XMLEscape.escape("a\u{FFFE}b\u{FFFF}c\u{FFFD}") == "abc\u{FFFD}")
        #expect(XMLEscape.escape("Ağdam ☕ 𝄞 \u{EFFF}") == "Ağdam ☕ 𝄞 \u{EFFF}")
        #expect(XMLEscape.escape("\r") == "&#13;")
    }

    @Test func tagHost() {
        #expect(FeedPage.host(of: "https://AirCenter.az/") == "aircenter.az")
        #expect(FeedPage.host(of: "http://user@host:8080/x") == "host")
        #expect(FeedPage.host(of: "") == "localhost")
    }

    @Test func tagRoute() throws {
        let f = Fixture.shared
        let r = f.get("/api/v1/tags/paging")
        #expect(r.status == 200)
        let data = try #require(try r.json()["data"] as? [String: Any])
        #expect(data["name"] as? String == "Paging & <Tests>")
        #expect(data["article_count"] as? Int == 120)
        #expect((data["latest_articles"] as? [Any])?.count == 5)
        #expect(f.get("/api/v1/tags/none").status == 404)
        #expect(f.get("/api/v1/tags/paging?x=1").status == 400)
    }
}
