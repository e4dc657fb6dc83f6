import Foundation
import Testing

/// The durability promise (README, "What a 2xx write survives"): `scripts/crash-test` kills the
/// server with SIGKILL ten times under four writers and checks every answered write, the
/// unanswered ones (all or nothing), the changes log and SQLite's integrity. Takes about a
/// minute, so it runs only with FOLIO_CRASH_TEST=1.
@Suite("Crash", .enabled(if: ProcessInfo.processInfo.environment["FOLIO_CRASH_TEST"] == "1"))
struct CrashTests {
    @Test func writesSurviveKillNine() throws {
        let p = Process()
        p.executableURL = ServerProcess.repositoryRoot.appendingPathComponent("scripts/crash-test")
        p.arguments = ["--folio", ServerProcess.binary.path, "--rounds", "10"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
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
        let p = Process()
        p.executableURL = ServerProcess.repositoryRoot.appendingPathComponent("scripts/full-disk-test")
        p.arguments = ["--folio", ServerProcess.binary.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("\"integrity\": \"ok\""), "\(text)")
        #expect(text.contains("\"503\": 1"), "\(text)")
    }
}
