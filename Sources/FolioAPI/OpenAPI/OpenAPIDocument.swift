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

    static func ref(_ name: String) -> JSONTree { ["$ref": .string("#/components/schemas/" + name)] }
    static func param(_ name: String) -> JSONTree { ["$ref": .string("#/components/parameters/" + name)] }
    static let string: JSONTree = ["type": "string"]
    static let nullableString: JSONTree = ["type": ["string", "null"]]
    static let integer: JSONTree = ["type": "integer"]
    static let nullableInteger: JSONTree = ["type": ["integer", "null"]]

    static func object(_ properties: [(String, JSONTree)], required: [String]? = nil, closed: Bool = true) -> JSONTree {
        var o: JSONTree = ["type": "object", "properties": .object(properties)]
        o.set("required", .array((required ?? properties.map(\.0)).map { .string($0) }))
        if closed { o.set("additionalProperties", false) }
        return o
    }

    static func array(_ items: JSONTree) -> JSONTree { ["type": "array", "items": items] }

    /// `schema` with a description (OpenAPI 3.1 schemas are JSON Schema 2020-12, where a
    /// description may stand beside `$ref`).
    static func d(_ schema: JSONTree, _ description: String) -> JSONTree {
        var s = schema
        s.set("description", .string(description))
        return s
    }

    static let dateTime: JSONTree = ["type": "string", "format": "date-time"]

    static func header(_ description: String, required: Bool = false) -> JSONTree {
        ["description": .string(description), "required": .bool(required), "schema": ["type": "string"]]
    }

    static let cacheHeaders: [(String, JSONTree)] = [
        ("ETag", header("Strong validator of this representation", required: true)),
        ("Cache-Control", header("Caching policy (default `public, max-age=60, stale-while-revalidate=300`)", required: true)),
        ("Vary", header("`Accept-Encoding` (plus `Accept` where content negotiation applies)", required: true)),
        ("Last-Modified", header("Newest `updated_at` of the content in the response")),
    ]
    static let listHeaders: [(String, JSONTree)] = cacheHeaders + [
        ("Link", header("RFC 8288 links: first, prev, next, last", required: true)),
        ("X-Total-Count", header("Number of items over all pages", required: true)),
    ]

    /// A 200 with one or more media types.
    static func ok(_ description: String, _ content: [(String, JSONTree)], headers: [(String, JSONTree)] = cacheHeaders) -> (String, JSONTree) {
        ("200", ["description": .string(description), "headers": .object(headers),
                 "content": .object(content.map { ($0.0, ["schema": $0.1]) })])
    }

    static func json(_ description: String, _ schema: JSONTree, headers: [(String, JSONTree)] = cacheHeaders) -> (String, JSONTree) {
        ok(description, [("application/json", schema)], headers: headers)
    }

    static let notModified: (String, JSONTree) =
        ("304", ["description": "Not modified: `If-None-Match` or `If-Modified-Since` matched; no body"])

    static func problem(_ status: Int, _ description: String) -> (String, JSONTree) {
        (String(status), ["description": .string(description), "content": ["application/problem+json": ["schema": ref("Problem")]]])
    }

    static let badRequest = problem(400, "Bad parameter (unknown, malformed or out of range), RFC 9457 problem with `errors`")
    static func notFound(_ what: String) -> (String, JSONTree) { problem(404, what) }
    static let notAcceptable = problem(406, "`Accept` names no representation this resource has")

    static func operation(_ id: String, _ summary: String, tag: String, parameters: [JSONTree] = [],
                          responses: [(String, JSONTree)], description: String? = nil) -> JSONTree {
        var op: JSONTree = ["operationId": .string(id), "summary": .string(summary), "tags": [.string(tag)]]
        if let description { op.set("description", .string(description)) }
        if !parameters.isEmpty { op.set("parameters", .array(parameters)) }
        // Any route: the HTTP layer refuses a request line over its limit before routing.
        op.set("responses", .object(responses + [problem(414, "Request target longer than the server's limit")]))
        return op
    }

    static func get(_ op: JSONTree) -> JSONTree { ["get": op] }

    // MARK: the document

    static let articleListParameters: [JSONTree] = [
        param("page"), param("per_page"), param("cursor"), param("author"), param("tag"), param("q"), param("since"),
        param("until"), param("sort"), param("list_fields"), param("include"), param("status"),
    ]

    static var paths: [(String, JSONTree)] {
        var p: [(String, JSONTree)] = [
            ("/api/v1/articles", get(operation(
                "listArticles", "Articles, newest first, filtered and paginated", tag: "articles",
                parameters: articleListParameters,
                responses: [json("A page of article summaries", ref("ArticleList"), headers: listHeaders), notModified, badRequest,
                            problem(401, "`status` without a bearer token"), problem(503, "Search (`q`) is not available")],
                description: "Article summaries, newest first by default. Filters combine with AND between parameters and OR "
                    + "within one (`tag=a,b`: tagged a or b); an unknown author or tag slug is a 400. Offset pagination with "
                    + "`page`, or keyset pagination with `cursor` (from `meta.pagination.next_cursor`), never both. "
                    + "`Link` (first, prev, next, last) and `X-Total-Count` come with every page.")),
            ),
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
                ],
                description: "The article's summary fields plus `html` (the sanitised body), `text` (plain text) and `related` "
                    + "(the first five related articles). `Accept: application/ld+json` returns a schema.org NewsArticle "
                    + "instead. A renamed article's old slug answers 301 with the new location.")),
            ),
            ("/api/v1/articles/{slug}/related", get(operation(
                "listRelatedArticles", "Articles sharing authors or tags, ranked", tag: "articles",
                parameters: [param("slug"), param("limit")],
                responses: [json("Related article summaries", ref("RelatedList")), notModified, badRequest,
                            notFound("No article with this slug")],
                description: "Other articles sharing an author or a tag with this one, never the article itself: ranked by "
                    + "shared authors (weighing most), then shared tags, then recency.")),
            ),
            ("/api/v1/authors", get(operation(
                "listAuthors", "All authors with article counts", tag: "authors",
                parameters: [param("page"), param("per_page")],
                responses: [json("A page of author cards", ref("AuthorList"), headers: listHeaders), notModified, badRequest],
                description: "Every author's contact card (without `latest_articles`), by slug, with offset pagination.")),
            ),
            ("/api/v1/authors/{slug}", get(operation(
                "getAuthor", "An author's contact card", tag: "authors",
                parameters: [param("slug")],
                responses: [
                    ok("The card as JSON, vCard 4.0 (`Accept: text/vcard`) or schema.org Person JSON-LD (`Accept: application/ld+json`)",
                       [("application/json", ref("AuthorResponse")), ("text/vcard", ref("VCard")), ("application/ld+json", ref("Person"))]),
                    notModified, badRequest, notFound("No author with this slug"), notAcceptable,
                ],
                description: "The contact card with the author's five newest articles. By `Accept`: JSON (the default), "
                    + "vCard 4.0 (`text/vcard`) or schema.org Person JSON-LD (`application/ld+json`); 406 when `Accept` "
                    + "rules out all three.")),
            ),
            ("/api/v1/authors/{slug}.vcf", get(operation(
                "getAuthorVCard", "An author's contact card as vCard 4.0 (RFC 6350)", tag: "authors",
                parameters: [param("slug")],
                responses: [ok("The vCard", [("text/vcard", ref("VCard"))]), notModified, badRequest,
                            notFound("No author with this slug")],
                description: "The contact card as vCard 4.0 whatever the `Accept` header: a plain URL for address books "
                    + "and download links. The telephone is a `tel:` URI in E.164 when it has a country code.")),
            ),
            ("/api/v1/authors/{slug}/articles", get(operation(
                "listAuthorArticles", "An author's articles, newest first", tag: "authors",
                parameters: [param("slug")] + articleListParameters.filter { $0["$ref"].map { if case .string(let s) = $0 { s.hasSuffix("/author") } else { false } } != true },
                responses: [json("A page of article summaries", ref("ArticleList"), headers: listHeaders), notModified, badRequest,
                            notFound("No author with this slug"), problem(503, "Search (`q`) is not available")],
                description: "The author's articles, newest first, with every parameter of `/api/v1/articles` except `author`.")),
            ),
            ("/api/v1/tags", get(operation(
                "listTags", "All tags with article counts", tag: "tags",
                responses: [json("The tags", ref("TagList")), notModified, badRequest],
                description: "Every tag by slug with its article count; not paginated (`meta.total` is the number of tags).")),
            ),
            ("/api/v1/tags/{slug}", get(operation(
                "getTag", "One tag with its newest articles", tag: "tags",
                parameters: [param("slug")],
                responses: [json("The tag", ref("TagResponse")), notModified, badRequest, notFound("No tag with this slug")],
                description: "The tag, its article count and its five newest article summaries.")),
            ),
            ("/api/v1/site", get(operation(
                "getSite", "The publication", tag: "site",
                responses: [json("The site", ref("SiteResponse")), notModified, badRequest],
                description: "The publication's name, home page, description, language, contact details and article count.")),
            ),
            ("/api/v1/search", get(operation(
                "search", "Full-text search, ranked, with snippets", tag: "articles",
                parameters: [param("q_required"), param("page"), param("per_page"), param("cursor"), param("list_fields")],
                responses: [json("A page of search hits", ref("SearchList"), headers: listHeaders), notModified, badRequest,
                            problem(503, "Search is not available")],
                description: "Articles matching `q` over titles, excerpts and text, best match first, each with a `snippet` "
                    + "(plain text, matched words in `<mark>`) and a `score`. Words must all match; \"phrases\" and prefix* "
                    + "are supported; FTS5 operators, parentheses and column filters are refused with a 400.")),
            ),
            ("/api/v1/openapi.json", get(operation(
                "getOpenAPI", "This document", tag: "meta",
                responses: [json("The OpenAPI 3.1 document", ["type": "object"]), notModified, badRequest],
                description: "The OpenAPI 3.1 description of every route, parameter, status, header and schema of this server.")),
            ),
            ("/healthz", get(operation(
                "healthz", "Liveness", tag: "meta",
                responses: [("200", ["description": "Alive", "content": ["application/json": ["schema": ref("Status")]]])],
                description: "200 `{\"status\":\"ok\"}` while the process runs. Not cached, no validators.")),
            ),
            ("/metrics", get(operation(
                "metrics", "Prometheus metrics: requests by route and status, latency, connections, snapshot, articles", tag: "meta",
                responses: [("200", ["description": "Prometheus text exposition format 0.0.4",
                                     "content": ["text/plain": ["schema": ["type": "string"]]]])],
                description: "Counters and gauges prefixed `folio_`: requests by route pattern and status class, a latency "
                    + "histogram per route, open and accepted connections, bytes sent, timeouts, parse errors, the snapshot "
                    + "generation, articles loaded, response cache use, resident memory and uptime. `Cache-Control: no-store`.")),
            ),
            ("/readyz", get(operation(
                "readyz", "Readiness: content loaded and not draining", tag: "meta",
                responses: [("200", ["description": "Ready", "content": ["application/json": ["schema": ref("Status")]]]),
                            problem(503, "Starting or draining")],
                description: "200 `{\"status\":\"ready\"}` once content is loaded; 503 (with `Retry-After: 1`) while starting "
                    + "or draining after SIGTERM, so a load balancer stops sending requests.")),
            ),
        ]
        for (scope, prefix, extra) in [("site", "", [JSONTree]()), ("author", "/api/v1/authors/{slug}", [param("slug")]),
                                       ("tag", "/api/v1/tags/{slug}", [param("slug")])] {
            for format in FeedFormat.allCases {
                let name: String, schema: JSONTree
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
                let whose = scope == "site" ? "every article" : scope == "author" ? "the author's articles" : "the tag's articles"
                p.append((prefix + "/" + format.fileName, get(operation(
                    scope + "Feed" + suffix, "\(name) feed of the \(scope == "site" ? "site" : scope)'s articles", tag: "feeds",
                    parameters: extra + [param("feed_page")], responses: responses,
                    description: "\(name) of \(whose), newest first, 50 entries a page with full HTML bodies; older pages "
                        + "with `page`, linked from the `Link` header and the feed itself. Entry ids are `tag:` URIs made of "
                        + "the site's host, the first publication date and the article id, so they survive renames."))))
            }
        }
        return p
    }

    static var parameters: [(String, JSONTree)] {
        func query(_ name: String, _ description: String, _ schema: JSONTree, required: Bool = false, explode: Bool = false) -> JSONTree {
            var p: JSONTree = ["name": .string(name), "in": "query", "description": .string(description), "required": .bool(required),
                                "schema": schema]
            if explode { p.set("style", "form"); p.set("explode", true) }
            return p
        }
        let slug: JSONTree = ["type": "string", "pattern": .string(slugPattern), "minLength": 1, "maxLength": 120]
        let listFields: [JSONTree] = ArticleFields.names.filter { ArticleFields.summary.union(.body).contains($0.1) }.map { .string($0.0) }
        let allFields: [JSONTree] = ArticleFields.names.map { .string($0.0) }
        return [
            ("slug", ["name": "slug", "in": "path", "required": true, "description": "Slug: lowercase letters, digits, single hyphens",
                      "schema": slug]),
            ("revision", ["name": "revision", "in": "path", "required": true, "description": "A revision number",
                          "schema": ["type": "integer", "minimum": 1]]),
            ("page", query("page", "Page number (offset pagination); not with `cursor`", ["type": "integer", "minimum": 1, "maximum": 1_000_000])),
            ("per_page", query("per_page", "Items per page", ["type": "integer", "minimum": 1, "maximum": 100, "default": 20])),
            ("status", query("status", "With a bearer token only: list drafts, scheduled or published articles (or all), each "
                             + "with `status` and `revision`, newest `published_at` first, `Cache-Control: private, no-store`; "
                             + "takes only `page` and `per_page` beside it",
                             ["type": "string", "enum": ["draft", "scheduled", "published", "all"]])),
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

    static var schemas: [(String, JSONTree)] {
        let authorRef = d(object([("slug", d(string, "The author's slug")), ("name", d(string, "Display name")),
                                  ("url", d(string, "The author's card on this API (a path)"))]),
                          "An author as named on an article")
        let tagRef = d(object([("slug", d(string, "The tag's slug")), ("name", d(string, "Display name"))]),
                       "A tag as named on an article")
        let summaryProperties: [(String, JSONTree)] = [
            ("id", d(integer, "Store id; stable when the slug changes")),
            ("slug", d(string, "The article's current slug")),
            ("title", d(string, "Headline")),
            ("excerpt", d(string, "The given excerpt, or the first ~200 characters of the text, ending in … when cut")),
            ("published_at", d(dateTime, "Publication time, RFC 3339 with the offset it was published with")),
            ("updated_at", d(dateTime, "Last change, RFC 3339; not before `published_at`")),
            ("reading_time_minutes", d(integer, "Words / 230, rounded up, at least 1")),
            ("word_count", d(integer, "Words in the plain text")),
            ("language", d(string, "Language tag (`en`, `pt-BR`)")),
            ("canonical_url", d(nullableString, "Where the article was first published, or null")),
            ("url", d(string, "This article on this API (a path)")),
            ("authors", d(array(ref("AuthorRef")), "Authors in byline order")),
            ("tags", d(array(ref("TagRef")), "Tags in the article's order")),
            ("html", d(string, "The body as sanitised HTML (single articles; lists with `include=body` or `fields`)")),
            ("text", d(string, "The body as plain text (single articles; lists with `include=body` or `fields`)")),
        ]
        let summary = d(object(summaryProperties, required: []),
                        "An article's summary fields, or the ones `fields` names; `html` and `text` only when asked for")
        let full = d(object(summaryProperties + [("related", d(array(ref("ArticleSummary")),
                                                                "The first five related articles, as summaries")),
                                                 ("revision", d(integer, "Bumped by every write; shown only to a request with a token (for If-Match)")),
                                                 ("status", d(["type": "string", "enum": ["draft", "scheduled", "published"]],
                                                              "Shown only to a request with a token; public routes show published articles only"))],
                            required: []),
                     "A whole article: the summary fields, `html`, `text` and `related` (or the ones `fields` names)")
        let hit = d(object(summaryProperties + [
            ("snippet", d(string, "The best-matching passage as plain text, matched words in `<mark>…</mark>`")),
            ("score", d(["type": "number"], "Relevance, higher is better; orders the hits, not comparable across queries")),
        ], required: ["snippet", "score"]), "A search hit: article summary fields plus snippet and score")
        let pagination = d(object([
            ("page", d(nullableInteger, "This page's number; null in cursor mode")),
            ("per_page", d(integer, "Items per page")),
            ("total", d(integer, "Items over all pages (also `X-Total-Count`)")),
            ("pages", d(integer, "Number of pages")),
            ("next", d(nullableInteger, "The next page's number, or null")),
            ("prev", d(nullableInteger, "The previous page's number, or null")),
            ("next_cursor", d(nullableString, "Cursor for the items after this page (pass as `cursor`), or null at the end")),
        ]), "Where this page is in the list")
        let link = d(object([("rel", d(string, "What the page is (`website`, `mastodon`)")), ("url", d(string, "An http(s) URL"))]),
                     "One of the author's other pages")
        let cardProperties: [(String, JSONTree)] = [
            ("slug", d(string, "The author's slug")),
            ("name", d(string, "Display name; the last word is the family name in vCards and JSON-LD")),
            ("role", d(nullableString, "Job title")),
            ("organization", d(nullableString, "Employer")),
            ("email", d(nullableString, "E-mail address")),
            ("phone", d(nullableString, "Telephone number as published")),
            ("phone_e164", d(nullableString, "The telephone number in E.164 (`+994125968239`), for `tel:` links; null without a country code")),
            ("bio", d(nullableString, "Short biography, plain text")),
            ("image_url", d(nullableString, "Portrait, an http(s) URL")),
            ("links", d(array(link), "The author's other pages")),
            ("article_count", d(integer, "Number of the author's articles")),
            ("url", d(string, "This card on this API (a path)")),
        ]
        let tag = d(object([("slug", d(string, "The tag's slug")), ("name", d(string, "Display name")),
                            ("article_count", d(integer, "Number of articles with this tag")),
                            ("url", d(string, "The article list filtered by this tag (a path)"))]),
                    "A tag with its article count")
        let contact = d(object([("email", d(nullableString, "E-mail address")),
                                ("phone", d(nullableString, "Telephone number as published")),
                                ("address", d(nullableString, "Postal address"))]),
                        "How to reach the publication")
        let site = d(object([("name", d(string, "The publication's name")), ("url", d(string, "Its home page")),
                             ("description", d(string, "One sentence about it; may be empty")),
                             ("language", d(string, "Its language tag")), ("contact", contact),
                             ("article_count", d(integer, "Number of articles"))]),
                     "The publication")
        let problemItem: JSONTree = d(["type": "object",
                                        "properties": ["parameter": d(string, "The query parameter concerned (a 400)"),
                                                       "field": d(string, "The field concerned"),
                                                       "message": d(string, "What is wrong with it (with `parameter`)"),
                                                       "pointer": d(string, "JSON Pointer into the request body (a 422)"),
                                                       "detail": d(string, "What is wrong there (with `pointer`)")]],
                                      "One problem: a query parameter's (`parameter`, `message`) or a body's (`pointer`, `detail`)")
        let problem = d(object([
            ("type", d(string, "`about:blank`: the status says what kind of problem it is")),
            ("title", d(string, "The status's reason phrase")),
            ("status", d(integer, "The HTTP status code")),
            ("detail", d(string, "What went wrong, naming the parameter or slug")),
            ("instance", d(string, "The request path")),
            ("errors", d(array(problemItem), "Every problem of a 400 (per parameter) or a 422 (per JSON Pointer)")),
        ], required: ["type", "title", "status", "detail"], closed: false), "An RFC 9457 problem (`application/problem+json`)")
        let feedAuthor = d(object([("name", d(string, "Name")), ("url", d(string, "Web page, or the author's card on this API"))],
                                  required: ["name"], closed: false), "A JSON Feed author")
        let feedItem = d(object([
            ("id", d(string, "`tag:` URI (RFC 4151) from the site's host, the first publication date and the article id")),
            ("url", d(string, "The article's web page (`article_url`), or its canonical URL, or its URL on this API")),
            ("_folio", d(object([("api_url", d(string, "The article on this API (its JSON)"))], required: ["api_url"], closed: false),
                         "JSON Feed extension: where an API client finds the article")),
            ("title", d(string, "Headline")), ("content_html", d(string, "The whole body as HTML")),
            ("summary", d(string, "The excerpt")), ("date_published", d(string, "RFC 3339")),
            ("date_modified", d(string, "RFC 3339")), ("authors", d(array(feedAuthor), "Authors in byline order")),
            ("tags", d(array(string), "Tag names")), ("language", d(string, "Language tag")),
        ], required: ["id", "content_html"], closed: false), "One article in a JSON Feed")
        let jsonFeed = d(object([
            ("version", d(["const": "https://jsonfeed.org/version/1.1"], "JSON Feed version")),
            ("title", d(string, "The site's name, or \"Name — Site\" for an author's or tag's feed")),
            ("home_page_url", d(string, "The site, or the author's or tag's page")),
            ("feed_url", d(string, "This feed page's absolute URL")),
            ("description", d(string, "What the feed holds")),
            ("next_url", d(string, "The next (older) page, when there is one")),
            ("language", d(string, "The site's language tag")),
            ("authors", d(array(feedAuthor), "The publication")),
            ("items", d(array(feedItem), "Up to 50 articles, newest first")),
        ], required: ["version", "title", "items"], closed: false), "A JSON Feed 1.1 page")
        let organization = d(object([("@type", d(["const": "Organization"], "schema.org type")),
                                     ("name", d(string, "The organisation's name"))],
                                    required: ["@type", "name"], closed: false),
                             "schema.org Organization: the publication (with url, email, telephone) or an author's employer")
        let person = d(object([("@context", d(string, "`https://schema.org` (top level only)")),
                               ("@type", d(["const": "Person"], "schema.org type")),
                               ("@id", d(string, "The author's card on this API, absolute")),
                               ("name", d(string, "Display name")),
                               ("worksFor", d(ref("Organization"), "The author's organisation, or the publication"))],
                              required: ["@type", "name"], closed: false),
                       "schema.org Person: the contact card as JSON-LD (also givenName, familyName, url, jobTitle, email, telephone, description, image, sameAs)")
        let newsArticle = d(object([("@context", d(["const": "https://schema.org"], "JSON-LD context")),
                                    ("@type", d(["const": "NewsArticle"], "schema.org type")),
                                    ("headline", d(string, "The title")),
                                    ("datePublished", d(string, "RFC 3339")), ("dateModified", d(string, "RFC 3339")),
                                    ("author", d(array(ref("Person")), "Authors in byline order")),
                                    ("publisher", d(ref("Organization"), "The publication"))],
                                   required: ["@context", "@type", "headline", "author", "publisher"], closed: false),
                            "schema.org NewsArticle: an article as JSON-LD (also @id, description, inLanguage, url, mainEntityOfPage, wordCount, timeRequired, keywords, articleBody)")
        func list(_ item: String, _ meta: JSONTree, _ description: String) -> JSONTree {
            d(object([("data", d(array(ref(item)), "The items of this page")), ("meta", meta)]), description)
        }
        func one(_ item: String, _ description: String) -> JSONTree {
            d(object([("data", d(ref(item), "The resource"))]), description)
        }
        let listMeta = d(ref("ListMeta"), "Pagination")
        return [
            ("AuthorRef", authorRef), ("TagRef", tagRef), ("ArticleSummary", summary), ("Article", full), ("SearchHit", hit),
            ("Pagination", pagination),
            ("ListMeta", d(object([("pagination", d(ref("Pagination"), "Where this page is in the list"))]), "List metadata")),
            ("ArticleList", list("ArticleSummary", listMeta, "A page of articles")),
            ("SearchList", list("SearchHit", listMeta, "A page of search hits")),
            ("RelatedList", list("ArticleSummary", d(object([("article", d(string, "The slug the list is related to")),
                                                             ("limit", d(integer, "The limit asked for")),
                                                             ("count", d(integer, "Items returned"))]), "About the list"),
                                 "Related articles, best first")),
            ("ArticleResponse", one("Article", "One article")),
            ("AuthorCard", d(object(cardProperties), "An author's contact card")),
            ("AuthorCardWithLatest", d(object(cardProperties + [("latest_articles", d(array(ref("ArticleSummary")),
                                                                                        "The author's five newest articles"))]),
                                       "An author's contact card with the newest articles")),
            ("AuthorList", list("AuthorCard", listMeta, "A page of authors")),
            ("AuthorResponse", one("AuthorCardWithLatest", "One author")),
            ("Tag", tag),
            ("TagDetail", d(object([("slug", d(string, "The tag's slug")), ("name", d(string, "Display name")),
                                    ("article_count", d(integer, "Number of articles with this tag")),
                                    ("url", d(string, "The article list filtered by this tag (a path)")),
                                    ("latest_articles", d(array(ref("ArticleSummary")), "The tag's five newest articles"))]),
                            "A tag with its newest articles")),
            ("TagList", list("Tag", d(object([("total", d(integer, "Number of tags"))]), "About the list"), "Every tag")),
            ("TagResponse", one("TagDetail", "One tag")),
            ("Site", site), ("SiteResponse", one("Site", "The publication")),
            ("Problem", problem),
            ("Status", d(object([("status", d(string, "`ok` (liveness) or `ready` (readiness)"))]), "A health answer")),
            ("JSONFeed", jsonFeed),
            ("VCard", ["type": "string", "description": "vCard 4.0 (RFC 6350): CRLF lines folded at 75 octets"]),
            ("Organization", organization), ("Person", person), ("NewsArticle", newsArticle),
        ]
    }

    static var document: JSONTree {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Folio API",
                "version": "1",
                "description": "Read API of Folio: articles, authors, tags, the site, search, feeds and contact cards. Every GET also answers HEAD; unknown query parameters are a 400; errors are RFC 9457 problem details. Every 200 carries a strong ETag (304 on If-None-Match), Last-Modified, Cache-Control and Vary; bodies of 1 KiB or more are gzip-compressed for clients that accept it. The reference with examples is docs/api.md in the repository.",
            ],
            "tags": [
                ["name": "articles", "description": "Article lists, single articles, related articles and search"],
                ["name": "authors", "description": "Authors' contact cards (JSON, vCard, JSON-LD) and their articles"],
                ["name": "tags", "description": "Tags with article counts"],
                ["name": "site", "description": "The publication"],
                ["name": "feeds", "description": "JSON Feed, Atom and RSS for the site, each author and each tag"],
                ["name": "meta", "description": "This document, health checks and metrics"],
                ["name": "writes", "description": "Publishing over HTTP (bearer tokens, revisions) and the changes feed"],
            ],
            "paths": .object(withWrites(paths)),
            "components": ["parameters": .object(parameters), "schemas": .object(schemas + writeSchemas),
                           "securitySchemes": ["bearerToken": ["type": "http", "scheme": "bearer",
                                                               "description": "A token from `folio token create` (scopes: content:write, content:read-drafts, admin)"]]],
        ]
    }
}

extension FolioApp {
    /// GET /api/v1/openapi.json.
    func openAPI(_ request: HTTPRequest) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) { return hit.response(for: request, policy: policy) }
        return miss(request, key: key) { _ throws(APIError) in
            try QueryParameters(raw: request.queryBytes).requireOnly([])
            return Built(body: OpenAPIDocument.bytes, lastModified: nil)
        }
    }
}
