import Foundation
import ArgumentParser

/// Options every command shares: where the configuration file and the SQLite store live.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (JSON; default Config/folio.json, which may be missing).")
    var config: String?

    @Option(name: .long, help: ArgumentHelp(
        "SQLite database file (env FOLIO_DATABASE, then \"database\" in the configuration; default data/folio.sqlite).",
        discussion: "serve and import create it when it does not exist; check and export need it to exist."))
    var database: String?

    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "PostgreSQL URL, postgres://user@host:port/db (env FOLIO_DATABASE_URL, then \"store.url\" in the configuration).",
        discussion: "Instead of the SQLite file: import and export use it; serve serves it as a replica following its changes log."))
    var databaseURL: String?

    /// The PostgreSQL URL, if one is named: flag, then FOLIO_DATABASE_URL, then `store.url`.
    func resolvedDatabaseURL() throws -> String? {
        if let databaseURL { return databaseURL }
        if let env = Environment.value("FOLIO_DATABASE_URL"), !env.isEmpty { return env }
        return try loadConfiguration(requiredIfNamed: true).storeURL
    }

    /// The configuration file to read.
    var configPath: String { config ?? "Config/folio.json" }

    /// Loads the configuration (the default file may be missing; a named one must exist).
    func loadConfiguration(requiredIfNamed: Bool) throws -> Configuration {
        do {
            return try Configuration.load(path: configPath, required: requiredIfNamed && config != nil)
        } catch {
            throw RunFailure(error.description)
        }
    }

    /// The database path, reading the configuration for its `database` key.
    func resolvedDatabasePath() throws -> String {
        databasePath(configured: try loadConfiguration(requiredIfNamed: true).database)
    }

    /// Removes a store file that a failed command created (and SQLite's companions), so a failed
    /// first import leaves nothing behind.
    static func removeCreatedStore(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The database path: flag, then FOLIO_DATABASE, then the configuration's `database`, then the default.
    func databasePath(configured: String?) -> String {
        if let database { return database }
        if let env = Environment.value("FOLIO_DATABASE"), !env.isEmpty { return env }
        return configured ?? "data/folio.sqlite"
    }
}

/// Reads process environment variables.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }
}
