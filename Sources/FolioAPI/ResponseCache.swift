import Synchronization

/// Encoded responses per snapshot, keyed by request target and variant, within one budget of
/// entries and bytes for the whole process whatever the number of event loops: 16 shards chosen
/// by the key's hash (so every shard fills evenly and two loops rarely meet on one mutex), each
/// holding a sixteenth of the budget and evicting single entries (`CacheShard`, S3-FIFO). A
/// response larger than 1/64 of the byte budget is served but not cached, so one huge list
/// cannot push out hundreds of articles. A shard is emptied when the content snapshot changes
/// (a response never outlives its snapshot).
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

    /// The cached representation for `key` in snapshot `generation`, if any.
    func lookup(_ key: CacheKey, generation: UInt64) -> Representation? {
        guard maxEntries > 0 else { return nil }
        let hash = Self.hash(key)
        return shard(hash).state.withLock { shard -> Representation? in
            if generation > shard.generation { shard.reset(for: generation) }
            guard generation == shard.generation else { return nil }  // a reader still on an older snapshot
            return shard.find(key, hash: hash)
        }
    }

    /// Stores `value` unless it is larger than `maxEntryBytes`.
    func store(_ key: CacheKey, _ value: Representation, generation: UInt64) {
        guard maxEntries > 0 else { return }
        guard value.cost <= maxEntryBytes else {
            tooLarge.add(1, ordering: .relaxed)
            return
        }
        let hash = Self.hash(key)
        shard(hash).state.withLock { shard in
            if generation > shard.generation { shard.reset(for: generation) }
            guard generation == shard.generation else { return }  // built from an older snapshot: not kept
            shard.insert(key, hash: hash, value)
        }
    }

    /// What the cache holds and has done, summed over shards (for /metrics).
    public struct Usage: Sendable {
        public var entries = 0
        public var bytes = 0
        public var hits = 0
        public var misses = 0
        public var evictions = 0
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
            }
        }
        u.tooLarge = tooLarge.load(ordering: .relaxed)
        return u
    }
}
