import FolioContent
import FolioHTTP
import FolioJSON

/// POST /api/v1/articles, PUT/PATCH/DELETE /api/v1/articles/{slug}: bearer token with scope
/// `content:write`, JSON bodies (merge patch for PATCH), revisions for `If-Match`. Each write is
/// one transaction that also appends to the changes log; the snapshot is updated before the
/// answer, so the next request anywhere sees the write. Runs on a worker thread (the store
/// blocks), never on the event loop.
extension FolioApp {
    func installArticleWriteRoutes(into router: inout Router<APIResponder.Handler>) {
        router.add(.post, "/api/v1/articles") { [self] req, _ in articleWrite(req, slug: nil) }
        for method in [HTTPMethod.put, .patch, .delete] {
            router.add(method, "/api/v1/articles/:slug") { [self] req, p in articleWrite(req, slug: p["slug"]) }
        }
    }

    func articleWrite(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        writeRoute(request, answering: { [self] token, writer, auth, respond in
            performArticleWrite(request, slug: raw, token: token, writer: writer, auth: auth, respond: respond)
        })
    }

    /// The frame of every write: writes must be on (not a read-only store), the work runs off
    /// the loop at normal priority, the token must allow `content:write`, and a refusal is
    /// answered as a problem.
    func writeRoute(_ request: HTTPRequest, scope: String = "content:write",
                    _ perform: @escaping @Sendable (TokenRecord, ContentWriter, AdminAuth) -> Result<HTTPResponse, APIError>) -> HTTPResponse {
        writeRoute(request, scope: scope, answering: { token, writer, auth, respond in respond(perform(token, writer, auth)) })
    }

    /// The same frame for a write answered once its batch commits: `perform` calls `respond`
    /// exactly once, from any thread, and need not wait for the commit on its own thread
    /// (see `ContentWriter.submit`).
    func writeRoute(_ request: HTTPRequest, scope: String = "content:write",
                    answering perform: @escaping @Sendable (TokenRecord, ContentWriter, AdminAuth,
                                                            @escaping @Sendable (Result<HTTPResponse, APIError>) -> Void) -> Void) -> HTTPResponse {
        guard let writer, let adminAuth else {
            return problem(APIError(503, "writes are off on this server (read-only store)"), request)
        }
        return .deferred(completedBy: { [self] completion in
            let respond: @Sendable (Result<HTTPResponse, APIError>) -> Void = { [self] result in
                switch result {
                case .success(let response): completion.complete(response)
                case .failure(let error): completion.complete(problem(error, request))
                }
            }
            switch adminAuth.authorize(request, scope: scope) {
            case .success(let token): perform(token, writer, adminAuth, respond)
            case .failure(let error): respond(.failure(error))
            }
        })
    }

