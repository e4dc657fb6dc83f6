import CLibPQ
import Foundation

/// A PostgreSQL error: the server's message and its SQLSTATE code (`23505`: unique violation).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let sqlState: String?
    public var description: String { sqlState.map { "PostgreSQL \($0): \(message)" } ?? "PostgreSQL: \(message)" }
}

/// A statement parameter, sent as text (PostgreSQL casts it to the column's type).
enum PGValue {
    case int(Int64)
    case text(String)
    case bool(Bool)
    case null

    static func optional(_ s: String?) -> PGValue { s.map(PGValue.text) ?? .null }

    var text: String? {
        switch self {
        case .int(let v): String(v)
        case .text(let s): s
        case .bool(let b): b ? "t" : "f"
        case .null: nil
        }
    }
}

/// The rows of a result, every value as text (nil for NULL).
struct PGRows {
    let rows: [[String?]]

    var isEmpty: Bool { rows.isEmpty }
    var count: Int { rows.count }
    func string(_ row: Int, _ column: Int) -> String { rows[row][column] ?? "" }
    func optionalString(_ row: Int, _ column: Int) -> String? { rows[row][column] }
    func int64(_ row: Int, _ column: Int) -> Int64 { Int64(rows[row][column] ?? "") ?? 0 }
    func int(_ row: Int, _ column: Int) -> Int { Int(rows[row][column] ?? "") ?? 0 }
    func bool(_ row: Int, _ column: Int) -> Bool { rows[row][column] == "t" }
    /// The first column of the first row as an integer, or nil.
    var scalar: Int64? { rows.first.flatMap { $0.first ?? nil }.flatMap { Int64($0) } }
}

/// One libpq connection (blocking calls; never on an event loop). Not thread-safe: the store
/// that owns it serialises calls.
final class PostgresConnection {
    private let handle: OpaquePointer

    init(url: String) throws {
        guard let c = PQconnectdb(url) else { throw PostgresError(message: "out of memory", sqlState: nil) }
        guard PQstatus(c) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(c)
            throw PostgresError(message: message, sqlState: nil)
        }
        handle = c
        try execute("SET client_min_messages = warning")
    }

    deinit { PQfinish(handle) }

    /// Runs one statement with `$1…` parameters and returns its rows.
    @discardableResult
    func query(_ sql: String, _ params: [PGValue] = []) throws -> PGRows {
        let copies = params.map { $0.text.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        guard let result = PQexecParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0) else {
            throw PostgresError(message: String(cString: PQerrorMessage(handle)), sqlState: nil)
        }
        defer { PQclear(result) }
        try Self.check(result)
        let rowCount = PQntuples(result), columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            var row: [String?] = []
            row.reserveCapacity(Int(columnCount))
            for c in 0..<columnCount {
                row.append(PQgetisnull(result, r, c) != 0 ? nil : String(cString: PQgetvalue(result, r, c)))
            }
            rows.append(row)
        }
        return PGRows(rows: rows)
    }

    /// Runs statements without parameters (several, separated by semicolons).
    func execute(_ sql: String) throws {
        guard let result = PQexec(handle, sql) else {
            throw PostgresError(message: String(cString: PQerrorMessage(handle)), sqlState: nil)
        }
        defer { PQclear(result) }
        try Self.check(result)
    }

    /// The server closed the connection (restart, failover, `pg_terminate_backend`).
    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// Connects again with the same parameters (the session's settings are set again).
    func reconnect() throws {
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(message: String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines), sqlState: nil)
        }
        try execute("SET client_min_messages = warning")
    }

    /// The connection's socket (to wait for notifications with poll).
    var socket: Int32 { PQsocket(handle) }

    /// Reads what the server sent and returns the payloads of the notifications that arrived.
    /// Throws when the connection is broken.
    func notifications() throws -> [String] {
        guard PQconsumeInput(handle) == 1 else {
            throw PostgresError(message: String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines), sqlState: nil)
        }
        var payloads: [String] = []
        while let n = PQnotifies(handle) {
            payloads.append(String(cString: n.pointee.extra))
            PQfreemem(n)
        }
        return payloads
    }

    /// `body` in one transaction, rolled back if it throws.
    func transaction<R>(_ body: () throws -> R) throws -> R {
        try execute("BEGIN")
        do {
            let r = try body()
            try execute("COMMIT")
            return r
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private static func check(_ result: OpaquePointer) throws {
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PostgresError(message: message, sqlState: state)
        }
    }
}
