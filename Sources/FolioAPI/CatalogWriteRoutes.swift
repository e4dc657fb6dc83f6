import FolioContent
import FolioHTTP
import FolioJSON

/// PUT/DELETE /api/v1/authors/{slug}, PUT/DELETE /api/v1/tags/{slug}, PUT /api/v1/site: the rest
/// of the content, with the articles' rules (token scope `content:write`, `If-Match` by revision
/// for authors and tags, 422 with pointers, the changes log, the snapshot updated before the
/// answer). Deleting an author who still has articles is a 409; deleting a tag takes it off its
/// articles.
extension FolioApp {
    func installCatalogWriteRoutes(into router: inout Router<APIResponder.Handler>) {
        router.add(.put, "/api/v1/authors/:slug") { [self] req, p in catalogWrite(req, kind: .author, slug: p["slug"]) }
        router.add(.delete, "/api/v1/authors/:slug") { [self] req, p in catalogWrite(req, kind: .author, slug: p["slug"]) }
        router.add(.put, "/api/v1/tags/:slug") { [self] req, p in catalogWrite(req, kind: .tag, slug: p["slug"]) }
        router.add(.delete, "/api/v1/tags/:slug") { [self] req, p in catalogWrite(req, kind: .tag, slug: p["slug"]) }
        router.add(.put, "/api/v1/site") { [self] req, _ in catalogWrite(req, kind: .site, slug: nil) }
    }

    enum CatalogKind: Sendable {
        case author, tag, site

        var table: String { self == .author ? "authors" : "tags" }
        var noun: String { self == .author ? "author" : self == .tag ? "tag" : "site" }
    }

    func catalogWrite(_ request: HTTPRequest, kind: CatalogKind, slug raw: String?) -> HTTPResponse {
        writeRoute(request) { [self] token, writer, auth in
            performCatalogWrite(request, kind: kind, slug: raw, token: token, writer: writer, auth: auth)
        }
    }

    private func performCatalogWrite(_ request: HTTPRequest, kind: CatalogKind, slug raw: String?, token: TokenRecord,
                                     writer: ContentWriter, auth: AdminAuth) -> Result<HTTPResponse, APIError> {
        var slug = ""
        if let raw {
            do { slug = try Self.slugParameter(raw) } catch { return .failure(error) }
        }
        let delete = request.method == .delete
        if kind != .site, !Slug.isValid(slug) {
            // Nothing can have this slug: a delete finds nothing, a create is refused.
            return .failure(delete ? APIError.notFound("no \(kind.noun) with slug \"\(slug)\"")
                                   : ArticleWriteInput.invalid([("/slug", "\"\(slug)\" is not a slug (lowercase letters, digits and hyphens)")]))
        }
        var value: JSONValue?
        if !delete {
            switch Self.writeBody(request, mediaType: "application/json") {
            case .success(let v): value = v
            case .failure(let e): return .failure(e)
            }
        }
        // Parse before the transaction.
        var author: Author?, tag: Tag?, site: Site?
        if let value {
            let parsed: Result<Void, APIError>
            switch kind {
            case .author: parsed = CatalogInput.author(value, slug: slug).map { author = $0 }
            case .tag: parsed = CatalogInput.tag(value, slug: slug).map { tag = $0 }
            case .site: parsed = CatalogInput.site(value).map { site = $0 }
            }
            if case .failure(let e) = parsed { return .failure(e) }
        }
        let ifMatch: IfMatch
        switch IfMatch.parse(request.header("if-match")) {
        case .success(let m): ifMatch = m
        case .failure(let e): return .failure(e)
        }
        let requireIfMatch = auth.settings.requireIfMatch
        let (authorC, tagC, siteC, slugC) = (author, tag, site, slug)
        let status: Int
        do {
            status = try writer.write(actor: token.name) { w throws -> Int in
                try w.touchToken(name: token.name)
                if kind == .site, let siteC {
                    try w.setSite(siteC)
                    return 200
                }
                let existing = try w.revision(of: kind.table, slug: slugC)
                if let existing {
                    try ifMatch.check(existing.revision, required: requireIfMatch)
                } else if delete {
                    throw APIError.notFound("no \(kind.noun) with slug \"\(slugC)\"")
                } else if ifMatch != .none {
                    throw APIError(412, "no \(kind.noun) with slug \"\(slugC)\" to match If-Match against")
                }
                do {
                    switch (kind, delete) {
                    case (.author, true): _ = try w.deleteAuthor(slug: slugC); return 204
                    case (.tag, true): _ = try w.deleteTag(slug: slugC); return 204
                    case (.author, false): try w.upsertAuthor(authorC!)
                    case (.tag, false): try w.upsertTag(tagC!)
                    default: break
                    }
                } catch let e as RepositoryError { throw APIError(e) }
                return existing == nil ? 201 : 200
            }
        } catch let e as APIError {
            return .failure(e)
        } catch {
            return .failure(APIError(error: error))
        }
        var r = HTTPResponse(status: status)
        if status == 201 { r.addHeader("Location", "/api/v1/\(kind.table)/\(slug)") }
        r.addHeader("Cache-Control", "no-store")
        policy.addCORS(to: &r, request: request)
        return .success(r)
    }
}

