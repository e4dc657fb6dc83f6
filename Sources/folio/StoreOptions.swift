import Foundation
import ArgumentParser

/// Options every command shares: where the configuration file and the SQLite store live.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (JSON).")
    var config: String = "Config/folio.json"

    @Option(name: .long, help: "SQLite database file, created on first use (env FOLIO_DATABASE).")
    var database: String?

    /// The database path: flag, then FOLIO_DATABASE, then the default.
    var databasePath: String {
        if let database { return database }
        if let env = Environment.value("FOLIO_DATABASE"), !env.isEmpty { return env }
        return "data/folio.sqlite"
    }
}

/// Reads process environment variables.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }
}
