import Foundation
import Testing

/// The real `folio` binary, started on a free loopback port with its own temporary folder,
/// configuration, database and Public/ folder; stopped with SIGTERM.
final class ServerProcess {
    let process = Process()
    let logFile: URL
    private var logHandle: FileHandle?
    let directory: URL
    private(set) var port = 0
    /// The HTTPS port, when the server was started with TLS.
    private(set) var tlsPort = 0

    /// The folio executable built next to the test bundle.
    static var binary: URL {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("folio")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/folio")
    }

    /// Starts a server. `config` is written as Config JSON; `setup` may add files to the folder first.
    /// `database` replaces the server's own fresh store; `asNobody` runs it as user 65534 when the
    /// tests run as root (see `FolioTool.run`).
    /// `fixedPort`: listen there and wait until it accepts connections, instead of reading the
    /// port from the start-up line (for a server that does not print it).
    init(config: [String: Any] = [:], arguments: [String] = [], environment: [String: String] = [:],
         database: URL? = nil, asNobody: Bool = false, fixedPort: Int? = nil, setup: (URL) throws -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("folio-e2e-\(UUID().uuidString)")
        logFile = directory.appendingPathComponent("output.log")
        let publicDir = directory.appendingPathComponent("Public")
        try FileManager.default.createDirectory(at: publicDir, withIntermediateDirectories: true)
        try setup(directory)
        var settings = config
        if settings["sample_content"] == nil {
            settings["sample_content"] = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content").path
        }
        let configFile = directory.appendingPathComponent("folio.json")
        try JSONSerialization.data(withJSONObject: settings).write(to: configFile)
        let serve = ["serve", "--config", configFile.path,
                     "--database", (database ?? directory.appendingPathComponent("folio.sqlite")).path,
                     "--port", String(fixedPort ?? 0), "--host", "127.0.0.1", "--public", publicDir.path] + arguments
        (process.executableURL, process.arguments) = FolioTool.command(serve, asNobody: asNobody)
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Output goes to a file, never a pipe: a full pipe would stall the server's logging.
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        logHandle = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while port == 0, tlsPort == 0, Date() < deadline {
            if let fixedPort {
                if (try? RawClient(port: fixedPort)) != nil { port = fixedPort } else if !process.isRunning { break } else { usleep(20_000) }
                continue
            }
            let text = printed
            if let line = text.range(of: "folio listening on ") {
                let rest = text[line.upperBound...].prefix { $0 != "\n" }
                if let range = rest.range(of: "http://127.0.0.1:") {
                    port = Int(rest[range.upperBound...].prefix(while: \.isNumber)) ?? 0
                }
                if let range = rest.range(of: "https://127.0.0.1:") {
                    tlsPort = Int(rest[range.upperBound...].prefix(while: \.isNumber)) ?? 0
                }
            } else if !process.isRunning {
                break
            } else {
                usleep(20_000)
            }
        }
        if port == 0, tlsPort == 0 {
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            throw ServerError.didNotStart(printed)
        }
    }

    enum ServerError: Error { case didNotStart(String) }

    /// A loopback port nothing listens on now (bound once to port 0, then released).
    static func unusedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Sends SIGTERM, waits for exit (bounded), and returns the exit status and everything printed.
    @discardableResult
    func stop(timeout: TimeInterval = 20) -> (status: Int32, output: String) {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let text = printed
        try? logHandle?.close()
        try? FileManager.default.removeItem(at: directory)
        return (process.terminationStatus, text)
    }

    /// Everything the server printed so far.
    var printed: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
