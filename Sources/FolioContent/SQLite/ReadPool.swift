import Synchronization

/// A fixed set of read-only connections to one database, each behind its
/// own `Mutex`. A reader takes the first free one (round-robin start, no
/// waiting), and only when all are busy waits on one. WAL mode lets these
/// readers run while the store writes.
final class ReadPool: Sendable {
    /// One connection and its lock.
    private final class Slot: Sendable {
        let connection: Mutex<SQLiteConnection>
        init(_ c: consuming sending SQLiteConnection) { connection = Mutex(c) }
    }

    private let slots: [Slot]
    private let cursor = Atomic<Int>(0)

    /// `vfs`: a registered SQLite VFS by name (nil: the default).
    init(path: String, connections: Int, vfs: String? = nil) throws {
        var slots: [Slot] = []
        for _ in 0..<max(1, connections) {
            let c = try SQLiteConnection(path: path, mode: .readOnly, vfs: vfs)
            // No `mmap_size`: mapping the store made uniform article reads at most a little
            // cheaper (123–126 µs of CPU each against 128 µs without, 100,000 articles) and
            // writes while serving worse (10 writes/s under 64 readers: p99 32–73 ms against
            // 15–20 ms, maxima over 100 ms; a write that grows the file makes every connection
            // remap it, and page faults wait for that).
            try c.execute("PRAGMA query_only = ON")
            slots.append(Slot(c))
        }
        self.slots = slots
    }

    /// Runs `body` with exclusive use of one connection.
    func with<R: Sendable>(_ body: (inout sending SQLiteConnection) throws -> R) throws -> R {
        let start = cursor.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        for k in 0..<slots.count {
            let slot = slots[(start + k) % slots.count]
            let result: Result<R, any Error>? = slot.connection.withLockIfAvailable { db in
                do { return .success(try body(&db)) } catch { return .failure(error) }
            }
            if let result { return try result.get() }
        }
        return try slots[start % slots.count].connection.withLock { db in try body(&db) }
    }
}
