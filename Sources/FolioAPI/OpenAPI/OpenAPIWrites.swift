/// The write routes in the OpenAPI document: bearer-token security, request bodies, and every
/// refusal a write can get.
extension OpenAPIDocument {
    static let bearer: JSONTree = [["bearerToken": []]]

    static let writeRefusals: [(String, JSONTree)] = [
        problem(400, "The body is not valid JSON (the detail gives line and column)"),
        problem(401, "No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`)"),
        problem(403, "The token's scope does not allow writes, or a plain-HTTP write from an address other than loopback"),
        problem(413, "The body is over `limits.max_body_bytes`"),
        problem(415, "The body's media type is not the one this operation takes"),
        problem(422, "The article is not valid: `errors` lists `{pointer, detail}` for every problem (JSON Pointer into the body)"),
        problem(429, "Too many failed authentications from this address (`Retry-After`)"),
        problem(503, "The store could not take the write (read-only, disk full); nothing was changed"),
    ]

    static let revisionRefusals: [(String, JSONTree)] = [
        problem(412, "`If-Match` names another revision than the current one (the problem's `revision` member has it)"),
        problem(428, "A change to an existing article needs `If-Match: \"r<revision>\"`"),
    ]

    static let ifMatch: JSONTree = [
        "name": "If-Match", "in": "header", "required": false,
        "description": "The revision the change is based on, as `\"r<revision>\"` (a write's `ETag`), or `*`",
        "schema": ["type": "string"],
    ]

    static func written(_ status: String, _ description: String) -> (String, JSONTree) {
        (status, ["description": .string(description),
                  "headers": ["ETag": header("`\"r<revision>\"`: the value for the next write's `If-Match`", required: true)],
                  "content": ["application/json": ["schema": ref("WrittenArticle")]]])
    }

    static func withSecurity(_ op: JSONTree) -> JSONTree {
        var op = op
        op.set("security", bearer)
        return op
    }

    static func writeOperation(_ id: String, _ summary: String, parameters: [JSONTree], body: (String, JSONTree)?,
                               responses: [(String, JSONTree)], description: String) -> JSONTree {
        var op = operation(id, summary, tag: "writes", parameters: parameters, responses: responses, description: description)
        op.set("security", bearer)
        if let body {
            let media: JSONTree = ["schema": body.1]
            op.set("requestBody", ["required": true, "content": .object([(body.0, media)])])
        }
        return op
    }

