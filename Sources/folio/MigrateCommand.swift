import ArgumentParser
import FolioContent
import FolioPostgres
import Foundation

/// `folio migrate`: brings the store's schema up to date and exits (a Kubernetes Job or a compose
/// service runs it once before the replicas; they would migrate too, under the same lock).
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the store's schema (SQLite file, or PostgreSQL with --database-url) and exit.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "After migrating a SQLite file, rewrite it without its free pages (an upgrade from schema 9 or older frees about half of it; needs that much free disk while it runs).")
    var vacuum = false

    func run() throws {
        if let url = try store.resolvedDatabaseURL() {
            guard PostgresStore.isPostgresURL(url) else { throw RunFailure("--database-url must be postgres://… or postgresql://…") }
            do {
                let db = try PostgresStore(url: url)
                print("migrated \(db.location): \(try db.articleCount()) articles")
            } catch {
                throw RunFailure("cannot migrate \(PostgresStore.withoutPassword(url)): \(error)")
            }
            return
        }
        let path = try store.resolvedDatabasePath()
        do {
            let db = try SQLiteStore(path: path)
            print("migrated \(db.location): \(try db.articleCount()) articles")
            if vacuum {
                let (before, after) = try db.vacuum()
                print("vacuumed: \(before / 1_048_576) MiB -> \(after / 1_048_576) MiB")
            }
        } catch {
            throw RunFailure("cannot migrate \(path): \(error)")
        }
    }
}
