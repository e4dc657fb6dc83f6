import Foundation
import FolioTestSupport
import Testing

/// `folio import` and `folio export` with `--database-url` against a real PostgreSQL server: the
/// sample content imported there exports exactly as it does from the SQLite store; a bad file
/// leaves PostgreSQL unchanged; `serve` with a PostgreSQL URL says it cannot yet, naming no password.
@Suite("PostgreSQL commands", .serialized)
struct PostgresCommandTests {
    @Test func importAndExportMatchTheSQLiteStore() throws {
        let server = try PostgresServer.shared.get()
        let url = try server.freshDatabase()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pg-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content").path
        let sqlite = dir.appendingPathComponent("s.sqlite").path

        let intoPG = try FolioTool.run(["import", sample, "--database-url", url])
        #expect(intoPG.status == 0 && intoPG.output.contains("imported 4 articles"), "\(intoPG.output)")
        #expect(try FolioTool.run(["import", sample, "--database", sqlite]).status == 0)
        let fromPG = try FolioTool.run(["export", "--database-url", url])
        let fromSQLite = try FolioTool.run(["export", "--database", sqlite])
        #expect(fromPG.status == 0 && fromPG.output == fromSQLite.output, "the exports differ")
        #expect(fromPG.output.contains("\"slug\" : \"\(SampleContent.electionsSlug)\""))

        // One bad file: nothing of the run is kept.
        let bad = dir.appendingPathComponent("bad.json")
        try #"{"articles": [{"slug": "fine-one", "title": "F", "published_at": "2024-01-01", "authors": ["javid-valiyev"], "body_markdown": "x"}, {"slug": "Bad Slug", "title": "B", "published_at": "2024-01-01", "authors": ["javid-valiyev"], "body_markdown": "y"}]}"#
            .write(to: bad, atomically: true, encoding: .utf8)
        let refused = try FolioTool.run(["import", bad.path, "--database-url", url])
        #expect(refused.status != 0 && refused.output.contains("nothing was changed"), "\(refused.output)")
        #expect(try FolioTool.run(["export", "--database-url", url]).output == fromSQLite.output)

        // Environment variable and serve's refusal (the password is not printed).
        let secretURL = url.replacingOccurrences(of: "folio@", with: "folio:hunter2@")
        let serve = try FolioTool.run(["serve", "--port", "0", "--database-url", secretURL])
        #expect(serve.status != 0 && serve.output.contains("not built yet") && !serve.output.contains("hunter2"), "\(serve.output)")
    }
}