    /// Adds the write operations to the read paths, and the changes feed.
    static func withWrites(_ paths: [(String, JSONTree)]) -> [(String, JSONTree)] {
        var out = paths.map { entry -> (String, JSONTree) in
            var (path, item) = entry
            if path == "/api/v1/articles" {
                item.set("post", writeOperation(
                    "createArticle", "Publish an article", parameters: [], body: ("application/json", ref("ArticleInput")),
                    responses: [written("201", "Created; `Location` names the article")] + writeRefusals
                        + [problem(409, "An article with this slug exists")],
                    description: "Creates an article from JSON (`body_markdown` or `html`; authors and tags by slug; a new tag "
                        + "slug creates the tag). Committed, logged in the changes feed and visible to every reader before the 201."))
            }
            if path == "/api/v1/articles/{slug}" {
                item.set("put", writeOperation(
                    "replaceArticle", "Replace (or create) an article", parameters: [param("slug"), ifMatch],
                    body: ("application/json", ref("ArticleInput")),
                    responses: [written("200", "Replaced"), written("201", "Created")] + writeRefusals + revisionRefusals
                        + [problem(409, "The new slug belongs to another article")],
                    description: "Replaces the whole article (a missing optional field is removed). A `slug` in the body other "
                        + "than the URL's renames the article; the old slug then answers 301."))
                item.set("patch", writeOperation(
                    "updateArticle", "Change some fields of an article (JSON Merge Patch)", parameters: [param("slug"), ifMatch],
                    body: ("application/merge-patch+json", ["type": "object", "description": "RFC 7396: members replace, null removes"]),
                    responses: [written("200", "Changed")] + writeRefusals + revisionRefusals
                        + [notFound("No article with this slug"), problem(409, "The new slug belongs to another article")],
                    description: "Applies an RFC 7396 merge patch to the article as `PUT` would take it."))
                item.set("delete", writeOperation(
                    "deleteArticle", "Delete an article", parameters: [param("slug"), ifMatch], body: nil,
                    responses: [("204", ["description": "Deleted; the changes feed records it"])]
                        + writeRefusals.filter { !["400", "413", "415", "422"].contains($0.0) } + revisionRefusals
                        + [notFound("No article with this slug")],
                    description: "Deletes the article and its old slugs; later reads answer 404."))
            }
            let catalog: [(path: String, id: String, noun: String, schema: String)] = [
                ("/api/v1/authors/{slug}", "Author", "author", "AuthorInput"), ("/api/v1/tags/{slug}", "Tag", "tag", "TagInput"),
            ]
            for c in catalog where path == c.path {
                item.set("put", writeOperation(
                    "put\(c.id)", "Create or replace an \(c.noun)", parameters: [param("slug"), ifMatch],
                    body: ("application/json", ref(c.schema)),
                    responses: [("200", ["description": "Replaced"]), ("201", ["description": "Created; `Location` names it"])]
                        + writeRefusals + revisionRefusals + [problem(409, "Conflicts with what is stored")],
                    description: "Creates the \(c.noun) or replaces it whole; articles show the change at once."))
                item.set("delete", writeOperation(
                    "delete\(c.id)", "Delete an \(c.noun)", parameters: [param("slug"), ifMatch], body: nil,
                    responses: [("204", ["description": "Deleted"])]
                        + writeRefusals.filter { !["400", "413", "415", "422"].contains($0.0) } + revisionRefusals
                        + [notFound("No \(c.noun) with this slug")] + (c.noun == "author" ? [problem(409, "The author still has articles")] : []),
                    description: c.noun == "author" ? "Deletes an author who has no articles (409 otherwise)."
                        : "Deletes the tag and takes it off its articles."))
            }
            if path == "/api/v1/site" {
                item.set("put", writeOperation(
                    "putSite", "Replace the publication's details", parameters: [], body: ("application/json", ref("SiteInput")),
                    responses: [("200", ["description": "Replaced"])] + writeRefusals,
                    description: "Replaces the site record (name, url, description, language, contact)."))
            }
            return (path, item)
        }
        let editorRefusals = [problem(401, "No token, or an unknown or revoked one"), problem(429, "Too many failed authentications"),
                              notFound("No such article, or it does not keep this revision"), problem(503, "The store could not be read")]
        out.append(("/api/v1/articles/{slug}/revisions", get(withSecurity(operation(
            "listRevisions", "An article's versions, newest first", tag: "writes", parameters: [param("slug")],
            responses: [json("The current version, then the kept ones", ref("RevisionList"))] + editorRefusals,
            description: "With a token of any scope. Each write of an article keeps the version it replaces "
                + "(`editorial.revisions_kept`, default all). `Cache-Control: private, no-store`.")))))
        out.append(("/api/v1/articles/{slug}/revisions/{revision}", get(withSecurity(operation(
            "getRevision", "One version of an article, as its source fields", tag: "writes", parameters: [param("slug"), param("revision")],
            responses: [json("The version: `revision`, `status`, `title`, `revised_at`, `revised_by`, `current`, and `article` "
                             + "(the fields a PUT takes)", ["type": "object", "description": "`{data: {…, article: {…}}}`"])] + editorRefusals,
            description: "With a token of any scope; private, never cached.")))))
        out.append(("/api/v1/articles/{slug}/revisions/{revision}/restore", ["post": writeOperation(
            "restoreRevision", "Make an old version current again", parameters: [param("slug"), param("revision"), ifMatch], body: nil,
            responses: [written("200", "Restored as a new revision")] + writeRefusals.filter { !["400", "413", "415"].contains($0.0) }
                + revisionRefusals + [notFound("No such article, or it does not keep this revision")],
            description: "A new revision whose content (title, excerpt, dates, authors, tags, body) equals the old one's; the slug "
                + "and the status stay as they are. Needs `content:write`; `If-Match` as for any write.")]))
        out.append(("/api/v1/articles/{slug}/preview-links", ["post": writeOperation(
            "createPreviewLink", "A link that shows an unpublished article to whoever holds it", parameters: [param("slug")],
            body: ("application/json", ["type": "object", "description": "Optional: `{\"expires_in\": seconds}`, shorter than the default life",
                                        "properties": ["expires_in": ["type": "integer", "minimum": 1, "description": "Seconds"]]]),
            responses: [("201", ["description": "`{data: {url, article, expires_at}}`; `Location` is the link",
                                 "content": ["application/json": ["schema": ["type": "object", "description": "The link"]]]])]
                + writeRefusals
                + [notFound("No article with this slug"), problem(409, "The article is published: it needs no preview")],
            description: "Needs `content:write`. The link works without a token until it expires (`editorial.preview_days`, "
                + "default 7) or the article is published.")]))
        out.append(("/api/v1/preview/{secret}", get(operation(
            "getPreview", "An unpublished article through a preview link", tag: "writes",
            parameters: [["name": "secret", "in": "path", "required": true, "description": "The link's secret",
                          "schema": ["type": "string", "minLength": 16, "maxLength": 64]]],
            responses: [json("The article as it stands now, with `status` and `revision`", ref("WrittenArticle")),
                        notFound("No such link"), problem(410, "The link expired, or the article is published"),
                        problem(503, "The store could not be read")],
            description: "No token: the link is the secret. `Cache-Control: private, no-store`, `X-Robots-Tag: noindex`."))))
        let adminRefusals = [problem(401, "No token, or an unknown or revoked one"), problem(403, "The token's scope is not admin"),
                             problem(429, "Too many failed authentications"), problem(503, "The store could not be read or written")]
        let webhookID: JSONTree = ["name": "id", "in": "path", "required": true, "description": "The webhook's id",
                                   "schema": ["type": "integer", "minimum": 1]]
        var hooks: JSONTree = get(withSecurity(operation(
            "listWebhooks", "Webhook endpoints with their delivery counts", tag: "writes", parameters: [],
            responses: [json("`{data: [{id, url, events, created_at, pending, delivered, failed}]}`",
                             ["type": "object", "description": "The endpoints"])] + adminRefusals,
            description: "Needs the `admin` scope.")))
        hooks.set("post", writeOperation(
            "addWebhook", "Add a webhook endpoint", parameters: [],
            body: ("application/json", ["type": "object", "description": "`{url, events}`; events default to `[\"*\"]`",
                                        "required": ["url"],
                                        "properties": ["url": ["type": "string", "description": "http(s) URL"],
                                                       "events": ["type": "array", "items": ["type": "string"],
                                                                  "description": "Event names, or * for every content event"]]]),
            responses: [("201", ["description": "Added: the endpoint and its `secret` (`whsec_…`), shown only now",
                                 "content": ["application/json": ["schema": ["type": "object", "description": "The endpoint"]]]])]
                + writeRefusals,
            description: "Needs the `admin` scope. Deliveries are signed the Standard Webhooks way with the secret."))
        out.append(("/api/v1/webhooks", hooks))
        out.append(("/api/v1/webhooks/{id}", ["delete": writeOperation(
            "removeWebhook", "Remove a webhook endpoint and its deliveries", parameters: [webhookID], body: nil,
            responses: [("204", ["description": "Removed"]), notFound("No webhook with this id")] + adminRefusals,
            description: "Needs the `admin` scope.")]))
        out.append(("/api/v1/webhooks/{id}/deliveries", get(withSecurity(operation(
            "listWebhookDeliveries", "An endpoint's deliveries, newest first", tag: "writes",
            parameters: [webhookID,
                         ["name": "state", "in": "query", "required": false, "description": "pending, delivered or failed",
                          "schema": ["type": "string", "enum": ["pending", "delivered", "failed"]]],
                         ["name": "limit", "in": "query", "required": false, "description": "At most this many (1–1000, default 100)",
                          "schema": ["type": "integer", "minimum": 1, "maximum": 1000]]],
            responses: [json("`{data: [{id, webhook_id, event, seq, state, attempts, created_at, last_status, last_error, payload}]}`",
                             ["type": "object", "description": "The deliveries"]), badRequest, notFound("No webhook with this id")] + adminRefusals,
            description: "Needs the `admin` scope. `webhook_id` is the message id every attempt of a delivery carries.")))))
        out.append(("/api/v1/changes", get(operation(
            "listChanges", "What changed after a sequence number", tag: "writes",
            parameters: [["name": "since", "in": "query", "required": false, "description": "The last sequence number seen (0: from the start)",
                          "schema": ["type": "integer", "minimum": 0]],
                         ["name": "limit", "in": "query", "required": false, "description": "Changes per page, 1–1000 (default 100)",
                          "schema": ["type": "integer", "minimum": 1, "maximum": 1000]]],
            responses: [json("Changes in commit order, deletions included", ref("ChangeList")), notModified, badRequest,
                        problem(503, "The changes log could not be read")],
            description: "Every write in commit order (create, update, delete of articles, authors, tags and the site) after "
                + "`since`; ask again with `meta.next`. For search indexers, static-site builders and apps that sync."))))
        return out
    }

