public import FolioContent
public import FolioHTTP
import FolioJSON

/// Folio's read API: the content it serves, the response cache and header policy, and the routes.
/// Handlers run on the event loops and never wait on a writer: they read the current snapshot.
public final class FolioApp: Sendable {
    public let snapshots: SnapshotHolder
    public let bodies: BodyStore?
    public let search: (any FullTextSearch)?
    public let cache: ResponseCache
    public let policy: HeaderPolicy
    public let health: HealthState
    /// Where absolute links point (this API, and the publication's human pages).
    public let urls: PublicURLs
    /// What a search may cost, and the threads searches run on.
    public let searchLimits: SearchLimits
    public let searchScheduler: SearchScheduler
    /// Writes (nil on a read-only store), their guard, and the changes log's reader.
    public let writer: ContentWriter?
    public let adminAuth: AdminAuth?
    public let changesLog: (any ChangesSource)?

    public init(snapshots: SnapshotHolder, bodies: BodyStore?, search: (any FullTextSearch)?, cache: ResponseCache,
                policy: HeaderPolicy, health: HealthState, urls: PublicURLs = PublicURLs(api: "http://localhost"),
                searchLimits: SearchLimits = SearchLimits(), searchScheduler: SearchScheduler = SearchScheduler(),
                writer: ContentWriter? = nil, adminAuth: AdminAuth? = nil, changesLog: (any ChangesSource)? = nil) {
        self.writer = writer
        self.adminAuth = adminAuth
        self.changesLog = changesLog
        // Before a write is answered, the responses built from what it changed are dropped.
        writer?.onChange { [cache] change in Self.invalidate(cache, change) }
        self.urls = urls
        self.searchLimits = searchLimits
        self.searchScheduler = searchScheduler
        self.snapshots = snapshots
        self.bodies = bodies
        self.search = search
        self.cache = cache
        self.policy = policy
        self.health = health
    }