    /// A write's JSON body: 415 unless the request says `mediaType` (`Accept-Patch` names it for
    /// a merge patch), 400 saying where when it is not valid JSON.
    static func writeBody(_ request: HTTPRequest, mediaType wanted: String) -> Result<JSONValue, APIError> {
        let media = (request.header("content-type") ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        guard media == wanted else {
            var e = APIError(415, "the body must be \(wanted)" + (media.isEmpty ? "" : ", not \(media)"))
            if wanted == "application/merge-patch+json" { e.headers = [("Accept-Patch", wanted)] }
            return .failure(e)
        }
        do { return .success(try JSONParser().parse(request.body)) } catch {
            return .failure(APIError(400, "the body is not valid JSON: line \(error.line), column \(error.column): \(error.message)"))
        }
    }

    /// What a write did: the status, and the article's slug afterwards (nil after a delete).
    struct WriteOutcome: Sendable {
        var status: Int
        var slug: String?
        var revision: Int64
        /// An earlier answer given again (`Idempotency-Key`): its ETag as it was.
        var replayedETag: String?
    }

    private func performArticleWrite(_ request: HTTPRequest, slug raw: String?, token: TokenRecord, writer: ContentWriter,
                                     auth: AdminAuth, respond: @escaping @Sendable (Result<HTTPResponse, APIError>) -> Void) {
        switch prepareArticleWrite(request, slug: raw, token: token, auth: auth) {
        case .failure(let e): respond(.failure(e))
        case .success(let prepared):
            writer.submit(actor: token.name, prepared.write) { [self] result in
                if let key = prepared.idempotencyKey { auth.end(token: token.name, key: key) }
                switch result {
                case .success(let outcome): respond(.success(writeResponse(outcome, request: request)))
                case .failure(let e as APIError): respond(.failure(e))
                case .failure(let e): respond(.failure(APIError(error: e)))
                }
            }
        }
    }

    /// An article write checked and prepared before it joins a batch: the work to run in the
    /// transaction, and the `Idempotency-Key` marked in flight (to end when the write is answered).
    private struct PreparedWrite: Sendable {
        let write: @Sendable (inout StoreWriter) throws -> WriteOutcome
        let idempotencyKey: String?
    }

    /// Everything a write can do without the store: the body parsed and, for POST and PUT, its
    /// Markdown rendered (off the committing thread, whose work every write in a batch waits
    /// for); refusals that need no store answered here.
    private func prepareArticleWrite(_ request: HTTPRequest, slug raw: String?, token: TokenRecord,
                                     auth: AdminAuth) -> Result<PreparedWrite, APIError> {
        let method = request.method
        var urlSlug: String?
        if let raw {
            do { urlSlug = try Self.slugParameter(raw) } catch { return .failure(error) }
            if let s = urlSlug, !Slug.isValid(s), method != .put {
                return .failure(APIError.notFound("no article with slug \"\(s)\""))  // nothing can have it
            }
        }

        var body: JSONValue?
        if method != .delete {
            switch Self.writeBody(request, mediaType: method == .patch ? "application/merge-patch+json" : "application/json") {
            case .success(let v): body = v
            case .failure(let e): return .failure(e)
            }
        }
        let requireIfMatch = auth.settings.requireIfMatch

        // Parse a full body before the transaction (a PATCH is parsed once the current article is read).
        var fullInput: ArticleInput?
        if method == .post || method == .put, let body {
            switch ArticleWriteInput.parse(body, slug: urlSlug) {
            case .success(let input): fullInput = input
            case .failure(let e): return .failure(e)
            }
        }
        let ifMatch: IfMatch
        switch IfMatch.parse(request.header("if-match")) {
        case .success(let m): ifMatch = m
        case .failure(let e): return .failure(e)
        }
        // Rendered now, reported in the transaction where a failure was always reported (after the
        // checks of the article's existence and revision).
        let rendered = fullInput.map { ArticleWriteInput.record($0) }
        // Idempotency-Key (IETF httpapi draft): a retry with the same key and request gets the
        // first answer; another request under the same key is a 422; a retry while the first
        // still runs is a 409. The answer is stored in the write's own transaction.
        var idempotency: (key: String, hash: String)?
        if let key = request.header("idempotency-key") {
            guard !key.isEmpty, key.count <= 255, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                return .failure(APIError(400, "Idempotency-Key must be 1–255 visible ASCII characters"))
            }
            let asked = Array(method.name.utf8) + [0] + Array(request.path.utf8) + [0] + request.body
            idempotency = (key, Digest.sha256Hex(asked))
            guard auth.begin(token: token.name, key: key) else {
                return .failure(APIError(409, "a request with this Idempotency-Key is still being processed; retry when it is answered"))
            }
        }
        let ttl = auth.settings.idempotencyTTL
        let tokenName = token.name
        // Constants for the committing thread.
        let (idempotent, slugConstant, bodyConstant, inputConstant) = (idempotency, urlSlug, body, fullInput)
        return .success(PreparedWrite(write: { w throws -> WriteOutcome in
            if let idempotency = idempotent, let earlier = try w.idempotentAnswer(token: tokenName, key: idempotency.key, ttl: ttl) {
                guard earlier.requestHash == idempotency.hash else {
                    throw APIError(422, "this Idempotency-Key was used for another request; use a new key for a new request")
                }
                let slug = earlier.location.map { String($0.dropFirst("/api/v1/articles/".count)) }
                    ?? (earlier.status == 204 ? nil : slugConstant)
                return WriteOutcome(status: earlier.status, slug: slug, revision: 0, replayedETag: earlier.etag ?? "")
            }
            let outcome = try writeArticle(&w)
            if let idempotency = idempotent {
                try w.rememberAnswer(token: tokenName, key: idempotency.key, StoreWriter.IdempotentAnswer(
                    requestHash: idempotency.hash, status: outcome.status,
                    location: outcome.status == 201 ? outcome.slug.map { "/api/v1/articles/" + $0 } : nil,
                    etag: outcome.slug == nil ? nil : "\"r\(outcome.revision)\""), ttl: ttl)
            }
            return outcome
        }, idempotencyKey: idempotency?.key))

        @Sendable func writeArticle(_ w: inout StoreWriter) throws -> WriteOutcome {
            let target = slugConstant ?? inputConstant?.slug ?? ""
            let existing = try w.articleRevision(slug: target)
            switch (method, existing) {
            case (.post, .some):
                throw APIError(409, "an article with slug \"\(target)\" exists; PUT or PATCH /api/v1/articles/\(target) changes it")
            case (.post, nil), (.put, nil):
                if ifMatch != .none { throw APIError(412, "no article with slug \"\(target)\" to match If-Match against") }
            case (.patch, nil), (.delete, nil):
                throw APIError.notFound("no article with slug \"\(target)\"")
            case (_, .some(let current)):
                try ifMatch.check(current.revision, required: requireIfMatch)
            default:
                throw APIError(405, "\(method.name) is not a write this route takes")
            }
            try w.touchToken(name: token.name)
            if method == .delete {
                _ = try w.deleteArticle(slug: target)
                return WriteOutcome(status: 204, slug: nil, revision: existing?.revision ?? 0)
            }
            var record: ArticleRecord
            if method == .patch, let body = bodyConstant {
                guard let current = try w.record(slug: target) else { throw APIError.notFound("no article with slug \"\(target)\"") }
                let merged = ArticleWriteInput.mergePatch(ArticleWriteInput.json(ArticleInput(current)), body)
                var input = try ArticleWriteInput.parse(merged, slug: target).get()
                input.id = existing?.id
                record = try ArticleWriteInput.record(input).get()
            } else {
                record = try rendered!.get()
                record.article.id = existing?.id ?? 0
            }
            let result: WriteResult
            do { result = try w.upsertArticle(record) } catch let e as RepositoryError { throw APIError(e) }
            return WriteOutcome(status: existing == nil ? 201 : 200, slug: record.article.slug, revision: result.revision)
        }
    }

