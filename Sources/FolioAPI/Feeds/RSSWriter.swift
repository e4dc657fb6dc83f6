import FolioContent

/// RSS 2.0, with `content:encoded` for the full HTML, `dc:creator` for bylines (RSS's own
/// `<author>` must be an e-mail address), `atom:link` for self and paging, and `atom:updated`.
enum RSSWriter {
    static func write(_ page: FeedPage, entries: [FeedEntry]) -> [UInt8] {
        var x = XMLWriter(capacity: 8 * 1024 + entries.count * 4 * 1024)
        x.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
        x.raw("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n")
        x.element("<title>", page.title, "</title>\n")
        x.element("<link>", page.homePage, "</link>\n")
        x.element("<description>", page.description.isEmpty ? page.title : page.description, "</description>\n")
        x.element("<language>", page.site.language, "</language>\n")
        if let updated = page.updated {
            x.raw("<lastBuildDate>")
            RFC822Date.append(updated, to: &x.bytes)
            x.raw("</lastBuildDate>\n")
        }
        x.raw("<generator>Folio</generator>\n")
        AtomWriterLink.write(&x, "self", page.url(.rss, page: page.page))
        AtomWriterLink.write(&x, "first", page.url(.rss, page: 1))
        if page.page > 1 { AtomWriterLink.write(&x, "previous", page.url(.rss, page: page.page - 1)) }
        if page.page < page.pages { AtomWriterLink.write(&x, "next", page.url(.rss, page: page.page + 1)) }
        AtomWriterLink.write(&x, "last", page.url(.rss, page: page.pages))
        for e in entries { item(&x, e, page) }
        x.raw("</channel>\n</rss>\n")
        return x.bytes
    }

    static func item(_ x: inout XMLWriter, _ e: FeedEntry, _ page: FeedPage) {
        let a = e.article
        x.raw("<item>\n")
        x.element("<title>", a.title, "</title>\n")
        x.element("<link>", page.link(a), "</link>\n")
        x.element("<guid isPermaLink=\"false\">", page.entryID(a), "</guid>\n")
        x.element("<description>", a.excerpt, "</description>\n")
        x.element("<content:encoded>", e.body.html, "</content:encoded>\n")
        x.raw("<pubDate>")
        RFC822Date.append(a.publishedAt, to: &x.bytes)
        x.raw("</pubDate>\n")
        x.element("<atom:updated>", a.updatedAt.rfc3339, "</atom:updated>\n")
        for author in e.authors { x.element("<dc:creator>", author.name, "</dc:creator>\n") }
        for t in e.tags {
            x.raw("<category")
            x.attribute("domain", page.urls.tagAPI(t.slug))
            x.raw(">")
            x.text(t.name)
            x.raw("</category>\n")
        }
        x.raw("</item>\n")
    }
}

enum AtomWriterLink {
    static func write(_ x: inout XMLWriter, _ rel: String, _ href: String) {
        x.raw("<atom:link")
        x.attribute("rel", rel)
        x.attribute("type", FeedFormat.rss.mediaType)
        x.attribute("href", href)
        x.raw("/>\n")
    }
}
