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

    init(path: String, connections: Int) throws {
        var slots: [Slot] = []
        for _ in 0..<max(1, connections) {
            let c = try SQLiteConnection(path: path, mode: .readOnly)
            // Pages read through a memory map instead of a pread each: uniform random article
            // reads at 100,000 articles went from 168–177 to 131–138 µs of CPU per request
            // (5,300–6,000 → 7,100–7,600 req/s; bodies span ten 4 KB pages). 2 GB is the most
            // Debian's SQLite maps (SQLITE_MAX_MMAP_SIZE); past it, pages are read as before.
            // Only these read-only connections map the file, so a full disk cannot fault them;
            // an I/O error on a mapped page would be a SIGBUS instead of an error.
            try c.execute("PRAGMA query_only = ON; PRAGMA mmap_size = 2147418112")
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
