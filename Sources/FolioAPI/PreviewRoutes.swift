import FolioContent
import FolioHTTP
import FolioJSON
import Glibc

/// Preview links. `POST /api/v1/articles/{slug}/preview-links` (`content:write`) makes an
/// unguessable link (32 random bytes) to an unpublished article (an optional body
/// `{"expires_in": seconds}` shortens its life); `GET /api/v1/preview/{secret}`
/// shows the article as it stands now to whoever holds the link, with no token, until the link
/// expires (`editorial.preview_days`, default 7) or the article is published (410 then). Always
/// `Cache-Control: private, no-store` and `X-Robots-Tag: noindex`, read off the loop; the
/// store keeps only the secret's SHA-256.
extension FolioApp {
    func installPreviewRoutes(into router: inout Router<APIResponder.Handler>) {
        router.add(.post, "/api/v1/articles/:slug/preview-links") { [self] req, p in createPreviewLink(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/preview/:secret") { [self] req, p in preview(req, secret: p["secret"]) }
    }

    func createPreviewLink(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        writeRoute(request) { [self] token, writer, auth in
            let slug: String
            do throws(APIError) { slug = try Self.slugParameter(raw) } catch { return .failure(error) }
            var lifetime = auth.settings.previewLifetime
            if !request.body.isEmpty {
                // Optional `{"expires_in": seconds}`: a shorter life than the configured one.
                switch Self.writeBody(request, mediaType: "application/json") {
                case .failure(let e): return .failure(e)
                case .success(let body):
                    guard body.members?.allSatisfy({ $0.name == "expires_in" }) == true,
                          let seconds = body["expires_in"]?.int, (1...Int(lifetime)).contains(seconds) else {
                        return .failure(ArticleWriteInput.invalid([("/expires_in", "must be whole seconds from 1 to \(lifetime) (editorial.preview_days)")]))
                    }
                    lifetime = Int64(seconds)
                }
            }
            let secret = String(APIToken.generate().dropFirst("folio_".count))
            let expiresAt = Int64(time(nil)) + lifetime
            do {
                try writer.write(actor: token.name) { w throws in
                    guard let record = try w.record(slug: slug) else { throw APIError.notFound("no article with slug \"\(slug)\"") }
                    guard record.status != .published else {
                        throw APIError(409, "\"\(slug)\" is published: its public URL shows it, a preview link has nothing to show")
                    }
                    try w.touchToken(name: token.name)
                    try w.createPreviewLink(articleID: record.article.id, hash: APIToken.hash(secret), expiresAt: expiresAt)
                }
            } catch let e as APIError {
                return .failure(e)
            } catch {
                return .failure(APIError(error: error))
            }
            let url = urls.api + "/api/v1/preview/" + secret
            var w = JSONWriter(capacity: 256)
            w.beginObject()
            w.key("data")
            w.beginObject()
            w.field("url", url)
            w.field("article", slug)
            w.field("expires_at", Timestamp(epochSeconds: expiresAt).rfc3339)
            w.endObject()
            w.endObject()
            var r = HTTPResponse(status: 201, contentType: "application/json; charset=utf-8", body: w.bytes)
            r.addHeader("Location", url)
            r.addHeader("Cache-Control", "no-store")
            policy.addCORS(to: &r, request: request)
            return .success(r)
        }
    }

    func preview(_ request: HTTPRequest, secret raw: String?) -> HTTPResponse {
        guard let writer else { return problem(APIError.notFound("previews need a writable store"), request) }
        return .deferred(background: false) { [self] in
            var answer: HTTPResponse
            do throws(APIError) {
                guard let secret = raw, (16...64).contains(secret.utf8.count),
                      secret.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
                else { throw APIError.notFound("no such preview link") }
                let found: PreviewLookup
                do { found = try writer.store.preview(hash: APIToken.hash(secret), now: Int64(time(nil))) } catch {
                    throw APIError(503, "the store could not be read: \(error)")
                }
                switch found {
                case .unknown: throw APIError.notFound("no such preview link")
                case .expired: throw APIError(410, "this preview link has expired; ask for a new one")
                case .published(let slug): throw APIError(410, "the article is published: \(urls.articleAPI(slug))")
                case .unpublished(let a, let status):
                    let snapshot = snapshots.current()
                    answer = HTTPResponse(status: 200, contentType: "application/json; charset=utf-8",
                                          body: articleWithRevision(a, snapshot: snapshot, revision: a.revision, status: status))
                }
            } catch {
                answer = problem(error, request)
            }
            answer.addHeader("Cache-Control", "private, no-store")
            answer.addHeader("X-Robots-Tag", "noindex")
            answer.addHeader("Referrer-Policy", "no-referrer")
            return answer
        }
    }
}
