import Synchronization

/// Encoded responses per snapshot, keyed by request target and variant, within one budget of
/// entries and bytes for the whole process whatever the number of event loops: 16 shards chosen
/// by the key's hash (so every shard fills evenly and two loops rarely meet on one mutex), each
/// holding a sixteenth of the budget and evicting single entries (`CacheShard`, S3-FIFO). A
/// response larger than 1/64 of the byte budget is served but not cached, so one huge list
/// cannot push out hundreds of articles.
///
/// A write drops only what depends on what it changed (`CacheDependencies`, `invalidate`); a
/// reload of everything empties the cache (`invalidateAll`). A response built from a snapshot
/// older than the last invalidation of one of its dependencies is not stored, so a slow miss
/// cannot put back what a write just dropped.
///
/// Which threads touch a shard, each under the shard's mutex: every event loop (`lookup`, and
/// `store` of a miss built on the loop); the worker threads of deferred work (`store` of a miss
/// built off the loop: searches, feeds, lists with bodies, a replica's remote bodies); the thread
/// that applies a change to the snapshot (the writer's, or the change follower's: `invalidate`,
/// `invalidateAll`); the serve command's reload on SIGHUP (`invalidateAll`); and `/metrics`
/// (`usage`, on a loop). A shard is chosen by the key's hash, not by the calling thread.
public final class ResponseCache: Sendable {
    /// A mutex-guarded shard (Mutex is non-copyable, so each lives in its own box).
    final class ShardBox: Sendable {
        let state: Mutex<CacheShard>
        init(maxEntries: Int, maxBytes: Int) { state = Mutex(CacheShard(maxEntries: maxEntries, maxBytes: maxBytes)) }
    }

    static let shardCount = 16
    private let shards: [ShardBox]
    let maxEntries: Int
    let maxBytes: Int
    /// The largest representation cached (bytes of `Representation.cost`).
    let maxEntryBytes: Int
    private let tooLarge = Atomic<Int>(0)
    /// Per dependency hash, the snapshot generation that last invalidated it; and the
    /// generation of the last full flush.
    private let invalidatedAt = Mutex<(byKey: [UInt64: UInt64], all: UInt64)>(([:], 0))

    public init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = max(0, maxBytes)
        maxEntryBytes = self.maxBytes / 64
        let n = Self.shardCount
        shards = (0..<n).map { _ in
            ShardBox(maxEntries: (maxEntries + n - 1) / n, maxBytes: maxBytes / n)
        }
    }

    @inline(__always)
    static func hash(_ key: CacheKey) -> UInt64 {
        let h = key.target.withUnsafeBytes { SeededByteHash.hash($0) } &+ UInt64(bitPattern: Int64(key.variant)) &* 0x9E37_79B9_7F4A_7C15
        return h == 0 ? 1 : h
    }

    /// The shard for a hash: its top bits (the shard's index uses the low ones).
    @inline(__always)
    private func shard(_ hash: UInt64) -> ShardBox { shards[Int(hash >> 60) & (Self.shardCount - 1)] }

    /// The cached representation for `key`, if any.
    func lookup(_ key: CacheKey) -> Representation? {
        guard maxEntries > 0 else { return nil }
        let hash = Self.hash(key)
        return shard(hash).state.withLock { shard in shard.find(key, hash: hash) }
    }

    /// Stores `value`, built from snapshot `generation` out of `deps`, unless it is larger than
    /// `maxEntryBytes` or a dependency changed after that snapshot.
    func store(_ key: CacheKey, _ value: Representation, generation: UInt64, deps: [UInt64] = []) {
        guard maxEntries > 0 else { return }
        guard value.cost <= maxEntryBytes else {
            tooLarge.add(1, ordering: .relaxed)
            return
        }
        let stale = invalidatedAt.withLock { state in
            state.all > generation || deps.contains { (state.byKey[$0] ?? 0) > generation }
        }
        guard !stale else { return }
        let hash = Self.hash(key)
        shard(hash).state.withLock { shard in shard.insert(key, hash: hash, value, deps: deps) }
    }

    /// Drops every response built from one of `keys`; `generation` is the snapshot that has
    /// the change (responses from older ones are not stored afterwards).
    func invalidate(_ keys: Set<UInt64>, generation: UInt64) {
        invalidatedAt.withLock { state in
            for k in keys { state.byKey[k] = max(state.byKey[k] ?? 0, generation) }
        }
        for s in shards { s.state.withLock { $0.invalidate(keys) } }
    }

    /// Drops everything (a reload of the whole snapshot).
    public func invalidateAll(generation: UInt64) {
        invalidatedAt.withLock { state in
            state.all = max(state.all, generation)
            state.byKey.removeAll()
        }
        for s in shards { s.state.withLock { $0.removeAll() } }
    }

    /// What the cache holds and has done, summed over shards (for /metrics).
    public struct Usage: Sendable {
        public var entries = 0
        public var bytes = 0
        public var hits = 0
        public var misses = 0
        public var evictions = 0
        /// Responses dropped because a write changed what they were built from.
        public var invalidations = 0
        /// Responses served but not cached because they were over `maxEntryBytes`.
        public var tooLarge = 0
    }

    public var usage: Usage {
        var u = Usage()
        for s in shards {
            s.state.withLock {
                u.entries += $0.count
                u.bytes += $0.bytes
                u.hits += $0.counters.hits
                u.misses += $0.counters.misses
                u.evictions += $0.counters.evictions
                u.invalidations += $0.counters.invalidations
            }
        }
        u.tooLarge = tooLarge.load(ordering: .relaxed)
        return u
    }
}
