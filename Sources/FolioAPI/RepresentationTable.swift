/// The map behind a response cache shard: open addressing with linear probing, keyed by the
/// request target's bytes and variant. The probe compares stored 64-bit hashes (a plain integer
/// array, so probing retains nothing) and only then the key's bytes. There is no removal of single
/// entries: the shard empties the whole table when it is full, so no tombstones are needed.
struct RepresentationTable {
    struct Entry {
        let target: [UInt8]
        let variant: Int
        let value: Representation
    }

    /// 0 marks an empty slot (a key whose hash is 0 is stored as 1).
    private var hashes: [UInt64]
    private var entries: [Entry?]
    private(set) var count = 0
    /// Entries allowed before the table reports itself full. Slots grow (doubling, kept at most
    /// half used) with the entries actually stored, not with this bound.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        hashes = Array(repeating: 0, count: 16)
        entries = Array(repeating: nil, count: 16)
    }

    var isFull: Bool { count >= capacity }

    @inline(__always)
    static func hash(_ key: CacheKey) -> UInt64 {
        let h = key.target.withUnsafeBytes { SeededByteHash.hash($0) } &+ UInt64(bitPattern: Int64(key.variant)) &* 0x9E37_79B9_7F4A_7C15
        return h == 0 ? 1 : h
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func slot(for key: CacheKey, hash: UInt64) -> (index: Int, found: Bool) {
        hashes.withUnsafeBufferPointer { hs in
            let mask = hs.count - 1
            var i = Int(truncatingIfNeeded: hash) & mask
            while true {
                let h = hs[i]
                if h == 0 { return (i, false) }
                if h == hash, let e = entries[i], e.variant == key.variant, CacheKey.sameBytes(e.target, key.target) {
                    return (i, true)
                }
                i = (i + 1) & mask
            }
        }
    }

    func find(_ key: CacheKey) -> Representation? {
        let s = slot(for: key, hash: Self.hash(key))
        return s.found ? entries[s.index]?.value : nil
    }

    /// Stores `value` for `key` (a copy of the key's bytes), returning the value it replaced.
    /// The caller keeps the table from filling (`isFull`, `removeAll`).
    @discardableResult
    mutating func insert(_ key: CacheKey, _ value: Representation) -> Representation? {
        let hash = Self.hash(key)
        var s = slot(for: key, hash: hash)
        let old = s.found ? entries[s.index]?.value : nil
        if !s.found {
            if 2 * (count + 1) > hashes.count {
                grow()
                s = slot(for: key, hash: hash)
            }
            count += 1
        }
        hashes[s.index] = hash
        entries[s.index] = Entry(target: Array(key.target), variant: key.variant, value: value)
        return old
    }

    /// Doubles the slots and places every entry again.
    private mutating func grow() {
        let oldHashes = hashes, oldEntries = entries
        hashes = Array(repeating: 0, count: oldHashes.count * 2)
        entries = Array(repeating: nil, count: oldHashes.count * 2)
        let mask = hashes.count - 1
        for (h, e) in zip(oldHashes, oldEntries) where h != 0 {
            var i = Int(truncatingIfNeeded: h) & mask
            while hashes[i] != 0 { i = (i + 1) & mask }
            hashes[i] = h
            entries[i] = e
        }
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for i in hashes.indices { hashes[i] = 0 }
        for i in entries.indices { entries[i] = nil }
        count = 0
    }
}
