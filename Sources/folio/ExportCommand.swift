import ArgumentParser
import Foundation
import FolioContent
import FolioPostgres

/// `folio export [--output FILE]`: all content as one JSON document.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write all content as one JSON document that `folio import` reads back unchanged.")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Output file (default: standard output).")
    var output: String?

    func run() throws {
        let progress = ProgressLine()
        let db: any ArticleRepository
        if let url = try store.resolvedDatabaseURL() {
            guard PostgresStore.isPostgresURL(url) else { throw RunFailure("--database-url must be postgres://… or postgresql://…") }
            do { db = try PostgresStore(url: url) } catch { throw RunFailure("cannot open \(PostgresStore.withoutPassword(url)): \(error)") }
        } else {
            let path = try store.resolvedDatabasePath()
            guard StoreAccess.exists(path) else { throw RunFailure("no database at \(path)") }
            do { db = try SQLiteStore(path: path, access: .readOnly) } catch { throw RunFailure("cannot open \(path): \(error)") }
        }
        progress.update("exporting…")
        let bytes = try ContentExporter.export(from: db)
        progress.finish()
        if let output {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            printError("exported \(try db.articleCount()) articles to \(output) (\(bytes.count) bytes) in "
                       + ProgressLine.seconds(progress.elapsed))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
