public import FolioContent
import Foundation
import Synchronization

/// Posts the outbox's deliveries, after the commit, off the event loops: a few worker threads,
/// each with its own libcurl handle, woken by every committed write and once a second. A
/// delivery is leased while it is posted (so two workers, or two processes on one store, never
/// post it at once), then marked delivered on a 2xx, or retried with exponential backoff and
/// jitter until `giveUpAfter` has passed since the change, then marked failed (listed by
/// `folio webhook deliveries --failed`). Every attempt carries the same `webhook-id`; a process
/// killed mid-post posts again once the lease lapses, so receivers deduplicate by it.
public final class WebhookDeliverer: Sendable {
    /// The worker's numbers (`webhooks` in the configuration file).
    public struct Settings: Sendable {
        /// Seconds an attempt may take, connection included.
        public var timeout = 10.0
        /// The first retry's delay in seconds; later ones grow from it (×6, ×60, ×360, …).
        public var firstRetry = 5.0
        /// Seconds after the change when a delivery is given up.
        public var giveUpAfter = 24.0 * 3600
        /// Worker threads (deliveries posted at once).
        public var workers = 2

        public init() {}
    }

    /// Delay factors of successive retries (× `firstRetry`): 5 s, 30 s, 5 min, 30 min, 2 h, 4 h,
    /// 8 h, 16 h with the default, as Standard Webhooks' recommended schedule roughly does.
    static let backoff: [Double] = [1, 6, 60, 360, 1440, 2880, 5760, 11520]

    let writer: ContentWriter
    let probe: WebhookOutboxProbe
    let settings: Settings
    private let wake = DispatchSemaphore(value: 0)
    /// Attempts by how they ended: delivered, to be retried, given up.
    let delivered = Atomic<Int>(0)
    let retried = Atomic<Int>(0)
    let failed = Atomic<Int>(0)

    /// Attempts so far by how they ended (for /metrics).
    public var attempts: (delivered: Int, retried: Int, failed: Int) {
        (delivered.load(ordering: .relaxed), retried.load(ordering: .relaxed), failed.load(ordering: .relaxed))
    }
    private let report: @Sendable (String) -> Void

    public init(writer: ContentWriter, settings: Settings, report: @escaping @Sendable (String) -> Void) throws {
        self.writer = writer
        self.settings = settings
        self.report = report
        probe = try WebhookOutboxProbe(path: writer.store.path)
    }

    /// Starts the worker threads (for the life of the process) and wakes them on every write.
    public func start() {
        writer.onChange { [self] _ in wakeUp() }
        for i in 0..<max(1, settings.workers) {
            let thread = Thread { [self] in run() }
            thread.name = "folio-webhooks-\(i)"
            thread.start()
        }
    }

    /// Deliveries waiting and given up on, as the store has them now (a small read).
    public var outboxCounts: (pending: Int, failed: Int) {
        (try? probe.counts()) ?? (0, 0)
    }

    /// Something may be due: every worker looks now.
    public func wakeUp() {
        for _ in 0..<max(1, settings.workers) { wake.signal() }
    }

    private func run() {
        guard let poster = WebhookPoster() else {
            report("webhooks: libcurl could not start; deliveries wait in the outbox")
            return
        }
        while true {
            let now = epochMilliseconds()
            let due = (try? probe.nextDue()).flatMap { $0 } ?? Int64.max
            if due > now {
                let wait = min(1.0, Double(due - now) / 1000)
                _ = wake.wait(timeout: .now() + wait)
                continue
            }
            let claimed: [WebhookDelivery]
            do {
                claimed = try writer.write(actor: "webhooks") { [settings] w in
                    try w.claimWebhookDeliveries(now: epochMilliseconds(), leaseMilliseconds: Int64(settings.timeout * 1000) + 5_000, limit: 1)
                }
            } catch {
                report("webhooks: cannot claim deliveries: \(error)")
                _ = wake.wait(timeout: .now() + 1)
                continue
            }
            if claimed.isEmpty {  // another worker took it, or it waits behind an earlier one
                _ = wake.wait(timeout: .now() + 0.2)
                continue
            }
            for d in claimed { deliver(d, with: poster) }
        }
    }

    /// One attempt, and its outcome written back.
    func deliver(_ d: WebhookDelivery, with poster: WebhookPoster) {
        let outcome: StoreWriter.DeliveryOutcome
        if let key = WebhookSignature.key(of: d.secret) {
            let timestamp = Int64(Date().timeIntervalSince1970)
            let headers = [
                "Content-Type: application/json",
                "webhook-id: \(d.messageID)",
                "webhook-timestamp: \(timestamp)",
                "webhook-signature: \(WebhookSignature.sign(id: d.messageID, timestamp: timestamp, body: d.payload, key: key))",
            ]
            let answer = poster.post(url: d.url, headers: headers, body: d.payload, timeoutMilliseconds: Int(settings.timeout * 1000))
            outcome = Self.outcome(of: answer, delivery: d, now: epochMilliseconds(), settings: settings)
        } else {
            outcome = .failed(status: nil, error: "the endpoint's secret is not a whsec_ secret")
        }
        switch outcome {
        case .delivered: delivered.add(1, ordering: .relaxed)
        case .retry: retried.add(1, ordering: .relaxed)
        case .failed(_, let error):
            failed.add(1, ordering: .relaxed)
            report("webhooks: gave up on \(d.event) #\(d.seq) to \(d.url) after \(d.attempts + 1) attempts: \(error)")
        }
        do {
            try writer.write(actor: "webhooks") { w in try w.finishWebhookDelivery(id: d.id, outcome, now: epochMilliseconds()) }
        } catch {
            report("webhooks: cannot record delivery \(d.messageID) (it will be posted again when its lease lapses): \(error)")
        }
    }

    /// Delivered on a 2xx; otherwise the next attempt after the backoff (±10 % jitter), or given
    /// up when that would be later than `giveUpAfter` from the change.
    static func outcome(of answer: WebhookPoster.Answer, delivery d: WebhookDelivery, now: Int64, settings: Settings,
                        jitter: Double = Double.random(in: 0.9...1.1)) -> StoreWriter.DeliveryOutcome {
        if let status = answer.status, (200..<300).contains(status) { return .delivered(status: status) }
        let why = answer.status.map { "HTTP \($0)" } ?? (answer.timedOut ? "timed out: " : "") + answer.error
        let factor = backoff[min(d.attempts, backoff.count - 1)]
        let next = now + Int64(settings.firstRetry * factor * jitter * 1000)
        if next - d.createdAt > Int64(settings.giveUpAfter * 1000) { return .failed(status: answer.status, error: why) }
        return .retry(at: next, status: answer.status, error: why)
    }
}
