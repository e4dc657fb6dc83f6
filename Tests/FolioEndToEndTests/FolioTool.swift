import Foundation
import Glibc

/// Runs the folio binary for tests of commands and their failures: exit status and everything
/// printed (standard output and error together).
enum FolioTool {
    /// The executable and arguments that run folio with `arguments`; `asNobody` runs it as user
    /// 65534 (via setpriv) when the tests run as root, for whom no file is read-only; as another
    /// user it runs directly (file modes already apply).
    static func command(_ arguments: [String], asNobody: Bool) -> (executable: URL, arguments: [String]) {
        guard asNobody, getuid() == 0 else { return (ServerProcess.binary, arguments) }
        return (URL(fileURLWithPath: "/usr/bin/setpriv"),
                ["--reuid=65534", "--regid=65534", "--clear-groups", ServerProcess.binary.path] + arguments)
    }

    /// Runs folio to completion (bounded, `Tool.run`) in `currentDirectory` (default: a
    /// temporary folder, so the repository's Config/folio.json is not read).
    static func run(_ arguments: [String], asNobody: Bool = false, currentDirectory: URL? = nil,
                    timeout: TimeInterval = 60) throws -> Tool.Result {
        let (executable, arguments) = command(arguments, asNobody: asNobody)
        return try Tool.run(executable, arguments, in: currentDirectory ?? FileManager.default.temporaryDirectory, timeout: timeout)
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
