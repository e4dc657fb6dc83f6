import Foundation
import Glibc
import Synchronization

/// A real PostgreSQL server for the tests (Debian's `postgresql` package; `.ci/run` installs it):
/// started once per test process on a temporary data directory and a free loopback port (as the
/// `postgres` user when the tests run as root, since PostgreSQL refuses root), stopped when the
/// process exits. Each test gets a database of its own (`freshDatabase()`).
public final class PostgresServer: Sendable {
    public let port: Int
    let directory: String
    let binaries: String

    public static let shared: Result<PostgresServer, PostgresUnavailable> = {
        do { return .success(try PostgresServer()) } catch let e as PostgresUnavailable { return .failure(e) } catch {
            return .failure(PostgresUnavailable(reason: "\(error)"))
        }
    }()

    public struct PostgresUnavailable: Error, CustomStringConvertible {
        let reason: String
        public var description: String { "PostgreSQL could not be started for the tests: \(reason) (install Debian's postgresql; .ci/run does)" }
    }

    /// A server of its own (for a test that stops and starts it), stopped at exit like the shared one.
    public static func dedicated() throws -> PostgresServer { try PostgresServer() }

    private init() throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else { throw PostgresUnavailable(reason: "no /usr/lib/postgresql/N/bin") }
        binaries = "/usr/lib/postgresql/\(version)/bin"
        directory = NSTemporaryDirectory() + "folio-pg-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            guard let pw = getpwnam("postgres") else { throw PostgresUnavailable(reason: "running as root and there is no postgres user") }
            chown(directory, pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        let initdb = try Self.run(binaries + "/initdb", ["-D", directory + "/data", "-A", "trust", "-U", "folio", "--no-sync", "-E", "UTF8",
                                                         "--locale", "C.UTF-8"])
        guard initdb.status == 0 else { throw PostgresUnavailable(reason: "initdb: \(initdb.output)") }
        var started: Int?
        for _ in 0..<10 {
            let candidate = Int.random(in: 20_000...60_000)
            let r = try Self.run(binaries + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "30", "-o",
                                                        "-p \(candidate) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                                                        "start"])
            if r.status == 0 { started = candidate; break }
        }
        guard let port = started else { throw PostgresUnavailable(reason: "pg_ctl start failed; see \(directory)/log") }
        self.port = port
        let dir = directory, bin = binaries
        Self.cleanups.withLock { list in
            if list.isEmpty { atexit { for c in PostgresServer.cleanups.withLock({ $0 }) { c() } } }
            list.append { _ = try? Self.run(bin + "/pg_ctl", ["-D", dir + "/data", "-m", "immediate", "stop"]); try? FileManager.default.removeItem(atPath: dir) }
        }
    }

    /// What stops every server this process started, run at exit.
    static let cleanups = Mutex<[@Sendable () -> Void]>([])

    /// Stops the server (fast shutdown: sessions are cut, as when a database restarts).
    public func stop() throws {
        let r = try Self.run(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
        guard r.status == 0 else { throw PostgresUnavailable(reason: "pg_ctl stop: \(r.output)") }
    }

    /// Starts it again on the same port.
    public func start() throws {
        let r = try Self.run(binaries + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "30", "-o",
                                                    "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                                                    "start"])
        guard r.status == 0 else { throw PostgresUnavailable(reason: "pg_ctl start: \(r.output)") }
    }

    /// A new empty database; its URL.
    public func freshDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let r = try Self.run(binaries + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "folio", "-d", "postgres", "-q", "-c",
                                                  "CREATE DATABASE \(name)"])
        guard r.status == 0 else { throw PostgresUnavailable(reason: "createdb: \(r.output)") }
        return "postgresql://folio@127.0.0.1:\(port)/\(name)"
    }

    /// Runs a PostgreSQL program (as the postgres user when we are root), bounded to 60 s.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        // Through Python's subprocess, which closes every descriptor but 0–2 in the child: the
        // server pg_ctl leaves running must not inherit the descriptor Foundation watches to
        // learn that its child exited (it would never see the exit, and wait forever).
        let command = (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + [executable] + arguments
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"] + command
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        // Output to a file, not a pipe: a server pg_ctl starts must not hold our pipe open.
        let outputPath = NSTemporaryDirectory() + "folio-pg-out-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? out.close()
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
