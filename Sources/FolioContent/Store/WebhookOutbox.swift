import FolioJSON
import Foundation

/// The events a webhook endpoint can subscribe to. `*` subscribes to every content event (not
/// to `cache.purge`, which carries Surrogate-Keys for a CDN purge hook, one per change).
public enum WebhookEvent {
    public static let content = [
        "article.published", "article.updated", "article.unpublished", "article.deleted",
        "author.created", "author.updated", "author.deleted", "tag.created", "tag.updated", "tag.deleted", "site.updated",
    ]
    public static let purge = "cache.purge"
    public static let all = content + [purge]
}

/// A webhook endpoint as stored, with how its deliveries stand.
public struct Webhook: Sendable, Hashable {
    public var id: Int64
    public var url: String
    public var events: [String]
    /// Epoch seconds.
    public var createdAt: Int64
    public var pending: Int
    public var delivered: Int
    public var failed: Int
}

/// One delivery of one change to one endpoint: what a worker posts, and how it stands.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: Int64
    public var webhookID: Int64
    public var url: String
    /// The endpoint's signing secret (`whsec_…`); empty in listings.
    public var secret: String
    /// `webhook-id`: the same on every attempt, so a receiver can drop a repeat.
    public var messageID: String
    public var event: String
    public var seq: Int64
    public var payload: [UInt8]
    public var attempts: Int
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var state: String
    public var lastStatus: Int?
    public var lastError: String?
}

/// The endpoints and what they listen to, read once per transaction (most stores have none, so
/// a write pays one small query), and the cache keys a change made stale.
final class WebhookTargets {
    private var loaded: [(id: Int64, events: Set<String>)]?
    /// Surrogate-Keys of what an article was before this write changed it (for `cache.purge`).
    var staleKeys: Set<String> = []

    func targets(_ db: SQLiteConnection) throws -> [(id: Int64, events: Set<String>)] {
        if let loaded { return loaded }
        var found: [(Int64, Set<String>)] = []
        try db.prepare("SELECT id, events FROM webhooks ORDER BY id").query { r in
            found.append((r.int64(0), Set(r.string(1).split(separator: ",").map(String.init))))
        }
        loaded = found
        return found
    }

    func wantsPurge(_ db: SQLiteConnection) throws -> Bool {
        try targets(db).contains { $0.events.contains(WebhookEvent.purge) }
    }

    /// Remembers article `id`'s keys as they are before a change, if a purge hook listens.
    func rememberStaleKeys(_ db: SQLiteConnection, article id: Int64) throws {
        if try wantsPurge(db) { staleKeys.formUnion(try Self.articleKeys(db, id)) }
    }

    /// The Surrogate-Keys of article `id` as it is now (its page, its authors', its tags').
    static func articleKeys(_ db: SQLiteConnection, _ id: Int64) throws -> [String] {
        var keys = ["article-\(id)"]
        try db.prepare("""
            SELECT 'author-' || a.slug FROM article_authors aa JOIN authors a ON a.id = aa.author_id WHERE aa.article_id = ?1
            UNION ALL SELECT 'tag-' || t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?1
            """).query([.int(id)]) { keys.append($0.string(0)) }
        return keys
    }
}

/// Milliseconds since the epoch.
public func epochMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

/// The outbox: deliveries are written in the transaction of the change they report (so a
/// committed change is never without them, and a rolled-back one never has any), then claimed,
/// posted and finished by `WebhookDeliverer` off the event loops.
extension StoreWriter {
    /// The event a logged change is, or nil for changes nobody outside hears of (a draft's).
    static func webhookEvent(kind: String, op: String) -> String {
        switch (kind, op) {
        case ("article", "create"): "article.published"
        case ("site", _): "site.updated"
        case (_, "create"): kind + ".created"
        case (_, "delete"): kind + ".deleted"
        default: kind + ".updated"
        }
    }

