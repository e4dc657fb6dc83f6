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

    public init(snapshots: SnapshotHolder, bodies: BodyStore?, search: SearchIndex?, cache: ResponseCache,
                policy: HeaderPolicy, health: HealthState) {
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
        router.add(.get, "/api/v1/articles/:slug") { [self] req, p in article(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/articles/:slug/related") { [self] req, p in related(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/authors") { [self] req, _ in authors(req) }
        router.add(.get, "/api/v1/authors/:slug") { [self] req, p in author(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/authors/:slug/articles") { [self] req, p in authorArticles(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/tags") { [self] req, _ in tags(req) }
        router.add(.get, "/api/v1/site") { [self] req, _ in site(req) }
        router.add(.get, "/api/v1/search") { [self] req, _ in searchRoute(req) }
        return router
    }

    /// What a handler builds on a cache miss.
    struct Built {
        var body: [UInt8]
        var lastModified: Int64?
        var extraHeaders: [UInt8] = []
        var contentType = "application/json; charset=utf-8"
    }

    /// The shared path of every cacheable GET: look up by raw target, else validate, build, store.
    func cached(_ request: HTTPRequest, _ build: (ContentSnapshot) throws(APIError) -> Built) -> HTTPResponse {
        let generation = snapshots.generation
        let key = request.path + "?" + request.query
        if let hit = cache.lookup(key, generation: generation, loop: request.loopIndex) {
            return hit.response(for: request, policy: policy)
        }
        let snapshot = snapshots.current()
        do {
            let built = try build(snapshot)
            let rep = Representation(body: built.body, contentType: built.contentType, lastModified: built.lastModified,
                                     extraHeaders: built.extraHeaders, policy: policy)
            cache.store(key, rep, generation: snapshot.generation, loop: request.loopIndex)
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

    static func slugParameter(_ raw: Substring?) throws(APIError) -> String {
        guard let raw, let s = PercentDecoding.decodeString(raw.utf8) else { throw APIError(404, "no such resource") }
        return s
    }
}
