import FolioContent
import FolioHTTP
import FolioJSON
import FolioWebhooks

/// Webhook endpoints over the admin API (`admin` scope), as `folio webhook` does on the command
/// line: `GET /api/v1/webhooks`, `POST /api/v1/webhooks` (`{"url", "events"}`; the answer shows
/// the signing secret, once), `DELETE /api/v1/webhooks/{id}` and
/// `GET /api/v1/webhooks/{id}/deliveries` (`?state=pending|delivered|failed`).
extension FolioApp {
    func installWebhookRoutes(into router: inout Router<APIResponder.Handler>) {
        router.add(.get, "/api/v1/webhooks") { [self] req, _ in listWebhooks(req) }
        router.add(.post, "/api/v1/webhooks") { [self] req, _ in addWebhook(req) }
        router.add(.delete, "/api/v1/webhooks/:id") { [self] req, p in removeWebhook(req, id: p["id"]) }
        router.add(.get, "/api/v1/webhooks/:id/deliveries") { [self] req, p in webhookDeliveries(req, id: p["id"]) }
    }

    static func webhookID(_ raw: String?) throws(APIError) -> Int64 {
        guard let raw, let id = Int64(raw), id > 0, String(id) == raw else { throw APIError.notFound("no such webhook") }
        return id
    }

    static func write(_ hook: Webhook, into w: inout JSONWriter) {
        w.field("id", Int(hook.id))
        w.field("url", hook.url)
        w.key("events")
        w.beginArray()
        for e in hook.events { w.string(e) }
        w.endArray()
        w.field("created_at", Timestamp(epochSeconds: hook.createdAt).rfc3339)
        w.field("pending", hook.pending)
        w.field("delivered", hook.delivered)
        w.field("failed", hook.failed)
    }

    func listWebhooks(_ request: HTTPRequest) -> HTTPResponse {
        editorRead(request, scope: "admin") { store throws(APIError) in
            let hooks: [Webhook]
            do { hooks = try store.webhooks() } catch { throw APIError(503, "the store could not be read: \(error)") }
            var w = JSONWriter(capacity: 256 + hooks.count * 256)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for h in hooks {
                w.beginObject()
                Self.write(h, into: &w)
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return w.bytes
        }
    }

    func addWebhook(_ request: HTTPRequest) -> HTTPResponse {
        writeRoute(request, scope: "admin") { [self] _, writer, _ in
            let body: JSONValue
            switch Self.writeBody(request, mediaType: "application/json") {
            case .success(let v): body = v
            case .failure(let e): return .failure(e)
            }
            var problems: [(String, String)] = []
            let url = body["url"]?.string ?? ""
            if !PublicURLs.isAbsoluteHTTP(url) { problems.append(("/url", "must be an http:// or https:// URL with a host")) }
            let events = body["events"]?.array?.compactMap(\.string) ?? ["*"]
            if events.isEmpty || body["events"].map({ $0.array?.count != events.count }) == true {
                problems.append(("/events", "must be a list of event names"))
            }
            for (i, e) in events.enumerated() where e != "*" && !WebhookEvent.all.contains(e) {
                problems.append(("/events/\(i)", "unknown event \"\(e)\"; known: \(WebhookEvent.all.joined(separator: ", ")) or *"))
            }
            for m in body.members ?? [] where m.name != "url" && m.name != "events" {
                problems.append(("/" + ArticleWriteInput.escape(m.name), "unknown member"))
            }
            guard problems.isEmpty else {
                var e = ArticleWriteInput.invalid(problems)
                e.detail = problems.count == 1 ? "the webhook is not valid: \(problems[0].0) \(problems[0].1)" : "the webhook is not valid: \(problems.count) problems"
                return .failure(e)
            }
            let secret = WebhookSignature.newSecret()
            let hook: Webhook
            do {
                let id = try writer.store.addWebhook(url: url, events: events, secret: secret)
                guard let added = try writer.store.webhooks().first(where: { $0.id == id }) else { throw APIError(503, "the webhook vanished") }
                hook = added
            } catch {
                return .failure(APIError(error: error))
            }
            var w = JSONWriter(capacity: 512)
            w.beginObject()
            w.key("data")
            w.beginObject()
            Self.write(hook, into: &w)
            w.field("secret", secret)
            w.endObject()
            w.endObject()
            var r = HTTPResponse(status: 201, contentType: "application/json; charset=utf-8", body: w.bytes)
            r.addHeader("Location", "/api/v1/webhooks/\(hook.id)")
            r.addHeader("Cache-Control", "no-store")
            policy.addCORS(to: &r, request: request)
            return .success(r)
        }
    }

    func removeWebhook(_ request: HTTPRequest, id raw: String?) -> HTTPResponse {
        writeRoute(request, scope: "admin") { _, writer, _ in
            do {
                let id = try Self.webhookID(raw)
                guard try writer.store.removeWebhook(id: id) else { throw APIError.notFound("no webhook with id \(id)") }
            } catch let e as APIError {
                return .failure(e)
            } catch {
                return .failure(APIError(error: error))
            }
            var r = HTTPResponse(status: 204)
            r.addHeader("Cache-Control", "no-store")
            return .success(r)
        }
    }

    func webhookDeliveries(_ request: HTTPRequest, id raw: String?) -> HTTPResponse {
        editorRead(request, scope: "admin") { store throws(APIError) in
            let id = try Self.webhookID(raw)
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(["state", "limit"])
            let state = try params.single("state")
            if let state, !["pending", "delivered", "failed"].contains(state) {
                throw APIError.badParameter("state", "must be pending, delivered or failed")
            }
            let limit = try params.integer("limit", in: 1...1000) ?? 100
            let list: [WebhookDelivery]
            do {
                guard try store.webhooks().contains(where: { $0.id == id }) else { throw APIError.notFound("no webhook with id \(id)") }
                list = try store.webhookDeliveries(webhookID: id, state: state, limit: limit)
            } catch let e as APIError {
                throw e
            } catch {
                throw APIError(503, "the store could not be read: \(error)")
            }
            var w = JSONWriter(capacity: 256 + list.count * 512)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for d in list {
                w.beginObject()
                w.field("id", Int(d.id))
                w.field("webhook_id", d.messageID)
                w.field("event", d.event)
                w.field("seq", Int(d.seq))
                w.field("state", d.state)
                w.field("attempts", d.attempts)
                w.field("created_at", Timestamp(epochSeconds: d.createdAt / 1000).rfc3339)
                w.key("last_status")
                if let s = d.lastStatus { w.int(s) } else { w.null() }
                w.field("last_error", d.lastError)
                w.key("payload")
                w.rawJSON(d.payload)
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return w.bytes
        }
    }
}
