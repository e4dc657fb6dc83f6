import FolioContent
import FolioJSON

/// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), `next_url` for older pages.
enum JSONFeedWriter {
    static func write(_ page: FeedPage, entries: [FeedEntry]) -> [UInt8] {
        var w = JSONWriter(capacity: 8 * 1024 + entries.count * 4 * 1024)
        w.beginObject()
        w.field("version", "https://jsonfeed.org/version/1.1")
        w.field("title", page.title)
        w.field("home_page_url", page.homePage)
        w.field("feed_url", page.url(.json, page: page.page))
        if !page.description.isEmpty { w.field("description", page.description) }
        if page.page < page.pages { w.field("next_url", page.url(.json, page: page.page + 1)) }
        w.field("language", page.site.language)
        w.key("authors")
        w.beginArray()
        w.beginObject()
        w.field("name", page.site.name)
        w.field("url", page.site.url)
        w.endObject()
        w.endArray()
        w.key("items")
        w.beginArray()
        for e in entries { item(&w, e, page) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    static func item(_ w: inout JSONWriter, _ e: FeedEntry, _ page: FeedPage) {
        let a = e.article
        w.beginObject()
        w.field("id", page.entryID(a))
        w.field("url", page.link(a))
        w.field("title", a.title)
        w.field("content_html", e.body.html)
        w.field("summary", a.excerpt)
        w.field("date_published", a.publishedAt.rfc3339)
        w.field("date_modified", a.updatedAt.rfc3339)
        w.key("authors")
        w.beginArray()
        for author in e.authors {
            w.beginObject()
            w.field("name", author.name)
            w.field("url", page.urls.authorLink(author.slug))
            w.endObject()
        }
        w.endArray()
        w.key("tags")
        w.beginArray()
        for t in e.tags { w.string(t.name) }
        w.endArray()
        w.field("language", a.language)
        // JSON Feed extension (an underscore key): the API resource, for clients that want the JSON.
        w.key("_folio")
        w.beginObject()
        w.field("api_url", page.apiURL(a))
        w.endObject()
        w.endObject()
    }
}
