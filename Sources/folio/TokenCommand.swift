import ArgumentParser
import FolioAPI
import FolioContent
import Foundation

/// `folio token create|list|revoke`: API tokens for the write API, stored as SHA-256 hashes.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens for writes.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once (only its hash is stored).")
        @OptionGroup var store: StoreOptions
        @Option(help: "A name for the token (who or what uses it); shown in the changes log.") var name: String
        @Option(help: "content:write, content:read-drafts or admin.") var scope: String

        func validate() throws {
            guard APIToken.scopes.contains(scope) else {
                throw ValidationError("--scope must be one of \(APIToken.scopes.joined(separator: ", "))")
            }
            guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
                throw ValidationError("--name must be 1–100 letters, digits, - _ . or @")
            }
        }

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath())
            let token = APIToken.generate()
            do {
                try db.createToken(name: name, scope: scope, hash: APIToken.hash(token), at: Int64(Date().timeIntervalSince1970))
            } catch RepositoryError.slugTaken {
                throw RunFailure("a token named \"\(name)\" exists; revoke it or choose another name")
            }
            print(token)
            FileHandle.standardError.write(Data("token \"\(name)\" (\(scope)) created; it is shown only now\n".utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: name, scope, created, last used, revoked.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath(), access: .readOnly)
            func date(_ t: Int64?) -> String { t.map { ISOStamp.format(seconds: $0) } ?? "-" }
            print("name\tscope\tcreated\tlast used\trevoked")
            for t in try db.tokens() {
                print("\(t.name)\t\(t.scope)\t\(date(t.createdAt))\t\(date(t.lastUsedAt))\t\(date(t.revokedAt))")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name (at once, also for a running server).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token's name.") var name: String

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath())
            guard try db.revokeToken(name: name, at: Int64(Date().timeIntervalSince1970)) else {
                throw RunFailure("no active token named \"\(name)\"")
            }
            print("token \"\(name)\" revoked")
        }
    }
}
