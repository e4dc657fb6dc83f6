import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe on its own (it is opened with `SQLITE_OPEN_NOMUTEX`):
/// every owner keeps it inside a `Mutex` so one thread uses it at a time.
final class SQLiteConnection {
    /// How to open the file.
    enum Mode { case readWrite, readOnly }

    let handle: OpaquePointer
    let path: String
    private var statements: [String: Statement] = [:]

    init(path: String, mode: Mode, vfs: String? = nil) throws {
        var db: OpaquePointer?
        let flags = (mode == .readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let location = mode == .readOnly ? Self.readOnlyLocation(path) : path
        let rc = sqlite3_open_v2(location, &db, flags, vfs)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: "\(message): \(path)")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5000)
        try execute("PRAGMA foreign_keys = ON")
        BodyTextFunction.register(on: db)
    }

    /// Where a read-only connection opens `path`. A WAL database needs its `-shm` file; in a folder
    /// this process cannot write, with no `-wal` file left (nothing uncommitted to read), the file
    /// is opened `immutable` (no locks, no shared memory), which is true of it: nobody here can
    /// change it. Otherwise the plain path, and SQLite's own read-only WAL handling.
    static func readOnlyLocation(_ path: String) -> String {
        guard !path.hasPrefix("file:"), !StoreAccess.folderIsWritable(path), !StoreAccess.exists(path + "-wal") else {
            return path
        }
        let escaped = path.utf8.map { b -> String in
            switch b {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"): return "%" + String(b, radix: 16, uppercase: true)
            default: return String(decoding: [b], as: UTF8.self)
            }
        }.joined()
        return "file:" + escaped + "?immutable=1"
    }

    /// Runs `body` with SQLite's progress handler asking `stop` every `steps` virtual-machine
    /// instructions; when it answers true, the running statement fails with SQLITE_INTERRUPT.
    func withProgressCheck<R>(every steps: Int32, stop: @escaping () -> Bool, _ body: () throws -> R) rethrows -> R {
        let box = Unmanaged.passRetained(StopCheck(stop))
        sqlite3_progress_handler(handle, steps, { context in
            Unmanaged<StopCheck>.fromOpaque(context!).takeUnretainedValue().stop() ? 1 : 0
        }, box.toOpaque())
        defer {
            sqlite3_progress_handler(handle, 0, nil, nil)
            box.release()
        }
        return try body()
    }

    /// The closure the progress handler calls, boxed so a C function pointer can reach it.
    private final class StopCheck {
        let stop: () -> Bool
        init(_ stop: @escaping () -> Bool) { self.stop = stop }
    }

    deinit {
        statements.removeAll()  // finalizes before close
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// A prepared statement for `sql`, reused across calls (reset and unbound).
    func prepare(_ sql: String) throws -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; rolls back if it throws.
    func transaction<R>(_ body: () throws -> R) throws -> R {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The first column of the first row as an integer (0 when no row).
    func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
        let s = try prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.int64(0) : 0
    }

    /// The first column of the first row as an integer (nil when no row).
    func scalarOptionalInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        let s = try prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.int64(0) : nil
    }

    /// The first column of the first row as text (nil when no row).
    func scalarString(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
        let s = try prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.string(0) : nil
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }

    func error(_ rc: Int32, sql: String? = nil) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}

/// A value to bind to a statement parameter.
enum SQLValue {
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
    case null

    static func optional(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
}

/// A prepared statement. Owned by its connection's cache; `reset()` before reuse.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    private unowned let connection: SQLiteConnection

    /// SQLite's "copy the bytes now" destructor.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(connection: SQLiteConnection, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw connection.error(rc, sql: sql) }
        handle = stmt
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ values: [SQLValue]) throws {
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .int(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .double(let v): rc = sqlite3_bind_double(handle, index, v)
        case .null: rc = sqlite3_bind_null(handle, index)
        case .blob(let b):
            rc = b.withUnsafeBytes { buf in sqlite3_bind_blob(handle, index, buf.baseAddress, Int32(buf.count), Statement.transient) }
        case .text(var s):
            rc = s.withUTF8 { buf in
                sqlite3_bind_text(handle, index, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(buf.count), Statement.transient)
            }
        }
        if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
    }

    /// Advances; true when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc, sql: sql)
    }

    /// Binds, runs to completion, resets.
    func run(_ values: [SQLValue] = []) throws {
        try bind(values)
        defer { reset() }
        while try step() {}
    }

    /// Binds, calls `row` for each result row, resets.
    func query(_ values: [SQLValue] = [], row: (Statement) throws -> Void) throws {
        try bind(values)
        defer { reset() }
        while try step() { try row(self) }
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func string(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(handle, column) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func optionalBytes(_ column: Int32) -> [UInt8]? { isNull(column) ? nil : bytes(column) }

    func bytes(_ column: Int32) -> [UInt8] {
        guard let p = sqlite3_column_blob(handle, column) else { return [] }
        let n = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}
