import ArgumentParser
import FolioContent
import FolioPostgres

/// `folio import PATH...`: loads content in one transaction.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load articles, authors and tags from JSON files or Markdown files with front matter.",
        discussion: "A folder means every .json, .md and .markdown file in it. The whole run is one transaction: "
            + "the first bad file is reported with its line, column and field, and nothing from the run is kept "
            + "(a database file the run created is removed again).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "JSON documents, Markdown files, or folders of them.")
    var paths: [String]

    func run() throws {
        if let url = try store.resolvedDatabaseURL() { return try importInto(url: url) }
        let path = try store.resolvedDatabasePath()
        let created = !StoreAccess.exists(path)
        let progress = ProgressLine()
        let summary: ImportSummary
        let db: SQLiteStore
        do {
            db = try SQLiteStore(path: path)
            summary = try ContentImporter(store: db).importPaths(paths) { done, total in
                progress.update("read \(done)/\(total) files")
            }
        } catch {
            progress.finish()
            if created { StoreOptions.removeCreatedStore(path) }
            throw RunFailure("import failed, nothing was changed: \(error)")
        }
        progress.finish()
        print("imported \(summary.articles) articles, \(summary.authors) authors, \(summary.tags) tags"
              + (summary.site ? ", site" : "") + " from \(summary.files) file(s) into \(db.path) in "
              + ProgressLine.seconds(summary.seconds))
    }

    /// The same import into PostgreSQL (one transaction there too).
    private func importInto(url: String) throws {
        guard PostgresStore.isPostgresURL(url) else { throw RunFailure("--database-url must be postgres://… or postgresql://…") }
        let progress = ProgressLine()
        let summary: ImportSummary
        let db: PostgresStore
        do {
            db = try PostgresStore(url: url)
            summary = try ContentImporter(store: db).importPaths(paths) { done, total in progress.update("read \(done)/\(total) files") }
        } catch {
            progress.finish()
            throw RunFailure("import failed, nothing was changed: \(error)")
        }
        progress.finish()
        print("imported \(summary.articles) articles, \(summary.authors) authors, \(summary.tags) tags"
              + (summary.site ? ", site" : "") + " from \(summary.files) file(s) into \(db.location) in "
              + ProgressLine.seconds(summary.seconds))
    }
}