    /// The Surrogate-Keys of article `id` as it is now (its page, its authors', its tags').
    func articleKeys(_ id: Int64) throws -> [String] { try WebhookTargets.articleKeys(db, id) }

    /// Before an article changes: remember its keys as they were, if a purge hook listens.
    func rememberStaleKeys(ofArticle id: Int64) throws { try hooks.rememberStaleKeys(db, article: id) }

    /// Queues one delivery per endpoint that listens to this change (same transaction).
    func enqueueWebhooks(kind: String, id: Int64, slug: String, op: String, event: String?, seq: Int64) throws {
        defer { hooks.staleKeys.removeAll() }
        let targets = try hooks.targets(db)
        guard !targets.isEmpty else { return }
        let type = event ?? Self.webhookEvent(kind: kind, op: op)
        let now = epochMilliseconds()
        let entity = "\(kind)-\(id)"
        var content: String?
        var purge: String?
        let insert = try db.prepare("""
            INSERT INTO webhook_deliveries (webhook_id, message_id, event, entity, seq, payload, created_at, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for target in targets {
            let payload: String
            let name: String
            if target.events.contains(type) || target.events.contains("*") {
                if content == nil { content = try contentPayload(type, kind: kind, id: id, slug: slug, op: op, seq: seq, now: now) }
                (payload, name) = (content!, type)
            } else if target.events.contains(WebhookEvent.purge) {
                if purge == nil { purge = try purgePayload(kind: kind, id: id, slug: slug, seq: seq, now: now) }
                (payload, name) = (purge!, WebhookEvent.purge)
            } else {
                continue
            }
            try insert.run([.int(target.id), .text(Self.messageID()), .text(name), .text(entity), .int(seq), .text(payload),
                            .int(now), .int(now)])
        }
    }

    /// "msg_" and 128 random bits in hex.
    static func messageID() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out = Array("msg_".utf8)
        for _ in 0..<2 {
            var v = rng.next()
            for _ in 0..<16 {
                out.append(hex[Int(v & 15)])
                v >>= 4
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `{"type", "timestamp", "data": {seq, kind, op, id, slug, path, and for an article that
    /// still exists its revision, status, title and published_at}}`, read in the transaction, so
    /// it is what was committed.
    private func contentPayload(_ type: String, kind: String, id: Int64, slug: String, op: String, seq: Int64, now: Int64) throws -> String {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.field("type", type)
        w.field("timestamp", Timestamp(epochSeconds: now / 1000).rfc3339)
        w.key("data")
        w.beginObject()
        w.field("seq", Int(seq))
        w.field("kind", kind)
        w.field("op", op)
        w.field("id", Int(id))
        w.field("slug", slug)
        w.field("path", kind == "site" ? "/api/v1/site" : "/api/v1/\(kind)s/\(slug)")
        if kind == "article" {
            try db.prepare("SELECT revision, status, title, published_at FROM articles WHERE id = ?").query([.int(id)]) { r in
                w.field("revision", Int(r.int64(0)))
                w.field("status", r.string(1))
                w.field("title", r.string(2))
                w.field("published_at", Timestamp(epochSeconds: r.int64(3)).rfc3339)
            }
        }
        w.endObject()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `{"type": "cache.purge", "timestamp", "data": {seq, keys}}`: the Surrogate-Keys the
    /// change made stale (what the server's own cache drops).
    private func purgePayload(kind: String, id: Int64, slug: String, seq: Int64, now: Int64) throws -> String {
        var keys = hooks.staleKeys
        keys.insert("articles")
        switch kind {
        case "article": keys.formUnion(try articleKeys(id))
        case "author", "tag": keys.insert(kind + "-" + slug)
        default: break
        }
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("type", WebhookEvent.purge)
        w.field("timestamp", Timestamp(epochSeconds: now / 1000).rfc3339)
        w.key("data")
        w.beginObject()
        w.field("seq", Int(seq))
        w.key("keys")
        w.beginArray()
        for k in keys.sorted() { w.string(k) }
        w.endArray()
        w.endObject()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    // MARK: the worker's side

    /// Takes up to `limit` deliveries that are due and not held by another worker, for
    /// `leaseMilliseconds`. A delivery waits while an earlier one for the same endpoint and the
    /// same article (author, tag) is still pending, so each endpoint hears of an article's
    /// changes in order.
    public func claimWebhookDeliveries(now: Int64, leaseMilliseconds: Int64, limit: Int) throws -> [WebhookDelivery] {
        var out: [WebhookDelivery] = []
        try db.prepare("""
            SELECT d.id, d.webhook_id, w.url, w.secret, d.message_id, d.event, d.seq, d.payload, d.attempts, d.created_at
            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE d.state = 'pending' AND d.next_attempt_at <= ?1 AND (d.lease_until IS NULL OR d.lease_until < ?1)
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                              WHERE e.state = 'pending' AND e.webhook_id = d.webhook_id AND e.entity = d.entity AND e.id < d.id)
            ORDER BY d.next_attempt_at, d.id LIMIT ?2
            """).query([.int(now), .int(Int64(limit))]) { r in
            out.append(WebhookDelivery(id: r.int64(0), webhookID: r.int64(1), url: r.string(2), secret: r.string(3), messageID: r.string(4),
                                       event: r.string(5), seq: r.int64(6), payload: Array(r.string(7).utf8), attempts: r.int(8),
                                       createdAt: r.int64(9), state: "pending", lastStatus: nil, lastError: nil))
        }
        let lease = try db.prepare("UPDATE webhook_deliveries SET lease_until = ? WHERE id = ?")
        for d in out { try lease.run([.int(now + leaseMilliseconds), .int(d.id)]) }
        return out
    }

    /// How an attempt ended.
    public enum DeliveryOutcome: Sendable {
        case delivered(status: Int)
        case retry(at: Int64, status: Int?, error: String)
        case failed(status: Int?, error: String)
    }

    /// Records an attempt; drops delivered rows older than `keepDelivered` milliseconds.
    public func finishWebhookDelivery(id: Int64, _ outcome: DeliveryOutcome, now: Int64, keepDelivered: Int64 = 7 * 86_400_000) throws {
        switch outcome {
        case .delivered(let status):
            try db.prepare("""
                UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
                    lease_until = NULL, finished_at = ? WHERE id = ?
                """).run([.int(Int64(status)), .int(now), .int(id)])
        case .retry(let at, let status, let error):
            try db.prepare("""
                UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, lease_until = NULL,
                    next_attempt_at = ? WHERE id = ?
                """).run([status.map { .int(Int64($0)) } ?? .null, .text(error), .int(at), .int(id)])
        case .failed(let status, let error):
            try db.prepare("""
                UPDATE webhook_deliveries SET state = 'failed', attempts = attempts + 1, last_status = ?, last_error = ?,
                    lease_until = NULL, finished_at = ? WHERE id = ?
                """).run([status.map { .int(Int64($0)) } ?? .null, .text(error), .int(now), .int(id)])
        }
        try db.prepare("DELETE FROM webhook_deliveries WHERE state = 'delivered' AND finished_at < ?").run([.int(now - keepDelivered)])
    }
}

extension SQLiteStore {
    /// Adds an endpoint; returns its id.
    public func addWebhook(url: String, events: [String], secret: String) throws -> Int64 {
        try transaction { w in
            try w.db.prepare("INSERT INTO webhooks (url, events, secret, created_at) VALUES (?, ?, ?, ?)")
                .run([.text(url), .text(events.joined(separator: ",")), .text(secret), .int(Int64(Date().timeIntervalSince1970))])
            return w.db.lastInsertRowID
        }
    }

    /// Removes an endpoint and its deliveries; false when there is none.
    public func removeWebhook(id: Int64) throws -> Bool {
        try transaction { w in
            try w.db.prepare("DELETE FROM webhooks WHERE id = ?").run([.int(id)])
            return w.db.changes > 0
        }
    }

    /// Every endpoint with its delivery counts.
    public func webhooks() throws -> [Webhook] {
        try withConnection { db in
            var out: [Webhook] = []
            try db.prepare("""
                SELECT w.id, w.url, w.events, w.created_at,
                    (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending'),
                    (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'delivered'),
                    (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'failed')
                FROM webhooks w ORDER BY w.id
                """).query { r in
                out.append(Webhook(id: r.int64(0), url: r.string(1), events: r.string(2).split(separator: ",").map(String.init),
                                   createdAt: r.int64(3), pending: r.int(4), delivered: r.int(5), failed: r.int(6)))
            }
            return out
        }
    }

    /// Deliveries, newest first: of one endpoint or all, in one state or all.
    public func webhookDeliveries(webhookID: Int64? = nil, state: String? = nil, limit: Int = 100) throws -> [WebhookDelivery] {
        try withConnection { db in
            var out: [WebhookDelivery] = []
            try db.prepare("""
                SELECT d.id, d.webhook_id, w.url, d.message_id, d.event, d.seq, d.payload, d.attempts, d.created_at, d.state,
                    d.last_status, d.last_error
                FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE (?1 IS NULL OR d.webhook_id = ?1) AND (?2 IS NULL OR d.state = ?2)
                ORDER BY d.id DESC LIMIT ?3
                """).query([webhookID.map(SQLValue.int) ?? .null, .optional(state), .int(Int64(limit))]) { r in
                out.append(WebhookDelivery(id: r.int64(0), webhookID: r.int64(1), url: r.string(2), secret: "", messageID: r.string(3),
                                           event: r.string(4), seq: r.int64(5), payload: Array(r.string(6).utf8), attempts: r.int(7),
                                           createdAt: r.int64(8), state: r.string(9), lastStatus: r.isNull(10) ? nil : r.int(10),
                                           lastError: r.optionalString(11)))
            }
            return out
        }
    }

    /// Puts a failed delivery back in the queue, due now; false when there is no such failed one.
    public func retryWebhookDelivery(id: Int64) throws -> Bool {
        try transaction { w in
            try w.db.prepare("""
                UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?, finished_at = NULL WHERE id = ? AND state = 'failed'
                """).run([.int(epochMilliseconds()), .int(id)])
            return w.db.changes > 0
        }
    }
}

/// Looks at the outbox on a read-only connection of its own (never waits for the writer), so an
/// idle delivery worker costs a small read a second, not a write transaction.
public final class WebhookOutboxProbe: Sendable {
    private let pool: ReadPool

    public init(path: String) throws {
        pool = try ReadPool(path: path, connections: 1)
    }

    /// When the earliest delivery a worker could claim is due (milliseconds since the epoch), or
    /// nil: one waiting behind an earlier delivery of the same article to the same endpoint does
    /// not count (its turn comes with that one's), and one being posted counts from its lease's
    /// end. So an idle worker never spins on deliveries it may not take.
    public func nextDue() throws -> Int64? {
        try pool.with { db in
            try db.scalarOptionalInt("""
                SELECT min(CASE WHEN d.lease_until > d.next_attempt_at THEN d.lease_until ELSE d.next_attempt_at END)
                FROM webhook_deliveries d
                WHERE d.state = 'pending'
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                  WHERE e.state = 'pending' AND e.webhook_id = d.webhook_id AND e.entity = d.entity AND e.id < d.id)
                """).flatMap { $0 == 0 ? nil : $0 }
        }
    }

    /// Deliveries waiting, and those given up on.
    public func counts() throws -> (pending: Int, failed: Int) {
        try pool.with { db in
            (Int(try db.scalarInt("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'")),
             Int(try db.scalarInt("SELECT count(*) FROM webhook_deliveries WHERE state = 'failed'")))
        }
    }
}
