import ArgumentParser
import Foundation
import FolioContent

/// `folio generate --articles N`: a deterministic synthetic corpus.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Fill an empty store with a deterministic synthetic corpus (benchmarks, tests).")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Number of articles.")
    var articles: Int

    @Option(name: .long, help: "Number of authors (default: articles / 200, between 5 and 2000).")
    var authors: Int?

    @Option(name: .long, help: "Seed; the same seed gives the same corpus.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Words in every body (default: 600 to 2,500, drawn per article); short bodies make a large corpus small on disk.")
    var bodyWords: Int?

    func validate() throws {
        guard articles > 0 else { throw ArgumentParser.ValidationError("--articles must be positive") }
        if let authors, authors <= 0 { throw ArgumentParser.ValidationError("--authors must be positive") }
        if let bodyWords, !(1...100_000).contains(bodyWords) {
            throw ArgumentParser.ValidationError("--body-words must be between 1 and 100000")
        }
    }

    func run() throws {
        let db = try SQLiteStore(path: try store.resolvedDatabasePath())
        let existing = try db.articleCount()
        guard existing == 0 else {
            throw RunFailure("\(db.path) already has \(existing) articles; generate into an empty database (--database FILE)")
        }
        let options = CorpusGenerator.Options(articles: articles, authors: authors, seed: seed, bodyWords: bodyWords)
        let progress = ProgressLine()
        let total = articles
        try CorpusGenerator(options).run(into: db) { done in
            progress.update("generated \(done)/\(total) articles")
        }
        progress.update("optimising the search index…")
        try db.optimize()
        progress.finish()
        let size = (try? FileManager.default.attributesOfItem(atPath: db.path)[.size] as? Int) ?? 0
        print("generated \(articles) articles, \(options.authors) authors, \(CorpusGenerator(options).tags().count) tags "
              + "(seed \(seed)) into \(db.path) in \(ProgressLine.seconds(progress.elapsed)); "
              + "database \(size / 1_048_576) MiB")
    }
}
