import ArgumentParser
import FolioAPI
import FolioContent
import FolioHTTP
import Foundation

/// `folio serve`: load the content, start the event loops, drain on SIGTERM/SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server (the default command).")

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on (env FOLIO_HOST).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (env FOLIO_PORT).") var port: Int?
    @Option(help: "Event-loop threads; 0 means one per core (env FOLIO_THREADS).") var threads: Int?
    @Option(name: .customLong("public"), help: "Folder of static files served at / (env FOLIO_PUBLIC).") var publicDirectory: String?

    func run() throws {
        let started = MonotonicClock.now()
        var config: Configuration
        do {
            let explicit = CommandLine.arguments.contains("--config")
            (config, _) = try Configuration.load(path: store.config, required: explicit)
        } catch {
            throw ArgumentParser.ValidationError(error.description)
        }
        if let host { config.http.host = host }
        if let port {
            guard (0...65_535).contains(port) else { throw ArgumentParser.ValidationError("--port \(port) is not a port number") }
            config.http.port = port
        }
        if let threads {
            guard (0...256).contains(threads) else { throw ArgumentParser.ValidationError("--threads \(threads) is not in 0...256") }
            config.http.threads = threads
        }
        if let publicDirectory { config.publicDirectory = publicDirectory }
        config.http.accessLogJSON = config.logFormat == "json"

        Signals.blockTermination()
        let health = HealthState()
        let databasePath = store.databasePath
        let content: LoadedContent
        do {
            content = try LoadedContent.open(databasePath: databasePath, sampleContent: config.sampleContent,
                                             bodyCacheBytes: config.bodyCacheBytes)
        } catch {
            throw ArgumentParser.ValidationError("cannot open the content store \(databasePath): \(error)")
        }
        let policy = HeaderPolicy(cacheControl: config.cacheControl, corsOrigins: config.corsOrigins)
        let app = FolioApp(snapshots: content.snapshots, bodies: content.bodies, search: content.search,
                           cache: ResponseCache(maxEntries: config.responseCacheEntries, maxBytes: config.responseCacheBytes),
                           policy: policy, health: health)
        let files = StaticFiles(root: config.publicDirectory)
        let metrics = Metrics()
        metrics.addGauges { [snapshots = content.snapshots, cache = app.cache] in
            let snapshot = snapshots.current()
            let usage = cache.usage
            return [
                ("folio_snapshot_generation", "Generation of the content snapshot being served.", Double(snapshot.generation)),
                ("folio_articles_loaded", "Articles in the content snapshot.", Double(snapshot.articles.count)),
                ("folio_response_cache_entries", "Encoded responses cached.", Double(usage.entries)),
                ("folio_response_cache_bytes", "Bytes held by the response cache.", Double(usage.bytes)),
            ]
        }
        let responder = APIResponder(router: app.makeRouter(), staticFiles: files, policy: policy, metrics: metrics)
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: config.http, responder: responder)
        } catch {
            throw ArgumentParser.ValidationError("cannot listen on \(config.http.host):\(config.http.port): \(error)")
        }
        metrics.attach(server.control)
        server.start()
        health.markReady()
        let ms = Int((MonotonicClock.now() - started) * 1000)
        if let imported = content.sampleImported { Console.out("folio: empty store, loaded sample content (\(imported))") }
        Console.out("folio listening on http://\(config.http.host):\(server.port) — \(content.snapshots.current().articles.count) articles, \(server.threadCount) loops, \(files.count) static files, started in \(ms) ms")

        let signal = Signals.waitForTermination()
        health.markDraining()
        Console.out("folio: \(signal == SIGTERM ? "SIGTERM" : "SIGINT") received, draining \(server.control.connectionCount) connections")
        let report = server.shutdown()
        Console.out("folio: drained \(report.drained) connections, closed \(report.forced) at the deadline; bye")
    }
}
