import ArgumentParser
import Foundation
import FolioContent

/// `folio check`: validates the configuration file and the content.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the content; exit non-zero on problems.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        var problems: [String] = []
        do {
            _ = try Configuration.load(path: store.config, required: true)
        } catch {
            problems.append("config: \(error.description)")
        }
        var articles = 0
        if FileManager.default.fileExists(atPath: store.databasePath) {
            do {
                let db = try SQLiteStore(path: store.databasePath)
                articles = try db.articleCount()
                problems += try ContentChecker.check(db).map { "content: \($0)" }
            } catch {
                problems.append("database \(store.databasePath): \(error)")
            }
        } else {
            problems.append("database \(store.databasePath): no such file (it is created by `folio serve` or `folio import`)")
        }
        for p in problems { printError(p) }
        if problems.isEmpty {
            print("ok: \(store.config) and \(articles) articles in \(store.databasePath)")
        } else {
            printError("\(problems.count) problem(s)")
            throw ExitCode.failure
        }
    }
}
