import Foundation
import Testing

/// The durability promise (README, "What a 2xx write survives"): `scripts/crash-test` kills the
/// server with SIGKILL ten times under four writers and checks every answered write, the
/// unanswered ones (all or nothing), the changes log and SQLite's integrity. Takes about a
/// minute, so it runs only with FOLIO_CRASH_TEST=1.
@Suite("Crash", .enabled(if: ProcessInfo.processInfo.environment["FOLIO_CRASH_TEST"] == "1"))
struct CrashTests {
    @Test func writesSurviveKillNine() throws {
        let (status, text) = try runScript("scripts/crash-test", ["--rounds", "10"])
        #expect(status == 0, "\(text)")
        let summary = try #require(text.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(summary["kills"] as? Int == 10)
        #expect((summary["acknowledged"] as? Int ?? 0) > 100)
        #expect(summary["integrity"] as? String == "ok")
        #expect((summary["problems"] as? [Any])?.isEmpty == true)
    }
}

/// A full disk (`scripts/full-disk-test`, on a 24 MiB tmpfs it mounts: needs root, so it runs
/// only with FOLIO_FULL_DISK_TEST=1): writes 503 and change nothing, reads go on, writes work
/// again after space is freed, the file passes `integrity_check`.
@Suite("Full disk", .enabled(if: ProcessInfo.processInfo.environment["FOLIO_FULL_DISK_TEST"] == "1"))
struct FullDiskTests {
    @Test func writesFailCleanlyAndResume() throws {
        let (status, text) = try runScript("scripts/full-disk-test", [])
        #expect(status == 0, "\(text)")
        #expect(text.contains("\"integrity\": \"ok\""), "\(text)")
        #expect(text.contains("\"503\": 1"), "\(text)")
    }
}

/// Runs one of the repository's test scripts with this build's binary; its status and output.
func runScript(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = ServerProcess.repositoryRoot.appendingPathComponent(path)
    p.arguments = ["--folio", ServerProcess.binary.path] + arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, text)
}
