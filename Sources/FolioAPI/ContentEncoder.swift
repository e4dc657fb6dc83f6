import FolioContent
import FolioJSON

/// Writes the API's JSON for articles, authors, tags and the site straight into a JSONWriter.
struct ContentEncoder {
    let snapshot: ContentSnapshot
    let bodies: BodyStore?
    /// Newest `updated_at` of the articles written so far (for Last-Modified).
    var newest: Int64?
    /// The last body written whole, and where its members are in the output.
    var servedSpan: (body: ServedBody, range: Range<Int>)?

    init(snapshot: ContentSnapshot, bodies: BodyStore?) {
        self.snapshot = snapshot
        self.bodies = bodies
    }

    mutating func article(_ a: Article, fields: ArticleFields, relatedLimit: Int = 5, into w: inout JSONWriter) throws(APIError) {
        note(a.updatedAt)
        w.beginObject()
        if fields.contains(.id) { w.key("id"); w.int64(a.id) }
        if fields.contains(.slug) { w.field("slug", a.slug) }
        if fields.contains(.title) { w.field("title", a.title) }
        if fields.contains(.excerpt) { w.field("excerpt", a.excerpt) }
        if fields.contains(.publishedAt) { Self.timestamp("published_at", a.publishedAt, into: &w) }
        if fields.contains(.updatedAt) { Self.timestamp("updated_at", a.updatedAt, into: &w) }
        if fields.contains(.readingTime) { w.field("reading_time_minutes", a.readingTimeMinutes) }
        if fields.contains(.wordCount) { w.field("word_count", a.wordCount) }
        if fields.contains(.language) { w.field("language", a.language) }
        if fields.contains(.canonicalURL) { w.field("canonical_url", a.canonicalURL) }
        if fields.contains(.url) { w.field("url", "/api/v1/articles/" + a.slug) }
        if fields.contains(.authors) {
            w.key("authors")
            w.beginArray()
            for slug in a.authors { authorRef(slug, into: &w) }
            w.endArray()
        }
        if fields.contains(.tags) {
            w.key("tags")
            w.beginArray()
            for slug in a.tags {
                w.beginObject()
                w.field("slug", slug)
                w.field("name", snapshot.tag(slug: slug)?.name ?? slug)
                w.endObject()
            }
            w.endArray()
        }
        if !fields.isDisjoint(with: .body) {
            try writeBody(a, html: fields.contains(.html), text: fields.contains(.text), into: &w)
        }
        if fields.contains(.related) {
            w.key("related")
            w.beginArray()
            for r in snapshot.related(to: a, limit: relatedLimit) { try article(r, fields: .summary, into: &w) }
            w.endArray()
        }
        w.endObject()
    }

    /// The body's members copied from their served form (escaped when the article was written).
    /// With both, notes where they are in `w` (`servedSpan`), for a gzip response to stitch.
    mutating func writeBody(_ a: Article, html: Bool, text: Bool, into w: inout JSONWriter) throws(APIError) {
        guard let bodies else {
            if html { w.field("html", "") }
            if text { w.field("text", "") }
            return
        }
        do {
            let served = try bodies.served(id: a.id)
            if html && text {
                var start = 0
                try w.rawMembers { bytes in
                    start = bytes.count
                    try served.appendMembers(to: &bytes)
                }
                servedSpan = (served, start..<w.bytes.count)
            } else {
                let member = html ? try served.htmlMember() : try served.textMember()
                w.rawMembers { $0.append(contentsOf: member) }
            }
        } catch {
            throw APIError(500, "the article body could not be read")
        }
    }

    func loadBody(_ a: Article) throws(APIError) -> ArticleBody {
        guard let bodies else { return ArticleBody(markdown: "", html: "", text: "") }
        do {
            return try bodies.body(id: a.id)
        } catch {
            throw APIError(500, "the article body could not be read")
        }
    }

    func authorRef(_ slug: String, into w: inout JSONWriter) {
        w.beginObject()
        w.field("slug", slug)
        w.field("name", snapshot.author(slug: slug)?.name ?? slug)
        w.field("url", "/api/v1/authors/" + slug)
        w.endObject()
    }

    /// The contact card; with `latest`, the author's five newest articles.
    mutating func author(_ a: Author, latest: Bool, into w: inout JSONWriter) throws(APIError) {
        w.beginObject()
        w.field("slug", a.slug)
        w.field("name", a.name)
        w.field("role", a.role)
        w.field("organization", a.organization)
        w.field("email", a.email)
        w.field("phone", a.phone)
        w.field("phone_e164", a.phoneE164)
        w.field("bio", a.bio)
        w.field("image_url", a.imageURL)
        w.key("links")
        w.beginArray()
        for link in a.links {
            w.beginObject()
            w.field("rel", link.rel)
            w.field("url", link.url)
            w.endObject()
        }
        w.endArray()
        w.field("article_count", snapshot.articleCount(author: a.slug))
        w.field("url", "/api/v1/authors/" + a.slug)
        if latest {
            w.key("latest_articles")
            w.beginArray()
            for p in snapshot.articleRefs(author: a.slug).prefix(5) {
                try article(snapshot.article(at: p), fields: .summary, into: &w)
            }
            w.endArray()
        }
        w.endObject()
    }

    func tag(_ t: Tag, into w: inout JSONWriter) {
        w.beginObject()
        w.field("slug", t.slug)
        w.field("name", t.name)
        w.field("article_count", snapshot.articleCount(tag: t.slug))
        w.field("url", "/api/v1/articles?tag=" + t.slug)
        w.endObject()
    }

    func site(into w: inout JSONWriter) {
        let s = snapshot.site
        w.beginObject()
        w.field("name", s.name)
        w.field("url", s.url)
        w.field("description", s.description)
        w.field("language", s.language)
        w.key("contact")
        w.beginObject()
        w.field("email", s.contact.email)
        w.field("phone", s.contact.phone)
        w.field("address", s.contact.address)
        w.endObject()
        w.field("article_count", snapshot.articles.count)
        w.endObject()
    }

    mutating func note(_ t: Timestamp) {
        if newest.map({ t.epochSeconds > $0 }) ?? true { newest = t.epochSeconds }
    }
}

extension ContentEncoder {
    /// `"name":"2023-09-18T10:56:00+04:00"`, the date formatted straight into the response.
    static func timestamp(_ name: StaticString, _ t: Timestamp, into w: inout JSONWriter) {
        w.key(name)
        w.rawJSON { bytes in
            bytes.append(UInt8(ascii: "\""))
            t.appendRFC3339(to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
