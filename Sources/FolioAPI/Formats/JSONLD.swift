import FolioContent
import FolioJSON

/// schema.org JSON-LD: NewsArticle (author Person, publisher Organization) and Person (worksFor).
enum JSONLD {
    static let contentType = "application/ld+json; charset=utf-8"

    static func article(_ a: Article, body: ArticleBody, snapshot: ContentSnapshot, urls: PublicURLs) -> [UInt8] {
        var w = JSONWriter(capacity: 4 * 1024 + body.text.utf8.count)
        w.beginObject()
        w.field("@context", "https://schema.org")
        w.field("@type", "NewsArticle")
        w.field("@id", urls.articleAPI(a.slug))
        w.field("headline", a.title)
        w.field("description", a.excerpt)
        w.field("datePublished", a.publishedAt.rfc3339)
        w.field("dateModified", a.updatedAt.rfc3339)
        w.field("inLanguage", a.language)
        let page = urls.articlePage(a)
        w.field("url", page ?? urls.articleAPI(a.slug))
        if let page { w.field("mainEntityOfPage", page) }
        w.field("wordCount", a.wordCount)
        w.field("timeRequired", "PT" + String(a.readingTimeMinutes) + "M")
        w.key("keywords")
        w.beginArray()
        for slug in a.tags { w.string(snapshot.tag(slug: slug)?.name ?? slug) }
        w.endArray()
        w.key("author")
        w.beginArray()
        for slug in a.authors {
            person(snapshot.author(slug: slug) ?? Author(slug: slug, name: slug), site: snapshot.site, urls: urls,
                   context: false, into: &w)
        }
        w.endArray()
        w.key("publisher")
        organization(snapshot.site.name, site: snapshot.site, into: &w)
        w.field("articleBody", body.text)
        w.endObject()
        return w.bytes
    }

    static func author(_ a: Author, site: Site, urls: PublicURLs) -> [UInt8] {
        var w = JSONWriter(capacity: 2 * 1024)
        person(a, site: site, urls: urls, context: true, into: &w)
        return w.bytes
    }

    static func person(_ a: Author, site: Site, urls: PublicURLs, context: Bool, into w: inout JSONWriter) {
        w.beginObject()
        if context { w.field("@context", "https://schema.org") }
        w.field("@type", "Person")
        w.field("@id", urls.authorAPI(a.slug))
        w.field("name", a.name)
        let (family, given) = VCard.nameParts(a.name)
        if !given.isEmpty {
            w.field("givenName", given)
            w.field("familyName", family)
        }
        w.field("url", urls.authorLink(a.slug))
        if let role = a.role { w.field("jobTitle", role) }
        if let email = a.email { w.field("email", "mailto:" + email) }
        if let phone = a.phoneE164 ?? a.phone { w.field("telephone", phone) }
        if let bio = a.bio { w.field("description", bio) }
        if let image = a.imageURL { w.field("image", image) }
        if !a.links.isEmpty {
            w.key("sameAs")
            w.beginArray()
            for link in a.links { w.string(link.url) }
            w.endArray()
        }
        w.key("worksFor")
        organization(a.organization ?? site.name, site: site, into: &w)
        w.endObject()
    }

    /// The publication as an Organization; another organization by name only.
    static func organization(_ name: String, site: Site, into w: inout JSONWriter) {
        w.beginObject()
        w.field("@type", "Organization")
        w.field("name", name)
        if name == site.name {
            w.field("url", site.url)
            if let email = site.contact.email { w.field("email", "mailto:" + email) }
            if let phone = site.contact.phone { w.field("telephone", PhoneNumber.e164(phone) ?? phone) }
        }
        w.endObject()
    }
}
