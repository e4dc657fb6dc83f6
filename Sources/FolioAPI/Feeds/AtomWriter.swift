import FolioContent

/// Atom 1.0 (RFC 4287) with RFC 5005 §3 paging links (first, previous, next, last).
///
/// The pages are offset pages over a changing list, so they are *paged* feeds, not RFC 5005 §4
/// archives (an archive document must never change); `prev-archive` would promise that.
enum AtomWriter {
    static func write(_ page: FeedPage, entries: [FeedEntry]) -> [UInt8] {
        var x = XMLWriter(capacity: 8 * 1024 + entries.count * 4 * 1024)
        x.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"")
        x.attribute("xml:lang", page.site.language)
        x.raw(">\n")
        x.element("<id>", page.feedID(.atom), "</id>\n")
        x.element("<title type=\"text\">", page.title, "</title>\n")
        if !page.description.isEmpty { x.element("<subtitle type=\"text\">", page.description, "</subtitle>\n") }
        x.element("<updated>", (page.updated ?? Timestamp(epochSeconds: 0)).rfc3339, "</updated>\n")
        link(&x, "self", page.url(.atom, page: page.page), type: FeedFormat.atom.mediaType)
        link(&x, "alternate", page.homePage, type: nil)
        link(&x, "alternate", page.url(.json, page: page.page), type: FeedFormat.json.mediaType)
        link(&x, "first", page.url(.atom, page: 1), type: FeedFormat.atom.mediaType)
        if page.page > 1 { link(&x, "previous", page.url(.atom, page: page.page - 1), type: FeedFormat.atom.mediaType) }
        if page.page < page.pages { link(&x, "next", page.url(.atom, page: page.page + 1), type: FeedFormat.atom.mediaType) }
        link(&x, "last", page.url(.atom, page: page.pages), type: FeedFormat.atom.mediaType)
        x.raw("<author>")
        x.element("<name>", page.site.name, "</name>")
        x.element("<uri>", page.site.url, "</uri>")
        x.raw("</author>\n<generator>Folio</generator>\n")
        for e in entries { entry(&x, e, page) }
        x.raw("</feed>\n")
        return x.bytes
    }

    static func entry(_ x: inout XMLWriter, _ e: FeedEntry, _ page: FeedPage) {
        let a = e.article
        x.raw("<entry")
        x.attribute("xml:lang", a.language)
        x.raw(">\n")
        x.element("<id>", page.entryID(a), "</id>\n")
        x.element("<title type=\"text\">", a.title, "</title>\n")
        // Two alternates of one entry, told apart by type (RFC 4287 §4.1.1): the human page
        // when one is known, and the API resource.
        if let human = page.urls.articlePage(a) { link(&x, "alternate", human, type: "text/html") }
        link(&x, "alternate", page.apiURL(a), type: "application/json")
        x.element("<published>", a.publishedAt.rfc3339, "</published>\n")
        x.element("<updated>", a.updatedAt.rfc3339, "</updated>\n")
        for author in e.authors {
            x.raw("<author>")
            x.element("<name>", author.name, "</name>")
            x.element("<uri>", page.urls.authorLink(author.slug), "</uri>")
            if let email = author.email { x.element("<email>", email, "</email>") }
            x.raw("</author>\n")
        }
        for t in e.tags {
            x.raw("<category")
            x.attribute("term", t.slug)
            x.attribute("label", t.name)
            x.attribute("scheme", page.urls.api + "/api/v1/tags/")
            x.raw("/>\n")
        }
        x.element("<summary type=\"text\">", a.excerpt, "</summary>\n")
        x.element("<content type=\"html\">", e.body.html, "</content>\n")
        x.raw("</entry>\n")
    }

    static func link(_ x: inout XMLWriter, _ rel: String, _ href: String, type: String?) {
        x.raw("<link")
        x.attribute("rel", rel)
        if let type { x.attribute("type", type) }
        x.attribute("href", href)
        x.raw("/>\n")
    }
}
