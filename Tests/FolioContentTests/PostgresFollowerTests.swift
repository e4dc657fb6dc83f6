import Foundation
import Synchronization
import Testing
@testable import FolioContent
import FolioPostgres
import FolioTestSupport

/// A replica's view of the changes log on PostgreSQL: NOTIFY wakes the follower at once, a change
/// that came without one is found by the next poll, and a follower whose connection is killed
/// (`pg_terminate_backend`) reconnects and catches up; nothing is handed on twice or out of order.
@Suite(.serialized) struct PostgresFollowerTests {
    final class Seen: Sendable {
        let changes = Mutex<[(seq: Int64, slug: String, at: Double)]>([])
        func count() -> Int { changes.withLock { $0.count } }
    }

    static func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if condition() { return true }; usleep(2_000) }
        return condition()
    }

    @Test func notificationsWakeAndPollsAndReconnectsCatchUp() throws {
        let url = try PostgresServer.shared.get().freshDatabase()
        let writer = try PostgresStore(url: url)
        try writer.upsertAuthor(Author(slug: "ana", name: "Ana"))
        let seen = Seen()
        // A long poll interval: only a notification can bring a change quickly.
        let follower = PostgresChangeFollower(url: url, after: try writer.lastChangeSequence(), pollInterval: 30) { page in
            let now = Date().timeIntervalSince1970
            seen.changes.withLock { $0 += page.map { ($0.seq, $0.slug, now) } }
        }
        follower.start()
        defer { follower.stop() }
        #expect(Self.wait(5) { follower.state == .following })

        var latencies: [Double] = []
        for i in 0..<100 {
            let before = Date().timeIntervalSince1970
            try writer.upsertArticle(try ArticleRecord.make(ArticleInput(slug: "n-\(i)", title: "N", publishedAt: "2024-01-01",
                                                                          authors: ["ana"], bodyMarkdown: "x")))
            #expect(Self.wait(1) { seen.count() == i + 1 }, "change \(i) not seen within a second")
            if let at = seen.changes.withLock({ $0.last?.at }) { latencies.append(at - before) }
        }
        latencies.sort()
        print("PostgreSQL NOTIFY to follower, 100 writes: p50 \(Int(latencies[50] * 1e6)) µs, p99 \(Int(latencies[98] * 1e6)) µs (commit included)")

        // The follower's connection killed: it reconnects and catches up on what it missed.
        let killer = try PostgresStore(url: url)
        try killer.terminateOtherBackends()
        // The writer's own session died too: its first write fails (nothing committed), the next
        // one reconnects.
        let record = try ArticleRecord.make(ArticleInput(slug: "after-kill", title: "K", publishedAt: "2024-01-01",
                                                         authors: ["ana"], bodyMarkdown: "x"))
        if (try? writer.upsertArticle(record)) == nil { try writer.upsertArticle(record) }
        #expect(Self.wait(10) { seen.changes.withLock { $0.contains { $0.slug == "after-kill" } } }, "\(follower.state)")
        #expect(Self.wait(5) { follower.state == .following })

        // A change logged without a notification is found by a polling follower.
        let polled = Seen()
        let poller = PostgresChangeFollower(url: url, after: try writer.lastChangeSequence(), pollInterval: 0.3) { page in
            polled.changes.withLock { $0 += page.map { ($0.seq, $0.slug, 0) } }
        }
        poller.start()
        defer { poller.stop() }
        #expect(Self.wait(5) { poller.state == .following })
        try killer.logChangeWithoutNotification(slug: "silent")
        #expect(Self.wait(2) { polled.changes.withLock { $0.contains { $0.slug == "silent" } } })

        let seqs = seen.changes.withLock { $0.map(\.seq) }
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "in order, once each")
    }
}
