import Synchronization

/// Encoded responses per snapshot, keyed by request: one shard per event loop, so a lookup takes
/// a mutex no other thread ever contends for. Each shard is bounded in entries and bytes and is
/// emptied when the content snapshot changes (a response never outlives its snapshot).
public final class ResponseCache: Sendable {
    struct Shard {
        var generation: UInt64 = 0
        var table: RepresentationTable
        var bytes = 0

        /// Empties the shard (keeping the table's slots), for snapshot `generation`.
        mutating func empty(for generation: UInt64) {
            self.generation = generation
            table.removeAll()
            bytes = 0
        }
    }

    /// A mutex-guarded shard (Mutex is non-copyable, so each lives in its own box).
    final class ShardBox: Sendable {
        let state: Mutex<Shard>
        init(capacity: Int) { state = Mutex(Shard(table: RepresentationTable(capacity: capacity))) }
    }

    private let shards: [ShardBox]
    let maxEntries: Int
    let maxBytes: Int

    /// `maxEntries` and `maxBytes` are totals, split across `shardCount` shards.
    public init(maxEntries: Int, maxBytes: Int, shardCount: Int = 16) {
        let n = max(1, shardCount)
        self.maxEntries = max(0, maxEntries / n)
        self.maxBytes = max(0, maxBytes / n)
        let capacity = self.maxEntries
        shards = (0..<n).map { _ in ShardBox(capacity: capacity) }
    }

    /// The cached representation for `key` in snapshot `generation`, if any.
    func lookup(_ key: CacheKey, generation: UInt64, loop: Int) -> Representation? {
        shards[loop % shards.count].state.withLock { shard -> Representation? in
            if shard.generation != generation {
                shard.empty(for: generation)
                return nil
            }
            return shard.table.find(key)
        }
    }

    /// Stores `value` unless it alone is over the byte bound. When the shard is full (entries or
    /// bytes), it is emptied first (simple, bounded, and the hot keys come straight back).
    func store(_ key: CacheKey, _ value: Representation, generation: UInt64, loop: Int) {
        guard maxEntries > 0, value.cost <= maxBytes else { return }
        shards[loop % shards.count].state.withLock { shard in
            if shard.generation != generation || shard.table.isFull || shard.bytes + value.cost > maxBytes {
                shard.empty(for: generation)
            }
            if let old = shard.table.insert(key, value) { shard.bytes -= old.cost }
            shard.bytes += value.cost
        }
    }

    /// Entries and bytes held, summed over shards (for metrics).
    public var usage: (entries: Int, bytes: Int) {
        shards.reduce(into: (0, 0)) { sum, s in
            s.state.withLock { sum.0 += $0.table.count; sum.1 += $0.bytes }
        }
    }
}
