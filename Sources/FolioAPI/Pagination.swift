import FolioHTTP
import FolioJSON

/// One page of a paginated list: writes `meta.pagination` and the `Link` (RFC 8288) and
/// `X-Total-Count` headers, the same way for every list route.
struct Pagination {
    /// The page number; nil in cursor mode.
    var page: Int?
    var perPage: Int
    var total: Int
    var nextCursor: String?
    /// The route's path and its canonical query without page/cursor, for links.
    var path: String
    var linkBase: String

    var pages: Int { (total + perPage - 1) / perPage }

    /// Writes `"pagination": {...}` into the open `meta` object.
    func write(into w: inout JSONWriter) {
        w.key("pagination")
        w.beginObject()
        if let page { w.field("page", page) } else { w.key("page"); w.null() }
        w.field("per_page", perPage)
        w.field("total", total)
        w.field("pages", pages)
        if let page, page < pages { w.field("next", page + 1) } else { w.key("next"); w.null() }
        if let page, page > 1 { w.field("prev", min(page - 1, max(pages, 1))) } else { w.key("prev"); w.null() }
        w.field("next_cursor", nextCursor)
        w.endObject()
    }

    /// `X-Total-Count` and `Link`: first, prev, next, last (page mode) or first and next (cursor mode).
    var headerBytes: [UInt8] {
        let base = path + "?" + linkBase + (linkBase.isEmpty ? "" : "&")
        var parts = ["<\(base)page=1>; rel=\"first\""]
        if let page {
            let last = max(pages, 1)
            if page > 1 { parts.append("<\(base)page=\(min(page - 1, last))>; rel=\"prev\"") }
            if page < pages { parts.append("<\(base)page=\(page + 1)>; rel=\"next\"") }
            parts.append("<\(base)page=\(last)>; rel=\"last\"")
        } else if let nextCursor {
            parts.append("<\(base)cursor=\(nextCursor)>; rel=\"next\"")
        }
        var headers = HTTPResponse(status: 200)
        headers.addHeader("X-Total-Count", String(total))
        headers.addHeader("Link", parts.joined(separator: ", "))
        return headers.headerBytes
    }
}
