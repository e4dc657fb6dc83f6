import FolioContent
import FolioHTTP
import FolioJSON

/// GET /api/v1/articles?status=draft|scheduled|published|all with a token: the articles an
/// editor sees, drafts and scheduled ones included, newest `published_at` first, each with its
/// `status` and `revision`; `page` and `per_page` as on the public list. Read from the store off
/// the loop, never cached (`Cache-Control: private, no-store`). Without a token, `status` is a
/// 401: the public list shows published articles only.
extension FolioApp {
    static let editorListParameters: Set<String> = ["status", "page", "per_page"]

    /// Whether the query names `status` (a parameter the public list does not take): a scan of
    /// the query's few bytes, before the cache is consulted, so that an editor's list is never
    /// answered from a public cache entry.
    static func hasStatusParameter(_ query: ArraySlice<UInt8>) -> Bool {
        let name = Array("status=".utf8)
        var i = query.startIndex
        while i + name.count <= query.endIndex {
            if (i == query.startIndex || query[i - 1] == UInt8(ascii: "&")) && query[i..<(i + name.count)].elementsEqual(name) { return true }
            i += 1
        }
        return false
    }

    func editorArticleList(_ request: HTTPRequest) -> HTTPResponse {
        guard adminAuth != nil, writer != nil, request.headerBytes("authorization") != nil else {
            return problem(AdminAuth.unauthorized("status= lists drafts and scheduled articles: it needs a token"), request)
        }
        return editorRead(request) { [self] store throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(Self.editorListParameters)
            let statusName = try params.single("status") ?? "all"
            let statuses: [ArticleStatus]
            if statusName == "all" {
                statuses = ArticleStatus.allCases
            } else if let one = ArticleStatus(rawValue: statusName) {
                statuses = [one]
            } else {
                throw APIError.badParameter("status", "must be draft, scheduled, published or all")
            }
            let page = try params.integer("page", in: 1...1_000_000) ?? 1
            let perPage = try params.integer("per_page", in: 1...100) ?? 20
            let listed: (total: Int, items: [(article: Article, status: ArticleStatus)])
            do {
                listed = try store.editorList(statuses: statuses, offset: (page - 1) * perPage, limit: perPage)
            } catch {
                throw APIError(503, "the store could not be read: \(error)")
            }
            var encoder = ContentEncoder(snapshot: snapshots.current(), bodies: bodies)
            var w = JSONWriter(capacity: 1024 + listed.items.count * 1024)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for (a, status) in listed.items {
                var item = JSONWriter(capacity: 1024)
                try encoder.article(a, fields: .summary, into: &item)
                item.bytes.removeLast()  // reopen the object for status and revision
                w.rawJSON(item.bytes + Array(",\"status\":\"\(status.rawValue)\",\"revision\":\(a.revision)}".utf8))
            }
            w.endArray()
            w.key("meta")
            w.beginObject()
            w.field("page", page)
            w.field("per_page", perPage)
            w.field("total", listed.total)
            w.field("status", statusName)
            w.endObject()
            w.endObject()
            return w.bytes
        }
    }
}
