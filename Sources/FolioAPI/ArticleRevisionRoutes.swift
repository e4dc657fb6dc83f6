import FolioContent
import FolioHTTP
import FolioJSON

/// Revisions of an article, for a reader with a token: `GET /api/v1/articles/{slug}/revisions`
/// (newest first, the current version first), `GET …/revisions/{n}` (that version's source
/// fields, as a PUT would send them) and `POST …/revisions/{n}/restore` (`content:write`,
/// `If-Match` as for any write): a new revision whose content equals revision n. A restore
/// brings back the content (title, excerpt, dates, authors, tags, body); the slug and the status
/// stay as they are now, so restoring never renames, publishes or unpublishes. Never cached
/// (`Cache-Control: private, no-store`); read from the store off the loop.
extension FolioApp {
    func installRevisionRoutes(into router: inout Router<APIResponder.Handler>) {
        router.add(.get, "/api/v1/articles/:slug/revisions") { [self] req, p in revisions(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/articles/:slug/revisions/:revision") { [self] req, p in
            revision(req, slug: p["slug"], number: p["revision"])
        }
        router.add(.post, "/api/v1/articles/:slug/revisions/:revision/restore") { [self] req, p in
            restore(req, slug: p["slug"], number: p["revision"])
        }
    }

    /// A token of any scope (or of `scope`), then `read` off the loop; the answer is private.
    func editorRead(_ request: HTTPRequest, scope: String? = nil,
                    _ read: @escaping @Sendable (SQLiteStore) throws(APIError) -> [UInt8]) -> HTTPResponse {
        guard let adminAuth, let writer else { return problem(APIError(503, "this needs a writable store and tokens"), request) }
        return .deferred(background: false) { [self] in
            if case .failure(let e) = adminAuth.authorize(request, scope: scope) { return problem(e, request) }
            do throws(APIError) {
                let body = try read(writer.store)
                var r = HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: body)
                r.addHeader("Cache-Control", "private, no-store")
                r.addHeader("Vary", "Authorization")
                policy.addCORS(to: &r, request: request)
                return r
            } catch {
                return problem(error, request)
            }
        }
    }

    static func revisionNumber(_ raw: String?) throws(APIError) -> Int64 {
        guard let raw, let n = Int64(raw), n > 0, String(n) == raw else {
            throw APIError.notFound("a revision is a positive whole number")
        }
        return n
    }

    static func writeRevisionInfo(_ r: ArticleRevision, into w: inout JSONWriter) {
        w.field("revision", Int(r.revision))
        w.field("status", r.status.rawValue)
        w.field("title", r.title)
        w.key("revised_at")
        if let at = r.revisedAt { w.string(Timestamp(epochSeconds: at).rfc3339) } else { w.null() }
        w.field("revised_by", r.revisedBy)
        w.field("current", r.isCurrent)
    }

    func revisions(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        editorRead(request) { store throws(APIError) in
            let slug = try Self.slugParameter(raw)
            let found: [ArticleRevision]?
            do { found = try store.revisions(slug: slug) } catch { throw APIError(503, "the store could not be read: \(error)") }
            guard let list = found else { throw APIError.notFound("no article with slug \"\(slug)\"") }
            var w = JSONWriter(capacity: 256 + list.count * 160)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for r in list {
                w.beginObject()
                Self.writeRevisionInfo(r, into: &w)
                w.endObject()
            }
            w.endArray()
            w.key("meta")
            w.beginObject()
            w.field("article", slug)
            w.field("count", list.count)
            w.endObject()
            w.endObject()
            return w.bytes
        }
    }

    func revision(_ request: HTTPRequest, slug raw: String?, number rawNumber: String?) -> HTTPResponse {
        editorRead(request) { store throws(APIError) in
            let slug = try Self.slugParameter(raw)
            let number = try Self.revisionNumber(rawNumber)
            let found: (input: ArticleInput, info: ArticleRevision)?
            do { found = try store.revision(slug: slug, number: number) } catch { throw APIError(503, "the store could not be read: \(error)") }
            guard let (input, info) = found else {
                throw APIError.notFound("article \"\(slug)\" has no revision \(number) (or no longer keeps it)")
            }
            var w = JSONWriter(capacity: 1024 + (input.bodyMarkdown ?? input.html ?? "").utf8.count * 2)
            w.beginObject()
            w.key("data")
            w.beginObject()
            Self.writeRevisionInfo(info, into: &w)
            w.key("article")
            w.json(ArticleWriteInput.json(input))
            w.endObject()
            w.endObject()
            return w.bytes
        }
    }

    func restore(_ request: HTTPRequest, slug raw: String?, number rawNumber: String?) -> HTTPResponse {
        writeRoute(request) { [self] token, writer, auth in
            let slug: String
            let number: Int64
            let ifMatch: IfMatch
            do throws(APIError) {
                slug = try Self.slugParameter(raw)
                number = try Self.revisionNumber(rawNumber)
                ifMatch = try IfMatch.parse(request.header("if-match")).get()
            } catch {
                return .failure(error)
            }
            let requireIfMatch = auth.settings.requireIfMatch
            do {
                let outcome = try writer.write(actor: token.name) { w throws -> WriteOutcome in
                    guard let current = try w.articleRevision(slug: slug), let now = try w.record(slug: slug) else {
                        throw APIError.notFound("no article with slug \"\(slug)\"")
                    }
                    try ifMatch.check(current.revision, required: requireIfMatch)
                    guard var input = try w.revisionInput(articleID: current.id, revision: number) else {
                        throw APIError.notFound("article \"\(slug)\" has no kept revision \(number)")
                    }
                    try w.touchToken(name: token.name)
                    input.id = current.id
                    input.slug = slug
                    input.status = now.status.rawValue
                    input.oldSlugs = []
                    let record = try ArticleWriteInput.record(input).get()
                    let result: WriteResult
                    do { result = try w.upsertArticle(record) } catch let e as RepositoryError { throw APIError(e) }
                    return WriteOutcome(status: 200, slug: slug, revision: result.revision)
                }
                return .success(writeResponse(outcome, request: request))
            } catch let e as APIError {
                return .failure(e)
            } catch {
                return .failure(APIError(error: error))
            }
        }
    }
}
