public import FolioContent
public import FolioHTTP
import FolioJSON

/// Folio's read API: the content it serves, the response cache and header policy, and the routes.
/// Handlers run on the event loops and never wait on a writer: they read the current snapshot.
public final class FolioApp: Sendable {
    public let snapshots: SnapshotHolder
    public let bodies: BodyStore?
    public let search: SearchIndex?
    public let cache: ResponseCache
    public let policy: HeaderPolicy
    public let health: HealthState
    /// Where absolute links point (this API, and the publication's human pages).
    public let urls: PublicURLs

    public init(snapshots: SnapshotHolder, bodies: BodyStore?, search: SearchIndex?, cache: ResponseCache,
                policy: HeaderPolicy, health: HealthState, urls: PublicURLs = PublicURLs(api: "http://localhost")) {
        self.urls = urls
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
        return router
    }

    /// What a handler builds on a cache miss.
    struct Built {
        var body: [UInt8]
        var lastModified: Int64?
        var extraHeaders: [UInt8] = []
        var contentType = "application/json; charset=utf-8"
        /// Set on responses that vary by more than Accept-Encoding (content negotiation).
        var vary: String?
    }

    /// The shared path of every cacheable GET: look up by raw target, else validate, build, store.
    /// `variant` numbers the representation content negotiation chose (0: the only one); it is part
    /// of the cache key.
    /// `cachedOffLoop` does the same with the miss built on a worker thread: full-text search can
    /// take milliseconds on a large corpus, and the event loop keeps serving meanwhile.
    func cached(_ request: HTTPRequest, variant: Int = 0, _ build: (ContentSnapshot) throws(APIError) -> Built) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: variant)
        if let hit = cache.lookup(key, generation: snapshots.generation) {
            return hit.response(for: request, policy: policy)
        }
        return miss(request, key: key, build)
    }

    /// Like `cached`, but a miss is built on a worker thread.
    func cachedOffLoop(_ request: HTTPRequest, _ build: @escaping @Sendable (ContentSnapshot) throws(APIError) -> Built) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key, generation: snapshots.generation) {
            return hit.response(for: request, policy: policy)
        }
        return .deferred { [self] in miss(request, key: key, build) }
    }

    func miss(_ request: HTTPRequest, key: CacheKey, _ build: (ContentSnapshot) throws(APIError) -> Built) -> HTTPResponse {
        let snapshot = snapshots.current()
        do {
            let built = try build(snapshot)
            let rep = Representation(body: built.body, contentType: built.contentType, lastModified: built.lastModified,
                                     extraHeaders: built.extraHeaders, vary: built.vary, policy: policy)
            cache.store(key, rep, generation: snapshot.generation)
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

    /// Whether the raw query string has a parameter named `name` (a cheap check before parsing).
    static func rawQueryHas(_ request: HTTPRequest, _ name: StaticString) -> Bool {
        let q = request.queryBytes
        let n = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var i = q.startIndex
        while i < q.endIndex {
            if q[i...].starts(with: n), q.index(i, offsetBy: n.count) < q.endIndex, q[q.index(i, offsetBy: n.count)] == 0x3D {
                return true
            }
            guard let amp = q[i...].firstIndex(of: 0x26) else { return false }
            i = amp + 1
        }
        return false
    }

    static func slugParameter(_ raw: String?) throws(APIError) -> String {
        guard let raw else { throw APIError(404, "no such resource") }
        if !raw.utf8.contains(0x25) { return raw }
        guard let s = PercentDecoding.decodeString(Array(raw.utf8)) else { throw APIError(404, "no such resource") }
        return s
    }
}
