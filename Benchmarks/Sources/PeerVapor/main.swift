// Vapor 4 peer: the three compared routes served the idiomatic way (routes, Content responses
// through the global JSON encoder). One NIO event-loop thread, like Folio's one loop.
// Usage: PeerVapor PEER_DOC [PORT]
import Foundation
import PeerModel
import Vapor

extension ArticleResponse: Content {}
extension ArticleListResponse: Content {}

struct ListQuery: Content {
    var page: Int?
    var per_page: Int?
}

let store = try PeerStore.load(path: peerDocumentPath())
var env = Environment.production
env.arguments = [CommandLine.arguments[0]]
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env, .shared(MultiThreadedEventLoopGroup(numberOfThreads: 1)))
app.http.server.configuration.hostname = "127.0.0.1"
app.http.server.configuration.port = peerPort()
// gzip for clients that accept it (NIO's HTTPResponseCompressor, zlib), as a Vapor user enables it.
app.http.server.configuration.responseCompression = .enabled
ContentConfiguration.global.use(encoder: peerEncoder(), for: .json)

app.get("api", "v1", "articles", ":slug") { req async throws -> ArticleResponse in
    let slug = try req.parameters.require("slug")
    do { return try store.article(slug: slug) } catch { throw Abort(.notFound) }
}

app.get("api", "v1", "articles") { req async throws -> Response in
    let q = try req.query.decode(ListQuery.self)
    let tags = splitList(req.query[[String].self, at: "tag"] ?? req.query[String.self, at: "tag"].map { [$0] } ?? [])
    let authors = splitList(req.query[[String].self, at: "author"] ?? req.query[String.self, at: "author"].map { [$0] } ?? [])
    do {
        let (body, link) = try store.list(page: q.page ?? 1, perPage: q.per_page ?? 20, tags: tags, authors: authors)
        let response = try await body.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: "X-Total-Count", value: String(body.meta.pagination.total))
        response.headers.replaceOrAdd(name: "Link", value: link)
        return response
    } catch PeerError.badRequest(let message) {
        throw Abort(.badRequest, reason: message)
    }
}

print("PeerVapor listening on 127.0.0.1:\(peerPort()) — \(store.entries.count) articles")
try await app.execute()
try await app.asyncShutdown()
