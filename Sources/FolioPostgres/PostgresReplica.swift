public import FolioContent
import Foundation
import Synchronization

/// What a server serves when its store is PostgreSQL: a snapshot loaded at start, kept up to date
/// by a `PostgresChangeFollower` (NOTIFY as the wake-up, the changes log by sequence as the truth),
/// and bodies read by id behind the body cache. A body miss is a network round trip, so the
/// `BodyStore` says `isRemote` and the API builds such responses off the event loops. Three
/// connections: the follower's, one for snapshot updates, one for bodies.
public final class PostgresReplica: Sendable {
    public let snapshots: SnapshotHolder
    public let bodies: BodyStore
    let follower: PostgresChangeFollower
    let applier: Applier

    /// Applies pages of changes to the snapshot and tells the observers (the response cache).
    final class Applier: Sendable {
        let reads: PostgresStore
        let snapshots: SnapshotHolder
        let bodies: BodyStore
        let observers = Mutex<[@Sendable (ContentChangeSet) -> Void]>([])

        init(reads: PostgresStore, snapshots: SnapshotHolder, bodies: BodyStore) {
            self.reads = reads
            self.snapshots = snapshots
            self.bodies = bodies
        }

        func apply(_ page: [Change]) throws {
            let current = snapshots.current()
            let articles = try reads.publishedArticles(ids: SnapshotUpdate.articleIDs(page))
            let catalog = SnapshotUpdate.catalogMayHaveChanged(page, current: current) ? try reads.loadCatalog() : nil
            let change = SnapshotUpdate.apply(page, articles: articles, catalog: catalog, to: snapshots, bodies: bodies)
            for o in observers.withLock({ $0 }) { o(change) }
        }
    }

    /// Connects (migrating the schema if needed) and loads the first snapshot.
    public init(url: String, bodyCacheBytes: Int = BodyStore.defaultCacheBytes, pollInterval: Double = 2) throws {
        let reads = try PostgresStore(url: url)
        let last = try reads.lastChangeSequence()
        snapshots = SnapshotHolder(ContentSnapshot(try reads.loadContent(), generation: 1))
        let bodyReads = try PostgresStore(url: url)
        bodies = BodyStore(remote: { id in try bodyReads.servedBody(articleID: id) }, cacheBytes: bodyCacheBytes)
        let applier = Applier(reads: reads, snapshots: snapshots, bodies: bodies)
        self.applier = applier
        follower = PostgresChangeFollower(url: url, after: last, pollInterval: pollInterval) { page in try applier.apply(page) }
    }

    /// Called after each applied page, before the next request sees nothing stale.
    public func onChange(_ observer: @escaping @Sendable (ContentChangeSet) -> Void) {
        applier.observers.withLock { $0.append(observer) }
    }

    /// Starts following the changes log, and publishing scheduled articles at their second
    /// (each replica sleeps until the next one falls due, re-reading it at least every second;
    /// whichever gets there first publishes, `SKIP LOCKED` keeps the others off the same rows).
    public func start() {
        follower.start()
        let scheduler = Thread { [applier] in
            while true {
                var wait = 1.0
                do {
                    if let due = try applier.reads.nextScheduled() {
                        let now = Date().timeIntervalSince1970
                        if Double(due) <= now {
                            try applier.reads.publishDue(now: Int64(now))
                            wait = 0.05
                        } else {
                            wait = min(1, Double(due) - now)
                        }
                    }
                } catch {
                    // The database is away (the follower's state says so): try again in a second.
                }
                Thread.sleep(forTimeInterval: wait)
            }
        }
        scheduler.name = "folio-pg-scheduler"
        scheduler.start()
    }

    /// Whether the replica is connected and following, or why not.
    public var state: PostgresChangeFollower.State { follower.state }
    /// Why the replica is not following its database now, or nil (for `/readyz`).
    public var degradation: String? {
        switch follower.state {
        case .following: nil
        case .connecting: "connecting to PostgreSQL; serving the snapshot loaded at start"
        case .disconnected(let why): "PostgreSQL unreachable, serving the last snapshot (change \(follower.lastSequence)): \(why)"
        }
    }
    /// The newest change the snapshot reflects.
    public var appliedSequence: Int64 { follower.lastSequence }
    /// The changes log, for the public changes feed (on the snapshot-update connection).
    public var changesSource: any ChangesSource { applier.reads }
    /// Where the store is (without a password).
    public var location: String { applier.reads.location }
}
