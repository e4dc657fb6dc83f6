// Hummingbird 2 peer: the three compared routes served the idiomatic way (router, Codable
// responses through the context's JSONEncoder). One NIO event-loop thread, like Folio's one loop.
// Usage: PeerHummingbird PEER_DOC [PORT]
import CompressNIO
import Foundation
import Hummingbird
import NIOPosix
import PeerModel

struct PeerContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    var responseEncoder: JSONEncoder { peerEncoder() }
}

extension ArticleResponse: ResponseEncodable {}
extension ArticleListResponse: ResponseEncodable {}

struct ListQuery: Decodable {
    var page: Int?
    var per_page: Int?
}

let store = try PeerStore.load(path: peerDocumentPath())
let router = Router(context: PeerContext.self)

// gzip when the client accepts it (the long-tail scenarios, issue 15): the response encoded, then
// compressed with CompressNIO (zlib at its default level), as hummingbird-compression's
// middleware does; that package is not in this machine's mirror, its dependency is.
router.get("/api/v1/articles/:slug") { request, context -> Response in
    let slug = try context.parameters.require("slug")
    let article: ArticleResponse
    do { article = try store.article(slug: slug) } catch { throw HTTPError(.notFound) }
    var body = ByteBuffer(bytes: try context.responseEncoder.encode(article))
    var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
    if request.headers[.acceptEncoding]?.contains("gzip") == true {
        body = try body.compress(with: .gzip())
        headers[.contentEncoding] = "gzip"
    }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
}

router.get("/api/v1/articles") { request, _ -> EditedResponse<ArticleListResponse> in
    let q = request.uri.queryParameters
    let page = q.get("page", as: Int.self) ?? 1
    let perPage = q.get("per_page", as: Int.self) ?? 20
    let tags = splitList(q.getAll("tag").map { String($0) })
    let authors = splitList(q.getAll("author").map { String($0) })
    do {
        let (body, link) = try store.list(page: page, perPage: perPage, tags: tags, authors: authors)
        var headers = HTTPFields()
        headers[.init("X-Total-Count")!] = String(body.meta.pagination.total)
        headers[.init("Link")!] = link
        return EditedResponse(headers: headers, response: body)
    } catch PeerError.badRequest(let message) {
        throw HTTPError(.badRequest, message: message)
    }
}

// Writes (issue 13), when PEER_SQLITE names the store and PEER_TOKEN the bearer token.
extension CreatedResponse: ResponseEncodable {}
if let path = ProcessInfo.processInfo.environment["PEER_SQLITE"], let token = ProcessInfo.processInfo.environment["PEER_TOKEN"] {
    let writes = try PeerWriteStore(path: path)
    router.post("/api/v1/articles") { request, context -> EditedResponse<CreatedResponse> in
        guard request.headers[.authorization] == "Bearer " + token else { throw HTTPError(.unauthorized) }
        let input = try await request.decode(as: ArticleInput.self, context: context)
        do {
            let article = try await NIOThreadPool.singleton.runIfActive { try writes.create(input) }
            var headers = HTTPFields()
            headers[.location] = article.url
            return EditedResponse(status: .created, headers: headers, response: CreatedResponse(data: article))
        } catch PeerWriteError.conflict {
            throw HTTPError(.conflict, message: "slug taken")
        } catch PeerWriteError.invalid(let message) {
            throw HTTPError(.unprocessableContent, message: message)
        }
    }
    router.get("/api/v1/created/:slug") { _, context -> CreatedResponse in
        let slug = try context.parameters.require("slug")
        guard let a = writes.created.withLock({ $0[slug] }) else { throw HTTPError(.notFound) }
        return CreatedResponse(data: a)
    }
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: peerPort()), serverName: nil),
    eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup(numberOfThreads: 1))
)
print("PeerHummingbird listening on 127.0.0.1:\(peerPort()) — \(store.entries.count) articles")
try await app.runService()
