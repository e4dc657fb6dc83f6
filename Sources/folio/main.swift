import ArgumentParser

/// The `folio` command: serve (the default), import, export, generate, check.
struct Folio: ParsableCommand {
    /// The release this source is; `--version` adds the commit it was built from.
    static let version = "0.5.0"

    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "A small, fast HTTP JSON API server for a publication's content.",
        version: "folio \(version) (commit \(BuildStamp.commit))",
        subcommands: [ServeCommand.self, ImportCommand.self, ExportCommand.self, GenerateCommand.self, CheckCommand.self, TokenCommand.self, WebhookCommand.self, CertCommand.self, MigrateCommand.self],
        defaultSubcommand: ServeCommand.self)
}

Folio.main()
