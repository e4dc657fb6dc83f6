/// One shard of the response cache: an open-addressing index over an arena of entries, bounded
/// in entries and bytes, evicting one entry at a time with S3-FIFO (Yang et al., SOSP 2023): new
/// entries wait in a small FIFO (a tenth of the budget); those read again while there move to the
/// main FIFO, the others leave (their hash is remembered in a ghost FIFO, so a quick return goes
/// straight to main); main gives each entry up to three more passes for the reads it had.
///
/// Chosen by measurement: on a Zipf(0.99) stream over 100,000 keys with room for 4,000, S3-FIFO
/// hit 96.2 % of the ideal (the share of requests for the 4,000 most popular keys), a 2-bit CLOCK
/// 89.8 %, 1-bit CLOCK 88.2 %, LRU 86.8 % (a simulation of the four over 1,000,000 requests;
/// Benchmarks/RESULTS.md has the server's own figure). Not thread-safe: `ResponseCache` keeps
/// each shard behind a mutex.
struct CacheShard {
    struct Entry {
        let target: [UInt8]
        let variant: Int
        let hash: UInt64
        var value: Representation
        var inMain: Bool
        /// `CacheDependencies` hashes: a write that changes one of them drops the entry.
        var deps: [UInt64]
    }

    /// Counters since start (read for /metrics).
    struct Counters {
        var hits = 0
        var misses = 0
        var evictions = 0
        var inserts = 0
        /// Entries dropped because a write changed what they were built from.
        var invalidations = 0
    }

    let maxEntries: Int
    let maxBytes: Int
    private(set) var count = 0
    private(set) var bytes = 0
    private(set) var counters = Counters()

    // The arena: entry ids are stable while an entry lives (the index moves, ids do not).
    private var entries: [Entry?] = []
    /// Reads since the entry was queued (0...3), beside the entries so a hit writes one byte.
    private var frequency: [UInt8] = []
    private var freeIDs: [Int32] = []

    // The index: slot → (hash, entry id); hash 0 marks an empty slot (a key hashing to 0 is stored as 1).
    private var slotHashes: [UInt64] = Array(repeating: 0, count: 16)
    private var slotIDs: [Int32] = Array(repeating: -1, count: 16)

    /// Dependency hash → ids of the entries built from it, so that a write visits only what it
    /// drops (scanning every entry under the shard's lock, with the loops waiting on it, cost
    /// 1–5 ms per write with a full cache). A superset: ids of entries removed since stay until
    /// their list is used or the map is rebuilt (when stale ids outnumber live ones).
    private var dependents: [UInt64: [Int32]] = [:]
    /// Ids held in `dependents`, and the dependencies of live entries.
    private var links = 0
    private var liveLinks = 0

