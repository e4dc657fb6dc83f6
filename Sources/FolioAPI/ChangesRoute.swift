import FolioContent
import FolioHTTP
import FolioJSON

/// GET /api/v1/changes?since=SEQ&limit=N: what changed after SEQ (deletions included), oldest
/// first, with `next` to ask from next time; only public changes (an article's first
/// publication shows as its create, unpublishing as a delete, a draft's writes not at all) — for search indexers, static-site builders and apps
/// that sync incrementally. Read from the log on its own read-only connection, off the loop.
extension FolioApp {
    static let maxChangesPage = 1_000

    func changes(_ request: HTTPRequest) -> HTTPResponse {
        guard let changesLog else { return problem(APIError(503, "the changes log is not available"), request) }
        return cachedOffLoop(request) { snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(["since", "limit"])
            let since = Int64(try params.integer("since", in: 0...Int(Int64.max / 2)) ?? 0)
            let limit = try params.integer("limit", in: 1...Self.maxChangesPage) ?? 100
            let page: [Change]
            do { page = try changesLog.changes(after: since, limit: limit + 1, publicOnly: true) } catch {
                throw APIError(503, "the changes log could not be read: \(error)")
            }
            let more = page.count > limit
            let items = page.prefix(limit)
            var w = JSONWriter(capacity: 256 + items.count * 128)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for c in items {
                w.beginObject()
                w.field("seq", Int(c.seq))
                w.field("kind", c.kind)
                w.field("id", Int(c.entityID))
                w.field("slug", c.slug)
                w.field("op", c.op)
                w.field("at", Timestamp(epochSeconds: c.at).rfc3339)
                w.endObject()
            }
            w.endArray()
            w.key("meta")
            w.beginObject()
            w.field("since", Int(since))
            w.field("next", Int(items.last?.seq ?? since))
            w.field("more", more)
            w.endObject()
            w.endObject()
            return Built(body: w.bytes, lastModified: nil)
        }
    }
}