    /// GET of an article with a token (any scope): the article with its `revision`, uncached
    /// (`Cache-Control: private, no-store`), `ETag: "r<revision>"` for the next write's If-Match.
    func authorisedArticle(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        guard let adminAuth else { return problem(APIError(503, "tokens are not available"), request) }
        return .deferred(background: false) { [self] in
            if case .failure(let e) = adminAuth.authorize(request, scope: nil) { return problem(e, request) }
            guard let slug = try? Self.slugParameter(raw) else { return problem(APIError.notFound("no such resource"), request) }
            let snapshot = snapshots.current()
            guard let (a, status) = articleForEditors(slug: slug, snapshot: snapshot) else {
                return problem(APIError.notFound("no article with slug \"\(slug)\""), request)
            }
            var r = HTTPResponse(status: 200, contentType: "application/json; charset=utf-8",
                                 body: articleWithRevision(a, snapshot: snapshot, revision: a.revision, status: status))
            r.addHeader("ETag", "\"r\(a.revision)\"")
            r.addHeader("Cache-Control", "private, no-store")
            r.addHeader("Vary", "Authorization")
            policy.addCORS(to: &r, request: request)
            return r
        }
    }

    /// `{"data": {…the article…, "revision": N}}`.
    func articleWithRevision(_ a: Article, snapshot: ContentSnapshot, revision: Int64, status: ArticleStatus = .published) -> [UInt8] {
        var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
        var item = JSONWriter(capacity: 8 * 1024)
        guard (try? encoder.article(a, fields: .full, into: &item)) != nil else { return [] }
        item.bytes.removeLast()  // reopen the object to add the revision and status
        return Array("{\"data\":".utf8) + item.bytes + Array(",\"revision\":\(revision),\"status\":\"\(status.rawValue)\"}}".utf8)
    }

