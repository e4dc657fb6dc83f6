import Foundation
import Glibc

/// Runs the folio binary to completion (bounded) and returns its exit status and everything it
/// printed (standard output and error together), for tests of commands and their failures.
enum FolioTool {
    struct Result {
        var status: Int32
        var output: String
    }

    /// `asNobody` runs it as user 65534 (via setpriv) when the tests run as root, for whom no
    /// file is read-only; as another user it runs directly (file modes already apply).
    static func run(_ arguments: [String], environment: [String: String] = [:], asNobody: Bool = false,
                    currentDirectory: URL? = nil, timeout: TimeInterval = 60) throws -> Result {
        let p = Process()
        if asNobody && getuid() == 0 {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", ServerProcess.binary.path] + arguments
        } else {
            p.executableURL = ServerProcess.binary
            p.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let currentDirectory { p.currentDirectoryURL = currentDirectory }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("folio-tool-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: log)
        }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(10_000) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        return Result(status: p.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Waits (bounded) until `condition` holds; false when the deadline passed first.
    static func eventually(within seconds: TimeInterval = 15, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}
