import FolioHTTP
import FolioJSON

/// The OpenAPI 3.1 description of the routes this server registers, built once.
/// `OpenAPITests` walks the router and fails when a route, a path parameter or a status is missing.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        var w = JSONWriter(capacity: 64 * 1024)
        document.write(to: &w)
        return w.bytes
    }()

    static let slugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$"

    // MARK: building blocks

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/" + name)] }
    static func param(_ name: String) -> JSONValue { ["$ref": .string("#/components/parameters/" + name)] }
    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let integer: JSONValue = ["type": "integer"]
    static let nullableInteger: JSONValue = ["type": ["integer", "null"]]

    static func object(_ properties: [(String, JSONValue)], required: [String]? = nil, closed: Bool = true) -> JSONValue {
        var o: JSONValue = ["type": "object", "properties": .object(properties)]
        o.set("required", .array((required ?? properties.map(\.0)).map { .string($0) }))
        if closed { o.set("additionalProperties", false) }
        return o
    }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static func header(_ description: String, required: Bool = false) -> JSONValue {
        ["description": .string(description), "required": .bool(required), "schema": ["type": "string"]]
    }

    static let cacheHeaders: [(String, JSONValue)] = [
        ("ETag", header("Strong validator of this representation", required: true)),
        ("Cache-Control", header("Caching policy (default `public, max-age=60, stale-while-revalidate=300`)", required: true)),
        ("Vary", header("`Accept-Encoding` (plus `Accept` where content negotiation applies)", required: true)),
        ("Last-Modified", header("Newest `updated_at` of the content in the response")),
    ]
    static let listHeaders: [(String, JSONValue)] = cacheHeaders + [
        ("Link", header("RFC 8288 links: first, prev, next, last", required: true)),
        ("X-Total-Count", header("Number of items over all pages", required: true)),
    ]

    /// A 200 with one or more media types.
    static func ok(_ description: String, _ content: [(String, JSONValue)], headers: [(String, JSONValue)] = cacheHeaders) -> (String, JSONValue) {
        ("200", ["description": .string(description), "headers": .object(headers),
                 "content": .object(content.map { ($0.0, ["schema": $0.1]) })])
    }

    static func json(_ description: String, _ schema: JSONValue, headers: [(String, JSONValue)] = cacheHeaders) -> (String, JSONValue) {
        ok(description, [("application/json", schema)], headers: headers)
    }

    static let notModified: (String, JSONValue) =
        ("304", ["description": "Not modified: `If-None-Match` or `If-Modified-Since` matched; no body"])

    static func problem(_ status: Int, _ description: String) -> (String, JSONValue) {
        (String(status), ["description": .string(description), "content": ["application/problem+json": ["schema": ref("Problem")]]])
    }

    static let badRequest = problem(400, "Bad parameter (unknown, malformed or out of range), RFC 9457 problem with `errors`")
    static func notFound(_ what: String) -> (String, JSONValue) { problem(404, what) }
    static let notAcceptable = problem(406, "`Accept` names no representation this resource has")

    static func operation(_ id: String, _ summary: String, tag: String, parameters: [JSONValue] = [],
                          responses: [(String, JSONValue)], description: String? = nil) -> JSONValue {
        var op: JSONValue = ["operationId": .string(id), "summary": .string(summary), "tags": [.string(tag)]]
        if let description { op.set("description", .string(description)) }
        if !parameters.isEmpty { op.set("parameters", .array(parameters)) }
        // Any route: the HTTP layer refuses a request line over its limit before routing.
        op.set("responses", .object(responses + [problem(414, "Request target longer than the server's limit")]))
        return op
    }

    static func get(_ op: JSONValue) -> JSONValue { ["get": op] }

    // MARK: the document

    static let articleListParameters: [JSONValue] = [
        param("page"), param("per_page"), param("cursor"), param("author"), param("tag"), param("q"), param("since"),
        param("until"), param("sort"), param("list_fields"), param("include"),
    ]

    static var paths: [(String, JSONValue)] {
        var p: [(String, JSONValue)] = [
            ("/api/v1/articles", get(operation(
                "listArticles", "Articles, newest first, filtered and paginated", tag: "articles",
                parameters: articleListParameters,
                responses: [json("A page of article summaries", ref("ArticleList"), headers: listHeaders), notModified, badRequest,
                            problem(503, "Search (`q`) is not available")]))),
            ("/api/v1/articles/{slug}", get(operation(
                "getArticle", "One article: summary fields plus html, text and related", tag: "articles",
                parameters: [param("slug"), param("article_fields")],
                responses: [
                    ok("The article as JSON, or as schema.org NewsArticle JSON-LD with `Accept: application/ld+json`",
                       [("application/json", ref("ArticleResponse")), ("application/ld+json", ref("NewsArticle"))]),
                    ("301", ["description": "A renamed article's old slug: `Location` names the new one",
                             "headers": ["Location": header("The article's current URL", required: true)],
                             "content": ["application/problem+json": ["schema": ref("Problem")]]]),
                    notModified, badRequest, notFound("No article with this slug"), notAcceptable,
                ]))),
            ("/api/v1/articles/{slug}/related", get(operation(
                "listRelatedArticles", "Articles sharing authors or tags, ranked", tag: "articles",
                parameters: [param("slug"), param("limit")],
                responses: [json("Related article summaries", ref("RelatedList")), notModified, badRequest,
                            notFound("No article with this slug")]))),
            ("/api/v1/authors", get(operation(
                "listAuthors", "All authors with article counts", tag: "authors",
                parameters: [param("page"), param("per_page")],
                responses: [json("A page of author cards", ref("AuthorList"), headers: listHeaders), notModified, badRequest]))),
            ("/api/v1/authors/{slug}", get(operation(
                "getAuthor", "An author's contact card", tag: "authors",
                parameters: [param("slug")],
                responses: [
                    ok("The card as JSON, vCard 4.0 (`Accept: text/vcard`) or schema.org Person JSON-LD (`Accept: application/ld+json`)",
                       [("application/json", ref("AuthorResponse")), ("text/vcard", ref("VCard")), ("application/ld+json", ref("Person"))]),
                    notModified, badRequest, notFound("No author with this slug"), notAcceptable,
                ]))),
            ("/api/v1/authors/{slug}.vcf", get(operation(
                "getAuthorVCard", "An author's contact card as vCard 4.0 (RFC 6350)", tag: "authors",
                parameters: [param("slug")],
                responses: [ok("The vCard", [("text/vcard", ref("VCard"))]), notModified, badRequest,
                            notFound("No author with this slug")]))),
            ("/api/v1/authors/{slug}/articles", get(operation(
                "listAuthorArticles", "An author's articles, newest first", tag: "authors",
                parameters: [param("slug")] + articleListParameters.filter { $0["$ref"].map { if case .string(let s) = $0 { s.hasSuffix("/author") } else { false } } != true },
                responses: [json("A page of article summaries", ref("ArticleList"), headers: listHeaders), notModified, badRequest,
                            notFound("No author with this slug"), problem(503, "Search (`q`) is not available")]))),
            ("/api/v1/tags", get(operation(
                "listTags", "All tags with article counts", tag: "tags",
                responses: [json("The tags", ref("TagList")), notModified, badRequest]))),
            ("/api/v1/tags/{slug}", get(operation(
                "getTag", "One tag with its newest articles", tag: "tags",
                parameters: [param("slug")],
                responses: [json("The tag", ref("TagResponse")), notModified, badRequest, notFound("No tag with this slug")]))),
            ("/api/v1/site", get(operation(
                "getSite", "The publication", tag: "site",
                responses: [json("The site", ref("SiteResponse")), notModified, badRequest]))),
            ("/api/v1/search", get(operation(
                "search", "Full-text search, ranked, with snippets", tag: "articles",
                parameters: [param("q_required"), param("page"), param("per_page"), param("cursor"), param("list_fields")],
                responses: [json("A page of search hits", ref("SearchList"), headers: listHeaders), notModified, badRequest,
                            problem(503, "Search is not available")]))),
            ("/api/v1/openapi.json", get(operation(
                "getOpenAPI", "This document", tag: "meta",
                responses: [json("The OpenAPI 3.1 document", ["type": "object"]), notModified, badRequest]))),
            ("/healthz", get(operation(
                "healthz", "Liveness", tag: "meta",
                responses: [("200", ["description": "Alive", "content": ["application/json": ["schema": ref("Status")]]])]))),
            ("/metrics", get(operation(
                "metrics", "Prometheus metrics: requests by route and status, latency, connections, snapshot, articles", tag: "meta",
                responses: [("200", ["description": "Prometheus text exposition format 0.0.4",
                                     "content": ["text/plain": ["schema": ["type": "string"]]]])]))),
            ("/readyz", get(operation(
                "readyz", "Readiness: content loaded and not draining", tag: "meta",
                responses: [("200", ["description": "Ready", "content": ["application/json": ["schema": ref("Status")]]]),
                            problem(503, "Starting or draining")]))),
        ]
        for (scope, prefix, extra) in [("site", "", [JSONValue]()), ("author", "/api/v1/authors/{slug}", [param("slug")]),
                                       ("tag", "/api/v1/tags/{slug}", [param("slug")])] {
            for format in FeedFormat.allCases {
                let name: String, schema: JSONValue
                switch format {
                case .json: (name, schema) = ("JSON Feed 1.1", ref("JSONFeed"))
                case .atom: (name, schema) = ("Atom 1.0 (RFC 4287) with RFC 5005 paging links", string)
                case .rss: (name, schema) = ("RSS 2.0", string)
                }
                var responses = [ok("\(name) of the newest 50 articles (older with `page`)", [(format.mediaType, schema)],
                                    headers: cacheHeaders + [("Link", header("first, prev, next, last pages of this feed", required: true))]),
                                 notModified, badRequest]
                responses.append(notFound(scope == "site" ? "`page` is past the last page" : "No \(scope) with this slug, or `page` is past the last page"))
                let suffix = format == .json ? "JSON" : format == .atom ? "Atom" : "RSS"
                p.append((prefix + "/" + format.fileName, get(operation(
                    scope + "Feed" + suffix, "\(name) feed of the \(scope == "site" ? "site" : scope)'s articles", tag: "feeds",
                    parameters: extra + [param("feed_page")], responses: responses))))
            }
        }
        return p
    }

    static var parameters: [(String, JSONValue)] {
        func query(_ name: String, _ description: String, _ schema: JSONValue, required: Bool = false, explode: Bool = false) -> JSONValue {
            var p: JSONValue = ["name": .string(name), "in": "query", "description": .string(description), "required": .bool(required),
                                "schema": schema]
            if explode { p.set("style", "form"); p.set("explode", true) }
            return p
        }
        let slug: JSONValue = ["type": "string", "pattern": .string(slugPattern), "minLength": 1, "maxLength": 120]
        let listFields: [JSONValue] = ArticleFields.names.filter { ArticleFields.summary.union(.body).contains($0.1) }.map { .string($0.0) }
        let allFields: [JSONValue] = ArticleFields.names.map { .string($0.0) }
        return [
            ("slug", ["name": "slug", "in": "path", "required": true, "description": "Slug: lowercase letters, digits, single hyphens",
                      "schema": slug]),
            ("page", query("page", "Page number (offset pagination); not with `cursor`", ["type": "integer", "minimum": 1, "maximum": 1_000_000])),
            ("per_page", query("per_page", "Items per page", ["type": "integer", "minimum": 1, "maximum": 100, "default": 20])),
            ("cursor", query("cursor", "Opaque keyset cursor from `meta.pagination.next_cursor`; not with `page`", string)),
            ("author", query("author", "Author slugs (repeat or comma list): any of", array(slug), explode: true)),
            ("tag", query("tag", "Tag slugs (repeat or comma list): any of", array(slug), explode: true)),
            ("q", query("q", "Full-text query (words, \"phrases\", prefix*), at most 256 bytes", ["type": "string", "minLength": 1])),
            ("q_required", query("q", "Full-text query (words, \"phrases\", prefix*), at most 256 bytes", ["type": "string", "minLength": 1],
                                 required: true)),
            ("since", query("since", "Published at or after: RFC 3339 date or date-time", string)),
            ("until", query("until", "Published at or before: RFC 3339 date or date-time (a date includes the whole day)", string)),
            ("sort", query("sort", "Order; `relevance` needs `q`",
                           ["type": "string", "enum": ["-published_at", "published_at", "title", "-title", "relevance"]])),
            ("list_fields", query("fields", "Top-level article fields to return (repeat or comma list)",
                                  ["type": "array", "items": ["type": "string", "enum": .array(listFields)], "minItems": 1], explode: true)),
            ("article_fields", query("fields", "Top-level article fields to return (repeat or comma list)",
                                     ["type": "array", "items": ["type": "string", "enum": .array(allFields)], "minItems": 1], explode: true)),
            ("include", query("include", "`body` adds `html` and `text` to list items",
                              ["type": "array", "items": ["type": "string", "enum": ["body"]]], explode: true)),
            ("limit", query("limit", "How many related articles", ["type": "integer", "minimum": 1, "maximum": 50, "default": 5])),
            ("feed_page", query("page", "Feed page (50 entries each); past the last page is a 404",
                                ["type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1])),
        ]
    }

    static var schemas: [(String, JSONValue)] {
        let authorRef = object([("slug", string), ("name", string), ("url", string)])
        let tagRef = object([("slug", string), ("name", string)])
        let summaryProperties: [(String, JSONValue)] = [
            ("id", integer), ("slug", string), ("title", string), ("excerpt", string),
            ("published_at", ["type": "string", "format": "date-time"]), ("updated_at", ["type": "string", "format": "date-time"]),
            ("reading_time_minutes", integer), ("word_count", integer), ("language", string), ("canonical_url", nullableString),
            ("url", string), ("authors", array(ref("AuthorRef"))), ("tags", array(ref("TagRef"))),
            ("html", string), ("text", string),
        ]
        let summary = object(summaryProperties, required: [])
        let full = object(summaryProperties + [("related", array(ref("ArticleSummary")))], required: [])
        let hit = object(summaryProperties + [("snippet", string), ("score", ["type": "number"])], required: ["snippet", "score"])
        let pagination = object([("page", nullableInteger), ("per_page", integer), ("total", integer), ("pages", integer),
                                 ("next", nullableInteger), ("prev", nullableInteger), ("next_cursor", nullableString)])
        let cardProperties: [(String, JSONValue)] = [
            ("slug", string), ("name", string), ("role", nullableString), ("organization", nullableString),
            ("email", nullableString), ("phone", nullableString), ("phone_e164", nullableString), ("bio", nullableString),
            ("image_url", nullableString), ("links", array(object([("rel", string), ("url", string)]))),
            ("article_count", integer), ("url", string),
        ]
        let tag = object([("slug", string), ("name", string), ("article_count", integer), ("url", string)])
        let site = object([("name", string), ("url", string), ("description", string), ("language", string),
                           ("contact", object([("email", nullableString), ("phone", nullableString), ("address", nullableString)])),
                           ("article_count", integer)])
        let problem = object([("type", string), ("title", string), ("status", integer), ("detail", string), ("instance", string),
                              ("errors", array(["type": "object", "properties": ["parameter": string, "field": string, "message": string],
                                                "required": ["message"]]))],
                             required: ["type", "title", "status", "detail"], closed: false)
        let feedAuthor = object([("name", string), ("url", string)], required: ["name"], closed: false)
        let feedItem = object([("id", string), ("url", string), ("external_url", string), ("title", string),
                               ("content_html", string), ("summary", string), ("date_published", string), ("date_modified", string),
                               ("authors", array(feedAuthor)), ("tags", array(string)), ("language", string)],
                              required: ["id", "content_html"], closed: false)
        let jsonFeed = object([("version", ["const": "https://jsonfeed.org/version/1.1"]), ("title", string), ("home_page_url", string),
                               ("feed_url", string), ("description", string), ("next_url", string), ("language", string),
                               ("authors", array(feedAuthor)), ("items", array(feedItem))],
                              required: ["version", "title", "items"], closed: false)
        let organization = object([("@type", ["const": "Organization"]), ("name", string)], required: ["@type", "name"], closed: false)
        let person = object([("@context", string), ("@type", ["const": "Person"]), ("@id", string), ("name", string),
                             ("worksFor", ref("Organization"))], required: ["@type", "name"], closed: false)
        let newsArticle = object([("@context", ["const": "https://schema.org"]), ("@type", ["const": "NewsArticle"]), ("headline", string),
                                  ("datePublished", string), ("dateModified", string), ("author", array(ref("Person"))),
                                  ("publisher", ref("Organization"))],
                                 required: ["@context", "@type", "headline", "author", "publisher"], closed: false)
        return [
            ("AuthorRef", authorRef), ("TagRef", tagRef), ("ArticleSummary", summary), ("Article", full), ("SearchHit", hit),
            ("Pagination", pagination),
            ("ListMeta", object([("pagination", ref("Pagination"))])),
            ("ArticleList", object([("data", array(ref("ArticleSummary"))), ("meta", ref("ListMeta"))])),
            ("SearchList", object([("data", array(ref("SearchHit"))), ("meta", ref("ListMeta"))])),
            ("RelatedList", object([("data", array(ref("ArticleSummary"))),
                                    ("meta", object([("article", string), ("limit", integer), ("count", integer)]))])),
            ("ArticleResponse", object([("data", ref("Article"))])),
            ("AuthorCard", object(cardProperties)),
            ("AuthorCardWithLatest", object(cardProperties + [("latest_articles", array(ref("ArticleSummary")))])),
            ("AuthorList", object([("data", array(ref("AuthorCard"))), ("meta", ref("ListMeta"))])),
            ("AuthorResponse", object([("data", ref("AuthorCardWithLatest"))])),
            ("Tag", tag),
            ("TagDetail", object([("slug", string), ("name", string), ("article_count", integer), ("url", string),
                                  ("latest_articles", array(ref("ArticleSummary")))])),
            ("TagList", object([("data", array(ref("Tag"))), ("meta", object([("total", integer)]))])),
            ("TagResponse", object([("data", ref("TagDetail"))])),
            ("Site", site), ("SiteResponse", object([("data", ref("Site"))])),
            ("Problem", problem),
            ("Status", object([("status", string)])),
            ("JSONFeed", jsonFeed),
            ("VCard", ["type": "string", "description": "vCard 4.0 (RFC 6350): CRLF lines folded at 75 octets"]),
            ("Organization", organization), ("Person", person), ("NewsArticle", newsArticle),
        ]
    }

    static var document: JSONValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Folio API",
                "version": "1",
                "description": "Read API of Folio: articles, authors, tags, the site, search, feeds and contact cards. Every GET also answers HEAD; unknown query parameters are a 400; errors are RFC 9457 problem details.",
            ],
            "tags": [["name": "articles"], ["name": "authors"], ["name": "tags"], ["name": "site"], ["name": "feeds"], ["name": "meta"]],
            "paths": .object(paths),
            "components": ["parameters": .object(parameters), "schemas": .object(schemas)],
        ]
    }
}

extension FolioApp {
    /// GET /api/v1/openapi.json.
    func openAPI(_ request: HTTPRequest) -> HTTPResponse {
        cached(request) { _ throws(APIError) in
            try QueryParameters(raw: request.queryBytes).requireOnly([])
            return Built(body: OpenAPIDocument.bytes, lastModified: nil)
        }
    }
}
