/// A least-recently-used cache of stored article bodies bounded by bytes. Not synchronised: `BodyStore` keeps it
/// in a `Mutex`.
struct BodyCache {
    private struct Entry {
        var id: Int64
        var body: ServedBody
        var cost: Int
        var prev: Int
        var next: Int
    }

    let budget: Int
    private(set) var bytes = 0
    /// Bumped by every removal, so a read that raced with an invalidation is not cached.
    private(set) var epoch: UInt64 = 0
    private var entries: [Entry] = []
    private var index: [Int64: Int] = [:]
    private var freeSlots: [Int] = []
    private var head = -1  // most recently used
    private var tail = -1  // least recently used

    init(budget: Int) { self.budget = max(0, budget) }

    var count: Int { index.count }

    mutating func get(_ id: Int64) -> ServedBody? {
        guard let i = index[id] else { return nil }
        moveToFront(i)
        return entries[i].body
    }

    mutating func put(_ id: Int64, _ body: ServedBody) {
        let cost = body.byteCost
        if let i = index.removeValue(forKey: id) {
            unlink(i)
            bytes -= entries[i].cost
            freeSlots.append(i)
        }
        guard cost <= budget else { return }
        while bytes + cost > budget, tail >= 0 { evict(tail) }
        let entry = Entry(id: id, body: body, cost: cost, prev: -1, next: head)
        let i: Int
        if let free = freeSlots.popLast() { entries[free] = entry; i = free } else { entries.append(entry); i = entries.count - 1 }
        if head >= 0 { entries[head].prev = i }
        head = i
        if tail < 0 { tail = i }
        index[id] = i
        bytes += cost
    }

    mutating func remove(_ id: Int64) {
        epoch &+= 1
        guard let i = index.removeValue(forKey: id) else { return }
        unlink(i)
        bytes -= entries[i].cost
        entries[i].body = ServedBody.empty
        freeSlots.append(i)
    }

    mutating func removeAll() {
        let next = epoch &+ 1
        self = BodyCache(budget: budget)
        epoch = next
    }

    private mutating func evict(_ i: Int) {
        index[entries[i].id] = nil
        unlink(i)
        bytes -= entries[i].cost
        entries[i].body = ServedBody.empty
        freeSlots.append(i)
    }

    private mutating func unlink(_ i: Int) {
        let p = entries[i].prev, n = entries[i].next
        if p >= 0 { entries[p].next = n } else { head = n }
        if n >= 0 { entries[n].prev = p } else { tail = p }
        entries[i].prev = -1
        entries[i].next = -1
    }

    private mutating func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        entries[i].next = head
        if head >= 0 { entries[head].prev = i }
        head = i
        if tail < 0 { tail = i }
    }
}
