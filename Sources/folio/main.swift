import ArgumentParser

/// The `folio` command: serve (the default), import, export, generate, check.
struct Folio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "A small, fast HTTP JSON API server for a publication's content.",
        subcommands: [ServeCommand.self, ImportCommand.self, ExportCommand.self, GenerateCommand.self, CheckCommand.self],
        defaultSubcommand: ServeCommand.self)
}

Folio.main()
