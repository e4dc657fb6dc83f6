import ArgumentParser
import Foundation
import FolioContent
import FolioHTTP

/// `folio check`: validates the configuration file and the content, reading only.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the content; exit non-zero on problems.",
        discussion: "Opens the database read-only (a read-only file or folder is fine), and the TLS certificate and key when configured.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        var problems: [String] = []
        var notes: [String] = []
        var configured: String?
        do {
            let config = try store.loadConfiguration(requiredIfNamed: true)
            configured = config.database
            // The certificate and key `serve` would load, loaded the same way.
            if let certificate = config.tls.certificate, let key = config.tls.privateKey {
                do { _ = try TLSContext(certificate: certificate, key: key) } catch { problems.append("tls: \(error)") }
            }
        } catch {
            problems.append("config: \(error)")
        }
        let path = store.databasePath(configured: configured)
        var articles = 0
        if StoreAccess.exists(path) {
            do {
                let db = try SQLiteStore(path: path, access: .readOnly)
                articles = try db.articleCount()
                problems += try ContentChecker.check(db).map { "content: \($0)" }
                // FTS5 runs its integrity check as an INSERT, which needs a writable connection
                // (it changes nothing); without write access it is skipped and the run says so.
                if StoreAccess.isWritable(path) {
                    problems += try SQLiteStore.fullTextIndexProblems(path: path).map { "content: store: \($0)" }
                } else {
                    notes.append("read-only store: the full-text index's integrity check needs write access and was skipped")
                }
            } catch {
                problems.append("database \(path): \(error)")
            }
        } else {
            problems.append("database \(path): no such file (`folio serve` or `folio import` creates it)")
        }
        for p in problems { printError(p) }
        for n in notes { printError("note: \(n)") }
        if problems.isEmpty {
            print("ok: \(store.configPath) and \(articles) articles in \(path)")
        } else {
            throw RunFailure("\(problems.count) problem(s)")
        }
    }
}