/// Author, tag and site bodies, checked with every problem reported as a JSON Pointer.
enum CatalogInput {
    static func author(_ v: JSONValue, slug: String) -> Result<Author, APIError> {
        var problems: [(String, String)] = []
        let fields = JSONBodyFields(v, known: ["slug", "name", "role", "organization", "email", "phone", "bio", "image_url", "links"], into: &problems)
        var links: [Link] = []
        if let list = v["links"], list != .null {
            if let items = list.array {
                for (i, item) in items.enumerated() {
                    guard let rel = item["rel"]?.string, let url = item["url"]?.string else {
                        problems.append(("/links/\(i)", "must be an object with rel and url strings"))
                        continue
                    }
                    links.append(Link(rel: rel, url: url))
                }
            } else {
                problems.append(("/links", "must be an array of {rel, url}"))
            }
        }
        if let s = fields.string("slug", &problems), s != slug { problems.append(("/slug", "must match the URL's slug \"\(slug)\" (authors are not renamed)")) }
        let a = Author(slug: slug, name: fields.string("name", &problems, required: true) ?? "", role: fields.string("role", &problems),
                       organization: fields.string("organization", &problems), email: fields.string("email", &problems),
                       phone: fields.string("phone", &problems), bio: fields.string("bio", &problems),
                       imageURL: fields.string("image_url", &problems), links: links)
        guard problems.isEmpty else { return .failure(ArticleWriteInput.invalid(problems)) }
        do { try a.validate() } catch {
            return .failure(ArticleWriteInput.invalid(error.issues.map { (ArticleWriteInput.pointer(forField: $0.field), $0.message) }))
        }
        return .success(a)
    }

    static func tag(_ v: JSONValue, slug: String) -> Result<Tag, APIError> {
        var problems: [(String, String)] = []
        let fields = JSONBodyFields(v, known: ["slug", "name"], into: &problems)
        if let s = fields.string("slug", &problems), s != slug { problems.append(("/slug", "must match the URL's slug \"\(slug)\"")) }
        let t = Tag(slug: slug, name: fields.string("name", &problems, required: true) ?? "")
        guard problems.isEmpty else { return .failure(ArticleWriteInput.invalid(problems)) }
        do { try t.validate() } catch {
            return .failure(ArticleWriteInput.invalid(error.issues.map { (ArticleWriteInput.pointer(forField: $0.field), $0.message) }))
        }
        return .success(t)
    }

    static func site(_ v: JSONValue) -> Result<Site, APIError> {
        var problems: [(String, String)] = []
        let fields = JSONBodyFields(v, known: ["name", "url", "description", "language", "contact"], into: &problems)
        let contact = v["contact"]
        if let contact, contact != .null, contact.members == nil { problems.append(("/contact", "must be an object")) }
        let site = Site(name: fields.string("name", &problems, required: true) ?? "", url: fields.string("url", &problems, required: true) ?? "",
                        description: fields.string("description", &problems) ?? "", language: fields.string("language", &problems) ?? "en",
                        contact: Contact(email: contact?["email"]?.string, phone: contact?["phone"]?.string, address: contact?["address"]?.string))
        guard problems.isEmpty else { return .failure(ArticleWriteInput.invalid(problems)) }
        do { try site.validate() } catch {
            return .failure(ArticleWriteInput.invalid(error.issues.map { (ArticleWriteInput.pointer(forField: $0.field), $0.message) }))
        }
        return .success(site)
    }
}