    static let writeSchemas: [(String, JSONTree)] = [
        ("ArticleInput", ["type": "object", "description": "An article as written: exactly one of `body_markdown` and `html`",
                          "required": ["title", "published_at", "authors"], "additionalProperties": false,
                          "properties": [
                            "slug": ["type": "string", "description": "Lowercase letters, digits and hyphens (default: the URL's)"],
                            "title": ["type": "string", "description": "Headline"],
                            "excerpt": ["type": ["string", "null"], "description": "Summary (default: the start of the text)"],
                            "published_at": ["type": "string", "description": "RFC 3339 date or date-time"],
                            "updated_at": ["type": ["string", "null"], "description": "RFC 3339 (default: published_at)"],
                            "language": ["type": ["string", "null"], "description": "BCP 47 tag (default: en)"],
                            "canonical_url": ["type": ["string", "null"], "description": "Where the article was first published"],
                            "authors": ["type": "array", "items": ["type": "string"], "description": "Author slugs in byline order"],
                            "tags": ["type": "array", "items": ["type": "string"], "description": "Tag slugs"],
                            "body_markdown": ["type": ["string", "null"], "description": "The body in Markdown"],
                            "html": ["type": ["string", "null"], "description": "The body in HTML (sanitised)"],
                            "old_slugs": ["type": "array", "items": ["type": "string"], "description": "Slugs that redirect here"],
                          ]]),
        ("AuthorInput", ["type": "object", "description": "An author as written", "required": ["name"], "additionalProperties": false,
                         "properties": [
                            "slug": ["type": "string", "description": "The URL's slug (authors are not renamed)"],
                            "name": ["type": "string", "description": "Full name"],
                            "role": ["type": ["string", "null"], "description": "Job title"],
                            "organization": ["type": ["string", "null"], "description": "Where they work"],
                            "email": ["type": ["string", "null"], "description": "E-mail address"],
                            "phone": ["type": ["string", "null"], "description": "Telephone with a country code"],
                            "bio": ["type": ["string", "null"], "description": "Short biography"],
                            "image_url": ["type": ["string", "null"], "description": "Portrait URL"],
                            "links": ["type": "array", "description": "Typed links", "items": [
                                "type": "object", "description": "A link", "properties": [
                                    "rel": ["type": "string", "description": "Kind (website, twitter, …)"],
                                    "url": ["type": "string", "description": "http(s) URL"]]]],
                         ]]),
        ("TagInput", ["type": "object", "description": "A tag as written", "required": ["name"], "additionalProperties": false,
                      "properties": ["slug": ["type": "string", "description": "The URL's slug"], "name": ["type": "string", "description": "Display name"]]]),
        ("SiteInput", ["type": "object", "description": "The publication as written", "required": ["name", "url"], "additionalProperties": false,
                       "properties": [
                        "name": ["type": "string", "description": "Name"], "url": ["type": "string", "description": "Home page"],
                        "description": ["type": "string", "description": "What it is"], "language": ["type": "string", "description": "BCP 47 tag"],
                        "contact": ["type": "object", "description": "email, phone, address"],
                       ]]),
        ("WrittenArticle", ["type": "object", "description": "The article as readers now see it, with its revision",
                            "properties": ["data": ["type": "object", "description": "The article (as GET returns it) plus `revision`"]]]),
        ("RevisionList", ["type": "object", "description": "An article's versions",
                          "properties": [
                            "data": ["type": "array", "description": "Newest first; the current version first", "items": [
                                "type": "object", "description": "One version",
                                "properties": [
                                    "revision": ["type": "integer", "description": "Its number"],
                                    "status": ["type": "string", "enum": ["draft", "scheduled", "published"], "description": "Its status then"],
                                    "title": ["type": "string", "description": "Its title then"],
                                    "revised_at": ["type": ["string", "null"], "description": "When it was written (RFC 3339)"],
                                    "revised_by": ["type": ["string", "null"], "description": "The token (or import, scheduler) that wrote it"],
                                    "current": ["type": "boolean", "description": "Whether it is the article's current version"],
                                ]]],
                            "meta": ["type": "object", "description": "`article` (the slug) and `count`"],
                          ]]),
        ("ChangeList", ["type": "object", "description": "A page of the changes log",
                        "properties": [
                            "data": ["type": "array", "description": "Changes, oldest first", "items": [
                                "type": "object", "description": "One write",
                                "properties": [
                                    "seq": ["type": "integer", "description": "Sequence number (increasing, never reused)"],
                                    "kind": ["type": "string", "enum": ["article", "author", "tag", "site"], "description": "What changed"],
                                    "id": ["type": "integer", "description": "Its id"],
                                    "slug": ["type": "string", "description": "Its slug after the write"],
                                    "op": ["type": "string", "enum": ["create", "update", "delete"], "description": "The operation"],
                                    "at": ["type": "string", "description": "When (RFC 3339)"],
                                ]]],
                            "meta": ["type": "object", "description": "`since`, `next` (ask from here next time) and `more`"],
                        ]]),
    ]
}