    /// The article as an editor sees it: from the snapshot when it is public, else (a draft, a
    /// scheduled article) from the store. Blocking: off the loops.
    func articleForEditors(slug: String, snapshot: ContentSnapshot) -> (Article, ArticleStatus)? {
        if let a = snapshot.article(slug: slug) { return (a, .published) }
        guard let record = try? writer?.store.loadRecord(slug: slug) else { return nil }
        return (record.article, record.status)
    }

    /// 201/200 with the article as readers now see it (plus its revision), or 204.
    func writeResponse(_ outcome: WriteOutcome, request: HTTPRequest) -> HTTPResponse {
        guard let slug = outcome.slug, outcome.status != 204 else {
            var r = HTTPResponse(status: 204)
            r.addHeader("Cache-Control", "no-store")
            if outcome.replayedETag != nil { r.addHeader("Idempotent-Replayed", "true") }
            return r
        }
        let snapshot = snapshots.current()
        var body: [UInt8] = []
        if let (a, status) = articleForEditors(slug: slug, snapshot: snapshot) {
            body = articleWithRevision(a, snapshot: snapshot, revision: outcome.replayedETag == nil ? outcome.revision : a.revision,
                                       status: status)
        }
        var r = HTTPResponse(status: outcome.status, contentType: "application/json; charset=utf-8", body: body)
        if outcome.status == 201 { r.addHeader("Location", "/api/v1/articles/" + slug) }
        if let replayed = outcome.replayedETag {
            if !replayed.isEmpty { r.addHeader("ETag", replayed) }
            r.addHeader("Idempotent-Replayed", "true")
        } else {
            r.addHeader("ETag", "\"r\(outcome.revision)\"")
        }
        r.addHeader("Cache-Control", "no-store")
        policy.addCORS(to: &r, request: request)
        return r
    }
}

/// `If-Match` for writes: a revision (`"r7"`), `*`, or nothing.
enum IfMatch: Equatable {
    case none
    case any
    case revision(Int64)

    static func parse(_ header: String?) -> Result<IfMatch, APIError> {
        guard let raw = header?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return .success(.none) }
        if raw == "*" { return .success(.any) }
        guard raw.hasPrefix("\"r"), raw.hasSuffix("\""), raw.count > 3, let n = Int64(raw.dropFirst(2).dropLast()) else {
            return .failure(APIError(412, "If-Match must be a revision tag such as \"r3\" (from a write's ETag or the article's revision), or *"))
        }
        return .success(.revision(n))
    }

    /// Throws 428 when required and absent, 412 (with the current revision) on a mismatch.
    func check(_ current: Int64, required: Bool) throws(APIError) {
        switch self {
        case .none:
            if required {
                throw APIError(428, "changing an existing article needs If-Match: \"r\(current)\" (its current revision), so a concurrent change is not overwritten")
            }
        case .any:
            break
        case .revision(let n):
            guard n == current else {
                var e = APIError(412, "the article is at revision \(current), not \(n): it changed since you read it")
                e.currentRevision = Int(current)
                throw e
            }
        }
    }
}

extension APIError {
    /// A store refusal as the client's problem.
    init(_ error: RepositoryError) {
        switch error {
        case .slugTaken(let s): self = APIError(409, "the slug \"\(s)\" belongs to another article")
        case .unknownAuthor(let s, _):
            self = ArticleWriteInput.invalid([("/authors", "no author with slug \"\(s)\"")])
        case .authorHasArticles(let s, let n): self = APIError(409, "the author \"\(s)\" still has \(n) articles")
        case .articleNotFound(let s): self = APIError.notFound("no article with slug \"\(s)\"")
        case .authorNotFound(let s): self = APIError.notFound("no author with slug \"\(s)\"")
        case .inBatch(_, _, let inner): self = APIError(inner)
        }
    }

    /// Anything else a write can meet: the store refusing to write (read-only, full disk) is a 503.
    init(error: any Error) {
        if let e = error as? RepositoryError { self = APIError(e); return }
        if let e = error as? ValidationError { self = ArticleWriteInput.invalid(e.issues.map { (ArticleWriteInput.pointer(forField: $0.field), $0.message) }); return }
        var e = APIError(503, "the write could not be stored, nothing was changed: \(error)")
        e.retryAfter = 5
        self = e
    }
}
