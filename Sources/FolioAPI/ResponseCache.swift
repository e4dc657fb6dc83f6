import Glibc
import Synchronization

/// Encoded responses per snapshot, keyed by request: one shard per event loop, so a lookup takes
/// a mutex no other thread ever contends for. Each shard is bounded in entries and bytes and is
/// emptied when the content snapshot changes (a response never outlives its snapshot).
public final class ResponseCache: Sendable {
    struct Shard {
        var generation: UInt64 = 0
        var entries: [CacheKey: Representation] = [:]
        var bytes = 0
    }

    /// A mutex-guarded shard (Mutex is non-copyable, so each lives in its own box).
    final class ShardBox: Sendable {
        let state = Mutex(Shard())
    }

    private let shards: [ShardBox]
    let maxEntries: Int
    let maxBytes: Int

    /// `maxEntries` and `maxBytes` are totals, split across `shardCount` shards.
    public init(maxEntries: Int, maxBytes: Int, shardCount: Int = 16) {
        let n = max(1, shardCount)
        shards = (0..<n).map { _ in ShardBox() }
        self.maxEntries = max(0, maxEntries / n)
        self.maxBytes = max(0, maxBytes / n)
    }

    /// The cached representation for `key` in snapshot `generation`, if any.
    func lookup(_ key: CacheKey, generation: UInt64, loop: Int) -> Representation? {
        shards[loop % shards.count].state.withLock { shard -> Representation? in
            if shard.generation != generation {
                shard = Shard(generation: generation)
                return nil
            }
            return shard.entries[key]
        }
    }

    /// Stores `value` unless the shard is full. When full, the shard is emptied first (simple,
    /// bounded, and the hot keys come straight back).
    func store(_ key: CacheKey, _ value: Representation, generation: UInt64, loop: Int) {
        guard maxEntries > 0, value.cost <= maxBytes else { return }
        shards[loop % shards.count].state.withLock { shard in
            if shard.generation != generation { shard = Shard(generation: generation) }
            if shard.entries.count >= maxEntries || shard.bytes + value.cost > maxBytes {
                shard.entries.removeAll(keepingCapacity: true)
                shard.bytes = 0
            }
            if let old = shard.entries.updateValue(value, forKey: key.owned) { shard.bytes -= old.cost }
            shard.bytes += value.cost
        }
    }

    /// Entries and bytes held, summed over shards (for metrics).
    public var usage: (entries: Int, bytes: Int) {
        shards.reduce(into: (0, 0)) { sum, s in
            s.state.withLock { sum.0 += $0.entries.count; sum.1 += $0.bytes }
        }
    }
}
