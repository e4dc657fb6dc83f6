import Foundation
import Testing
@testable import FolioContent

/// The outbox's order and timing, on a real store: deliveries are written with the change, one
/// waiting behind an earlier delivery of the same article is neither claimed nor counted as due,
/// and a retry's time is what an idle worker waits for.
@Suite struct WebhookOutboxTests {
    @Test func aDeliveryBehindARetryIsNotDue() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("o.sqlite"))
        try store.upsertAuthor(Author(slug: "a", name: "A"))
        _ = try store.addWebhook(url: "http://127.0.0.1:9/hook", events: ["*"], secret: "whsec_AAAA")
        try store.upsertArticle(try makeArticle("one", authors: ["a"]))
        try store.upsertArticle(try makeArticle("one", authors: ["a"], body: "Changed."))
        try store.upsertArticle(try makeArticle("two", authors: ["a"]))
        let probe = try WebhookOutboxProbe(path: store.path)
        let now = epochMilliseconds()
        #expect(try probe.counts().pending == 3)

        // The first delivery of "one" fails: it is retried in a minute; "one"'s second waits behind it.
        let first = try store.transaction { w in try w.claimWebhookDeliveries(now: now, leaseMilliseconds: 15_000, limit: 1) }
        #expect(first.map(\.event) == ["article.published"] && first[0].payload.count > 0)
        try store.transaction { w in try w.finishWebhookDelivery(id: first[0].id, .retry(at: now + 60_000, status: 500, error: "HTTP 500"), now: now) }
        let next = try store.transaction { w in try w.claimWebhookDeliveries(now: now, leaseMilliseconds: 15_000, limit: 10) }
        #expect(next.count == 1 && String(decoding: next[0].payload, as: UTF8.self).contains("\"slug\":\"two\""),
                "only the other article's delivery may go: \(next.map(\.event))")
        // While "two" is being posted, nothing is due before its lease ends or the retry comes.
        let due = try #require(try probe.nextDue())
        #expect(due >= now + 15_000, "an idle worker would spin on deliveries it may not take (due \(due - now) ms from now)")
        try store.transaction { w in try w.finishWebhookDelivery(id: next[0].id, .delivered(status: 204), now: now) }
        #expect(try probe.nextDue() == now + 60_000)
        #expect(try probe.counts() == (pending: 2, failed: 0))
    }
}