    private var small = FIFORing<Int32>()
    private var main = FIFORing<Int32>()
    private var smallBytes = 0
    private var ghost = GhostHashes()

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = max(1, maxEntries)
        self.maxBytes = max(0, maxBytes)
        ghost.limit = self.maxEntries
    }

    // MARK: lookups and stores

    /// The entry for `key`, counting the read.
    mutating func find(_ key: CacheKey, hash: UInt64) -> Representation? {
        guard let id = slot(for: key, hash: hash).id else {
            counters.misses += 1
            return nil
        }
        counters.hits += 1
        if frequency[Int(id)] < 3 { frequency[Int(id)] += 1 }
        return entries[Int(id)]!.value
    }

    /// Stores `value` for `key`, evicting what must go to stay within the bounds. The caller has
    /// refused values too large to cache.
    mutating func insert(_ key: CacheKey, hash: UInt64, _ value: Representation, deps: [UInt64] = []) {
        let found = slot(for: key, hash: hash)
        if let id = found.id {
            let old = entries[Int(id)]!
            bytes += value.cost - old.value.cost
            if !old.inMain { smallBytes += value.cost - old.value.cost }
            entries[Int(id)]!.value = value
            entries[Int(id)]!.deps = deps
            link(id, deps)
            unlinked(old.deps.count)
            return
        }
        while count > 0, count + 1 > maxEntries || bytes + value.cost > maxBytes {
            evictOne()
        }
        let toMain = ghost.take(hash)
        let id: Int32
        if let reused = freeIDs.popLast() {
            id = reused
            entries[Int(id)] = Entry(target: Array(key.target), variant: key.variant, hash: hash, value: value, inMain: toMain, deps: deps)
            frequency[Int(id)] = 0
        } else {
            id = Int32(entries.count)
            entries.append(Entry(target: Array(key.target), variant: key.variant, hash: hash, value: value, inMain: toMain, deps: deps))
            frequency.append(0)
        }
        if toMain {
            main.push(id)
        } else {
            small.push(id)
            smallBytes += value.cost
        }
        count += 1
        bytes += value.cost
        counters.inserts += 1
        place(id, hash: hash)
        link(id, deps)
    }

    /// Drops everything (a full reload; counters are kept).
    mutating func removeAll() {
        guard count > 0 || !ghost.isEmpty else { return }
        entries.removeAll(keepingCapacity: true)
        frequency.removeAll(keepingCapacity: true)
        freeIDs.removeAll(keepingCapacity: true)
        for i in slotHashes.indices { slotHashes[i] = 0 }
        small = FIFORing<Int32>()
        main = FIFORing<Int32>()
        ghost.removeAll()
        dependents.removeAll()
        links = 0
        liveLinks = 0
        count = 0
        bytes = 0
        smallBytes = 0
    }

    /// Drops every entry built from one of `keys` (a write changed it). The entries' ids stay in
    /// the FIFOs, dead, until they are popped there (then they are reused).
    mutating func invalidate(_ keys: Set<UInt64>) {
        for key in keys {
            guard let ids = dependents.removeValue(forKey: key) else { continue }
            links -= ids.count
            for id in ids {
                // A stale id: its entry is gone, or the id now holds an entry built from other keys.
                guard let e = entries[Int(id)], e.deps.contains(key) else { continue }
                unplace(id, hash: e.hash)
                entries[Int(id)] = nil
                count -= 1
                bytes -= e.value.cost
                if !e.inMain { smallBytes -= e.value.cost }
                counters.invalidations += 1
                unlinked(e.deps.count)
            }
        }
    }

    private mutating func link(_ id: Int32, _ deps: [UInt64]) {
        for d in deps { dependents[d, default: []].append(id) }
        links += deps.count
        liveLinks += deps.count
    }

    /// An entry with `n` dependencies left; rebuilds `dependents` once stale ids outnumber live
    /// ones (each rebuild is paid for by as many removals as it visits).
    private mutating func unlinked(_ n: Int) {
        liveLinks -= n
        guard links > 2 * liveLinks + 1024 else { return }
        dependents.removeAll(keepingCapacity: true)
        for (i, e) in entries.enumerated() {
            guard let e else { continue }
            for d in e.deps { dependents[d, default: []].append(Int32(i)) }
        }
        links = liveLinks
    }

    // MARK: eviction

    /// Evicts one entry: from the small FIFO while it holds more than a tenth of the budget (or
    /// main is empty), else from main.
    private mutating func evictOne() {
        if !small.isEmpty, main.isEmpty || smallBytes * 10 > maxBytes || small.count * 10 > maxEntries {
            if evictFromSmall() { return }
        }
        evictFromMain()
    }

    /// Pops the small FIFO: an entry read while there moves to main (and the next one is tried),
    /// one never read leaves and is remembered in the ghost FIFO. False when small emptied
    /// without evicting.
    private mutating func evictFromSmall() -> Bool {
        while let id = small.pop() {
            guard entries[Int(id)] != nil else {  // invalidated while queued
                freeIDs.append(id)
                continue
            }
            let cost = entries[Int(id)]!.value.cost
            smallBytes -= cost
            if frequency[Int(id)] > 0 {
                frequency[Int(id)] = 0
                entries[Int(id)]!.inMain = true
                main.push(id)
                continue
            }
            ghost.add(entries[Int(id)]!.hash)
            remove(id)
            return true
        }
        return false
    }

    /// Pops main: an entry read since its last pass goes round again with one read fewer.
    private mutating func evictFromMain() {
        while let id = main.pop() {
            guard entries[Int(id)] != nil else {
                freeIDs.append(id)
                continue
            }
            if frequency[Int(id)] > 0 {
                frequency[Int(id)] -= 1
                main.push(id)
                continue
            }
            remove(id)
            return
        }
    }

    private mutating func remove(_ id: Int32) {
        let entry = entries[Int(id)]!
        unplace(id, hash: entry.hash)
        entries[Int(id)] = nil
        freeIDs.append(id)
        count -= 1
        bytes -= entry.value.cost
        counters.evictions += 1
        unlinked(entry.deps.count)
    }

    // MARK: the index (linear probing, backward-shift deletion: no tombstones)

    private func slot(for key: CacheKey, hash: UInt64) -> (index: Int, id: Int32?) {
        slotHashes.withUnsafeBufferPointer { hs in
            let mask = hs.count - 1
            var i = Int(truncatingIfNeeded: hash) & mask
            while true {
                let h = hs[i]
                if h == 0 { return (i, nil) }
                if h == hash {
                    let id = slotIDs[i]
                    if let e = entries[Int(id)], e.variant == key.variant, CacheKey.sameBytes(e.target, key.target) {
                        return (i, id)
                    }
                }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func place(_ id: Int32, hash: UInt64) {
        if 2 * count > slotHashes.count { grow() }
        let mask = slotHashes.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slotHashes[i] != 0 { i = (i + 1) & mask }
        slotHashes[i] = hash
        slotIDs[i] = id
    }

    private mutating func unplace(_ id: Int32, hash: UInt64) {
        let mask = slotHashes.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slotIDs[i] != id || slotHashes[i] != hash { i = (i + 1) & mask }
        // Shift later members of the probe run back over the hole when their home slot allows.
        var j = i
        while true {
            j = (j + 1) & mask
            let h = slotHashes[j]
            if h == 0 { break }
            let home = Int(truncatingIfNeeded: h) & mask
            let stays = i <= j ? (i < home && home <= j) : (i < home || home <= j)
            if stays { continue }
            slotHashes[i] = h
            slotIDs[i] = slotIDs[j]
            i = j
        }
        slotHashes[i] = 0
    }

    private mutating func grow() {
        let oldHashes = slotHashes, oldIDs = slotIDs
        slotHashes = Array(repeating: 0, count: oldHashes.count * 2)
        slotIDs = Array(repeating: -1, count: oldHashes.count * 2)
        let mask = slotHashes.count - 1
        for (h, id) in zip(oldHashes, oldIDs) where h != 0 {
            var i = Int(truncatingIfNeeded: h) & mask
            while slotHashes[i] != 0 { i = (i + 1) & mask }
            slotHashes[i] = h
            slotIDs[i] = id
        }
    }

    /// Every entry id reachable from the index, for tests (each entry exactly once).
    var indexedIDs: [Int32] { zip(slotHashes, slotIDs).filter { $0.0 != 0 }.map(\.1) }
    /// Entries in the small and main FIFOs, for tests.
    var queueCounts: (small: Int, main: Int) { (small.count, main.count) }
}

/// A FIFO in a growable ring (entry ids, ghost hashes).
struct FIFORing<Element> {
    private var ring: [Element?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func push(_ value: Element) {
        if count == ring.count {
            var grown = [Element?](repeating: nil, count: max(16, ring.count * 2))
            for k in 0..<count { grown[k] = ring[(head + k) % ring.count] }
            ring = grown
            head = 0
        }
        ring[(head + count) % ring.count] = value
        count += 1
    }

    mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        let value = ring[head]
        ring[head] = nil
        head = (head + 1) % ring.count
        count -= 1
        return value
    }
}

/// The ghost FIFO: hashes of entries evicted from the small FIFO, at most `limit` of them.
struct GhostHashes {
    var limit = 1
    private var order = FIFORing<UInt64>()
    private var present: [UInt64: Int] = [:]

    var isEmpty: Bool { present.isEmpty }

    mutating func add(_ hash: UInt64) {
        order.push(hash)
        present[hash, default: 0] += 1
        while order.count > limit, let old = order.pop() {
            if let n = present[old] { present[old] = n > 1 ? n - 1 : nil }
        }
    }

    /// Whether `hash` was remembered; it is forgotten either way.
    mutating func take(_ hash: UInt64) -> Bool {
        present.removeValue(forKey: hash) != nil
    }

    mutating func removeAll() {
        order = FIFORing<UInt64>()
        present.removeAll(keepingCapacity: true)
    }
}
