import ArgumentParser
import FolioAPI
import FolioContent
import FolioWebhooks
import Foundation

/// `folio webhook add|list|remove|deliveries|retry`: endpoints that hear of every change after
/// its commit, signed the Standard Webhooks way. A running server sees a new endpoint with the
/// next write.
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Add, list and remove webhook endpoints; list and retry deliveries.",
        subcommands: [Add.self, List.self, Remove.self, Deliveries.self, Retry.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an endpoint and print its signing secret once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The endpoint's http(s) URL.") var url: String
        @Option(help: "Comma-separated events (\(WebhookEvent.all.joined(separator: ", "))), or * for every content event.")
        var events: String = "*"

        var eventList: [String] { events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

        func validate() throws {
            guard PublicURLs.isAbsoluteHTTP(url) else { throw ValidationError("the URL must be http:// or https:// with a host") }
            let unknown = eventList.filter { $0 != "*" && !WebhookEvent.all.contains($0) }
            guard !eventList.isEmpty, unknown.isEmpty else {
                throw ValidationError("unknown events \(unknown.joined(separator: ", ")); known: \(WebhookEvent.all.joined(separator: ", ")) or *")
            }
        }

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath())
            let secret = WebhookSignature.newSecret()
            let id = try db.addWebhook(url: url, events: eventList, secret: secret)
            print(secret)
            FileHandle.standardError.write(Data("webhook \(id) added for \(eventList.joined(separator: ",")); its secret is shown only now\n".utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List endpoints with pending, delivered and failed deliveries.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath(), access: .readOnly)
            print("id\turl\tevents\tpending\tdelivered\tfailed")
            for w in try db.webhooks() {
                print("\(w.id)\t\(w.url)\t\(w.events.joined(separator: ","))\t\(w.pending)\t\(w.delivered)\t\(w.failed)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint and its deliveries.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The endpoint's id (from list).") var id: Int64

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath())
            guard try db.removeWebhook(id: id) else { throw RunFailure("no webhook with id \(id)") }
            print("webhook \(id) removed")
        }
    }

    struct Deliveries: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deliveries, newest first.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Only those given up on.") var failed = false
        @Option(help: "Only this endpoint's.") var webhook: Int64?
        @Option(help: "At most this many.") var limit = 100

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath(), access: .readOnly)
            print("id\twebhook\tevent\tseq\tstate\tattempts\tlast status\tlast error")
            for d in try db.webhookDeliveries(webhookID: webhook, state: failed ? "failed" : nil, limit: limit) {
                print("\(d.id)\t\(d.webhookID)\t\(d.event)\t\(d.seq)\t\(d.state)\t\(d.attempts)\t\(d.lastStatus.map(String.init) ?? "-")\t\(d.lastError ?? "-")")
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed delivery again (same webhook-id).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The delivery's id (from deliveries --failed).") var id: Int64

        func run() throws {
            let db = try SQLiteStore(path: try store.resolvedDatabasePath())
            guard try db.retryWebhookDelivery(id: id) else { throw RunFailure("no failed delivery with id \(id)") }
            print("delivery \(id) queued again")
        }
    }
}
