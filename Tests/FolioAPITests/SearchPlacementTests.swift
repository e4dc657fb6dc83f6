import Dispatch
import Foundation
import Glibc
import FolioContent
import FolioHTTP
import Synchronization
import Testing
@testable import FolioAPI

/// Where a request's work runs (decided after decoding and routing) and what the scheduler admits.
@Suite struct SearchPlacementTests {
    static let fixture = Fixture.shared

    func raw(_ target: String) -> HTTPResponse {
        Self.fixture.responder.respond(to: HTTPRequest(method: .get, target: target))
    }

    /// Every route with q runs off the loop, however q is spelled; plain lists stay on it;
    /// feeds and lists with bodies go to a worker.
    @Test(arguments: [
        ("/api/v1/articles?q=energy", true), ("/api/v1/articles?%71=energy", true), ("/api/v1/articles?%71%3Denergy=x", false),
        ("/api/v1/authors/ada-lovelace/articles?q=article", true), ("/api/v1/authors/ada-lovelace/articles?%71=article", true),
        ("/api/v1/search?q=energy", true), ("/api/v1/articles?per_page=5", false), ("/api/v1/articles?include=body", true),
        ("/api/v1/articles?fields=slug,html", true), ("/feed.json?page=2", true), ("/api/v1/articles/nope", false),
    ])
    func placement(target: String, offLoop: Bool) {
        // A parameter no other test sends, so the answer is not already cached (a hit is served on
        // the loop whatever it is); an unknown parameter is refused only once the query is parsed.
        let unique = target + (target.contains("?") ? "&" : "?") + "placement=\(UInt64.random(in: 0 ... .max))"
        #expect((raw(unique).deferred != nil) == offLoop, "\(target)")
    }

    /// An article miss whose body is not in memory does not wait on the loop: it is built again
    /// on a reader thread, and answers what the loop would have.
    @Test func aMissWhoseBodyIsNotInMemoryIsBuiltOffTheLoop() throws {
        let f = try Fixture(extra: 3)
        let target = "/api/v1/articles/paging-article-1"
        BodyStore.simulatePagesNotInMemory(true)
        let attempt = f.responder.respond(to: HTTPRequest(method: .get, target: target))
        BodyStore.simulatePagesNotInMemory(false)
        #expect(attempt.deferred != nil, "built on the loop although its body was not in memory")
        let answered = f.get(target + "?fields=slug,html")
        #expect(answered.status == 200 && answered.deferred == nil, "a body in memory is read on the loop")
        #expect(((try answered.json()["data"] as? [String: Any])?["html"] as? String)?.contains("<strong>article 1</strong>") == true)
        let first = f.get(target)  // the deferred miss, run and answered
        #expect(first.status == 200)
        #expect(((try first.json()["data"] as? [String: Any])?["text"] as? String)?.contains("article 1") == true)
    }

    @Test func aPercentEncodedQSearches() throws {
        let plain = Self.fixture.get("/api/v1/articles?q=article&fields=slug")
        let encoded = Self.fixture.get("/api/v1/articles?%71=article&fields=slug")
        #expect(plain.status == 200 && encoded.status == 200)
        #expect(try encoded.json()["meta"].flatMap { ($0 as? [String: Any])?["pagination"] as? [String: Any] }?["total"] as? Int
                == (try plain.json()["meta"].flatMap { ($0 as? [String: Any])?["pagination"] as? [String: Any] }?["total"] as? Int))
    }

    @Test(arguments: [
        ("/api/v1/search?q=t*", "search.min_prefix_length"),
        ("/api/v1/articles?q=" + (1...13).map { "w\($0)" }.joined(separator: "+"), "search.max_terms"),
        ("/api/v1/authors/ada-lovelace/articles?q=abc*+abd*+abe*+abf*", "search.max_prefix_terms"),
    ])
    func limitsAre400sNamingTheSetting(target: String, setting: String) throws {
        let r = Self.fixture.get(target)
        #expect(r.status == 400)
        #expect(r.text.contains(setting), "\(r.text)")
        #expect(r.text.contains("\"parameter\":\"q\""))
    }

    @Test func repeatedTermsCostWhatOneDoes() throws {
        let one = Self.fixture.get("/api/v1/search?q=article&fields=slug")
        let many = Self.fixture.get("/api/v1/search?q=" + Array(repeating: "article", count: 32).joined(separator: "+") + "&fields=slug")
        #expect(one.status == 200 && many.status == 200)
        let a = try one.json()["data"] as? [[String: Any]]
        let b = try many.json()["data"] as? [[String: Any]]
        #expect(a?.map { $0["slug"] as? String } == b?.map { $0["slug"] as? String })
    }

    /// The scheduler keeps threads for ordinary searches while the expensive share is busy, and
    /// refuses at once what would wait beyond its queue.
    @Test func expensiveSearchesCannotStarveOrdinaryOnes() {
        var settings = SearchScheduler.Settings()
        settings.workers = 2
        settings.expensiveWorkers = 1
        settings.maxExpensiveQueue = 1
        settings.maxQueue = 8
        let scheduler = SearchScheduler(settings)
        let release = DispatchSemaphore(value: 0)
        let running = DispatchSemaphore(value: 0)
        let ran = Atomic<Int>(0)
        #expect(scheduler.submit(expensive: true) { running.signal(); release.wait(); ran.add(1, ordering: .relaxed) })
        #expect(running.wait(timeout: .now() + 10) == .success)
        #expect(scheduler.submit(expensive: true) { ran.add(1, ordering: .relaxed) })  // queued
        #expect(!scheduler.submit(expensive: true) { ran.add(1, ordering: .relaxed) })  // queue full: refused
        let ordinary = DispatchSemaphore(value: 0)
        for _ in 0..<5 { #expect(scheduler.submit(expensive: false) { ordinary.signal() }) }
        for _ in 0..<5 { #expect(ordinary.wait(timeout: .now() + 10) == .success, "an ordinary search waited for an expensive one") }
        #expect(ran.load(ordering: .relaxed) == 0)
        release.signal()
        let deadline = DispatchTime.now() + 10
        while ran.load(ordering: .relaxed) < 2, DispatchTime.now() < deadline { usleep(1_000) }
        #expect(ran.load(ordering: .relaxed) == 2)
        #expect(scheduler.counts.refused == 1)

        var off = SearchScheduler.Settings()
        off.expensiveWorkers = 0
        #expect(!SearchScheduler(off).submit(expensive: true) {})
    }
}