    /// The router with every route of the read API, health checks included.
    public func makeRouter() -> Router<APIResponder.Handler> {
        var router = Router<APIResponder.Handler>()
        health.install(into: &router)
        router.add(.get, "/api/v1/articles") { [self] req, _ in articles(req) }
        router.add(.get, "/api/v1/articles/:slug") { [self] req, p in article(req, parameters: p) }
        router.add(.get, "/api/v1/articles/:slug/related") { [self] req, p in related(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/authors") { [self] req, _ in authors(req) }
        router.add(.get, "/api/v1/authors/:slug") { [self] req, p in author(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/authors/:slug/articles") { [self] req, p in authorArticles(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/tags") { [self] req, _ in tags(req) }
        router.add(.get, "/api/v1/site") { [self] req, _ in site(req) }
        router.add(.get, "/api/v1/search") { [self] req, _ in searchRoute(req) }
        installFeedRoutes(into: &router)
        installArticleWriteRoutes(into: &router)
        installRevisionRoutes(into: &router)
        installPreviewRoutes(into: &router)
        installWebhookRoutes(into: &router)
        installCatalogWriteRoutes(into: &router)
        router.add(.get, "/api/v1/changes") { [self] req, _ in changes(req) }
        return router
    }

    /// Drops the cached responses built from what `change` changed (a replica calls it after
    /// applying changes another process wrote).
    public func contentChanged(_ change: ContentChangeSet) { Self.invalidate(cache, change) }

    static func invalidate(_ cache: ResponseCache, _ change: ContentChangeSet) {
        if change.everything {
            cache.invalidateAll(generation: change.generation)
        } else {
            cache.invalidate(CacheDependencies.invalidated(by: change), generation: change.generation)
        }
    }

    /// What a handler builds on a cache miss.
    struct Built {
        var body: [UInt8]
        var lastModified: Int64?
        var extraHeaders: [UInt8] = []
        var contentType = "application/json; charset=utf-8"
        /// Set on responses that vary by more than Accept-Encoding (content negotiation).
        var vary: String?
        /// What it was built from (a write to one of these drops it from the cache).
        var deps = CacheDependencies.list
        /// A stored body copied whole into `body`, and where (a gzip response stitches its stored
        /// DEFLATE stream instead of compressing those bytes again).
        var servedSpan: (body: ServedBody, range: Range<Int>)?
    }

    // The shared path of every cacheable GET: look up by raw target, else validate, build, store.
    // `variant` numbers the representation content negotiation chose (0: the only one); it is part
    // of the cache key.
    //
    // Where a miss is built is decided after the request is decoded and routed, never on raw bytes:
    // - on the event loop (`miss`): handlers that read only the in-memory snapshot, and those
    //   that read at most one article body (one primary-key read on a WAL reader, 60–150 µs: less
    //   than a hop to a thread, see `BodyStore`); their work is bounded by the snapshot's indexes
    //   and the query-string limits;
    // - on a worker thread (`cachedOffLoop`): handlers that may read many bodies (feeds, lists
    //   with body fields);
    // - on the search threads (`cachedSearch`): anything with `q`, within a CPU budget.
    //
    // Handlers look the key up themselves and call `miss` only when it is absent, so that a hit
    // never forms the (escaping) closure that builds a miss: no allocation on the hit path.

    /// An article list (all articles, an author's): on the search threads when it has `q`, on a
    /// worker when it includes bodies, else on the loop. The query string is decoded here (cheap:
    /// bounded by the request-line limit) to decide; `build` parses it in full.
    func cachedList(_ request: HTTPRequest,
                    _ build: @escaping @Sendable (QueryParameters, ContentSnapshot, SearchBudget) throws(APIError) -> Built) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) {
            return hit.response(for: request, policy: policy)
        }
        let params: QueryParameters
        do { params = try QueryParameters(raw: request.queryBytes) } catch { return problem(error, request) }
        if let q = params.pairs.last(where: { $0.name == "q" })?.value,
           let parsed = try? SearchQuery.parse(q, limits: searchLimits) {
            // Long pages cost a snippet or a summary per hit: they count as expensive too.
            let perPage = params.pairs.last(where: { $0.name == "per_page" }).flatMap { Int($0.value) } ?? 20
            let expensive = parsed.isExpensive(searchLimits) || perPage > 20
            return searchMiss(request, key: key, expensive: expensive) { snapshot, budget throws(APIError) in
                try build(params, snapshot, budget)
            }
        }
        // No q, or one that will be refused while the query is parsed, before anything is searched.
        let readsBodies = params.pairs.contains { $0.name == "include" || ($0.name == "fields" && ($0.value.contains("html") || $0.value.contains("text"))) }
        if readsBodies {
            return .deferred { [self] in buildMiss(request, key: key) { snapshot throws(APIError) in try build(params, snapshot, .unlimited) } }
        }
        return miss(request, key: key) { snapshot throws(APIError) in try build(params, snapshot, .unlimited) }
    }

    /// A miss built on the search threads (`SearchScheduler`) within the CPU budget; 503 with
    /// Retry-After at once when too many searches wait; dropped if the client leaves first.
    func searchMiss(_ request: HTTPRequest, key: CacheKey, expensive: Bool,
                    _ build: @escaping @Sendable (ContentSnapshot, SearchBudget) throws(APIError) -> Built) -> HTTPResponse {
        let budgetSeconds = searchLimits.cpuBudget
        return .deferred(DeferredResponse { [self] completion in
            let accepted = searchScheduler.submit(expensive: expensive) { [self] in
                guard !completion.isCancelled else { return }
                let budget = SearchBudget(cpuSeconds: budgetSeconds, isCancelled: { completion.isCancelled })
                let response = buildMiss(request, key: key) { snapshot throws(APIError) in try build(snapshot, budget) }
                let used = budget.used
                searchScheduler.record(cpuSeconds: used, stoppedByBudget: used > budgetSeconds)
                completion.complete(response)
            }
            if !accepted {
                var busy = APIError(503, expensive ? "too many expensive searches are waiting; try again shortly, or search with fewer or longer terms"
                                                   : "too many searches are waiting; try again shortly")
                busy.retryAfter = 1
                completion.complete(problem(busy, request))
            }
        })
    }

    /// Like `cached`, but a miss is built on a worker thread.
    func cachedOffLoop(_ request: HTTPRequest, _ build: @escaping @Sendable (ContentSnapshot) throws(APIError) -> Built) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) {
            return hit.response(for: request, policy: policy)
        }
        return .deferred { [self] in buildMiss(request, key: key, build) }
    }

    /// On a store whose body reads cross the network (PostgreSQL), the miss is built off the
    /// event loop; on SQLite a body read is cheaper than the hop and stays on it, unless the
    /// body is not in memory: then the read fails instead of waiting for the disk
    /// (`BodyStore.withoutWaiting`), and the miss is built again on a reader thread.
    func miss(_ request: HTTPRequest, key: CacheKey, _ build: @escaping @Sendable (ContentSnapshot) throws(APIError) -> Built) -> HTTPResponse {
        if bodies?.isRemote == true {
            return .deferred(background: false) { [self] in buildMiss(request, key: key, build) }
        }
        let attempt = BodyStore.withoutWaiting { buildMiss(request, key: key, build) }
        guard attempt.wouldHaveWaited else { return attempt.result }
        return .deferredRead { [self] in buildMiss(request, key: key, build) }
    }

    /// Builds, stores and answers a miss where it is called (on a worker already, or on the loop).
    func buildMiss(_ request: HTTPRequest, key: CacheKey, _ build: (ContentSnapshot) throws(APIError) -> Built) -> HTTPResponse {
        let snapshot = snapshots.current()
        do {
            let built = try build(snapshot)
            var extra = built.extraHeaders
            if let name = policy.surrogateKeyHeader {
                var line = HTTPResponse(status: 200)
                line.addHeader(name, built.deps.names.joined(separator: " "))
                extra += line.headerBytes
            }
            let rep = Representation(body: built.body, contentType: built.contentType, lastModified: built.lastModified,
                                     extraHeaders: extra, vary: built.vary, policy: policy,
                                     stitch: built.servedSpan.map { GzipStitch(body: $0.body, range: $0.range) })
            cache.store(key, rep, generation: snapshot.generation, deps: built.deps.hashes)
            return rep.response(for: request, policy: policy)
        } catch {
            return problem(error, request)
        }
    }

    func problem(_ error: APIError, _ request: HTTPRequest) -> HTTPResponse {
        var r = error.response(instance: request.path)
        policy.addCORS(to: &r, request: request)
        return r
    }

    static func slugParameter(_ raw: String?) throws(APIError) -> String {
        guard let raw else { throw APIError(404, "no such resource") }
        if !raw.utf8.contains(0x25) { return raw }
        guard let s = PercentDecoding.decodeString(Array(raw.utf8)) else { throw APIError(404, "no such resource") }
        return s
    }
}
