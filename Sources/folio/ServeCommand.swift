import ArgumentParser
import FolioAPI
import FolioContent
import FolioWebhooks
import FolioHTTP
import FolioPostgres
import Foundation

/// `folio serve`: load the content, start the event loops; SIGHUP reopens the access log and
/// reloads the content, SIGTERM/SIGINT drain and stop.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP server (the default command).",
        discussion: "Listens on 127.0.0.1:8080 unless told otherwise (a container sets FOLIO_HOST=0.0.0.0). "
            + "SIGHUP reopens the access-log file, reloads the TLS certificate and the content from the store; SIGTERM or SIGINT "
            + "stop accepting, finish what is in flight (drain_timeout) and exit.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on: 127.0.0.1 (default), 0.0.0.0, ::1, :: … (env FOLIO_HOST).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (env FOLIO_PORT).") var port: Int?
    @Option(help: "Event-loop threads; 0 means one per core (env FOLIO_THREADS).") var threads: Int?
    @Option(name: .customLong("public"), help: "Folder of static files served at / (env FOLIO_PUBLIC).") var publicDirectory: String?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for HTTPS (env FOLIO_TLS_CERT); with --tls-key.") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS (env FOLIO_TLS_KEY).") var tlsKey: String?
    @Option(name: .customLong("tls-port"), help: "HTTPS port, default 8443; 0 picks a free one (env FOLIO_TLS_PORT).") var tlsPort: Int?

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port \(port) is not a port number") }
        if let threads, !(0...256).contains(threads) { throw ValidationError("--threads \(threads) is not in 0...256") }
        if let tlsPort, !(0...65_535).contains(tlsPort) { throw ValidationError("--tls-port \(tlsPort) is not a port number") }
    }

    func run() throws {
        let started = MonotonicClock.now()
        var config = try store.loadConfiguration(requiredIfNamed: true)
        if let host { config.http.host = host }
        if let port { config.http.port = port }
        if let threads { config.http.threads = threads }
        if let publicDirectory { config.publicDirectory = publicDirectory }
        if let tlsCertificate { config.tls.certificate = tlsCertificate }
        if let tlsKey { config.tls.privateKey = tlsKey }
        if let tlsPort { config.tls.port = tlsPort }
        do { try config.validate() } catch { throw RunFailure(error.description) }
        config.http.accessLogJSON = config.logFormat == "json"
        let log = ServerLog.logger(level: config.logLevel, json: config.http.accessLogJSON)

        Signals.block()
        let listenAddress = Self.display(host: config.http.host, port: config.http.port)
        if config.tls.plainHTTP != .off {
            do {
                config.http.port = try HTTPServer.claimPort(host: config.http.host, port: config.http.port)
            } catch {
                throw RunFailure("cannot listen on \(listenAddress): \(error)")
            }
        }
        let tlsContext = try Self.tlsSettings(&config)
        var logFile: AccessLogFile?
        if let path = config.accessLogFile, config.http.accessLog {
            do { logFile = try AccessLogFile(path: path) } catch { throw RunFailure(error.description) }
            config.http.accessLogFD = logFile!.fd
        }
        let health = HealthState()
        let databaseURL = store.databaseURL ?? Environment.value("FOLIO_DATABASE_URL").flatMap({ $0.isEmpty ? nil : $0 }) ?? config.storeURL
        let databasePath = store.databasePath(configured: config.database)
        let content: LoadedContent
        if let url = databaseURL {
            guard PostgresStore.isPostgresURL(url) else { throw RunFailure("store.url must be postgres://… or postgresql://…") }
            // A replica started while its database is down waits for it (and says so), as one
            // started by an orchestrator beside a database that is still starting must.
            var delay = 0.5
            var attempt = 0
            while true {
                do {
                    content = try LoadedContent.openPostgres(url: url, bodyCacheBytes: config.bodyCacheBytes,
                                                             searchConnections: config.searchScheduler.workers)
                    break
                } catch let error as PostgresError where error.sqlState == nil {  // could not connect
                    attempt += 1
                    if attempt == 1 || attempt % 10 == 0 {
                        log.warning("folio: waiting for PostgreSQL \(PostgresStore.withoutPassword(url)) (retrying): \(error.message)")
                    }
                    Thread.sleep(forTimeInterval: delay * Double.random(in: 0.5...1.5))
                    if let signal = Signals.poll(), signal != SIGHUP {
                        log.info("folio: \(Signals.name(signal)) received while waiting for PostgreSQL; bye")
                        return
                    }
                    delay = min(5, delay * 2)
                } catch {
                    throw RunFailure("cannot open the content store \(PostgresStore.withoutPassword(url)): \(error)")
                }
            }
        } else {
            do {
                content = try LoadedContent.open(databasePath: databasePath, sampleContent: config.sampleContent,
                                                 bodyCacheBytes: config.bodyCacheBytes, searchConnections: config.searchScheduler.workers,
                                                 revisionsKept: config.editorial.revisionsKept)
            } catch {
                throw RunFailure("cannot open the content store \(databasePath): \(error)")
            }
        }
        let defaultAPI = config.http.tls.map { tls in
            config.tls.plainHTTP == .serve ? nil : "https://" + Self.display(host: Self.linkHost(config.http.host), port: tls.port)
        } ?? nil
        let urls = PublicURLs(api: config.publicURL ?? defaultAPI ?? "http://" + Self.display(host: Self.linkHost(config.http.host), port: config.http.port),
                              articlePage: config.articleURL, authorPage: config.authorURL)
        let policy = HeaderPolicy(cacheControl: config.cacheControl, corsOrigins: config.corsOrigins,
                                  surrogateKeyHeader: config.surrogateKeyHeader.isEmpty ? nil : config.surrogateKeyHeader,
                                  gzipLevel: Int32(config.gzipLevel), brotliQuality: Int32(config.brotliQuality),
                                  zstdLevel: Int32(config.zstdLevel))
        let app = FolioApp(snapshots: content.snapshots, bodies: content.bodies, search: content.search,
                           cache: ResponseCache(maxEntries: config.responseCacheEntries, maxBytes: config.responseCacheBytes),
                           policy: policy, health: health, urls: urls, searchLimits: config.searchLimits,
                           searchScheduler: SearchScheduler(config.searchScheduler), writer: content.writer,
                           adminAuth: content.store.map { AdminAuth(store: $0, settings: config.admin) }, changesLog: content.changes)
        // A PostgreSQL replica applies what other processes write, then drops what it made stale.
        content.replica?.onChange { [app] change in app.contentChanged(change) }
        content.replica?.start()
        if let replica = content.replica { health.reportDegradation { replica.degradation } }
        // Scheduled articles go public at their time, and at once if it passed while the server was down.
        let scheduler = content.writer.map { PublishScheduler(writer: $0) }
        scheduler?.start { error in log.warning("folio: publishing scheduled articles failed (retrying): \(error)") }
        // Writes by other processes (`folio import` while serving) appear within a second.
        content.writer?.follow(every: 1) { error in log.warning("folio: following the changes log or checkpointing the WAL failed: \(error)") }
        // Webhooks: the outbox's deliveries posted after each commit, retried with backoff.
        let webhooks: WebhookDeliverer?
        do {
            webhooks = try content.writer.map { writer in
                try WebhookDeliverer(writer: writer, settings: config.webhooks) { message in
                    log.warning("folio: \(message)")
                }
            }
        } catch {
            throw RunFailure("cannot open the webhook outbox: \(error)")
        }
        webhooks?.start()
        let files = StaticFiles(root: config.publicDirectory)
        let metrics = Metrics()
        if let webhooks {
            metrics.addGauges {
                let attempts = webhooks.attempts
                let waiting = webhooks.outboxCounts
                return [
                    ("folio_webhook_attempts_delivered_total", "Webhook posts answered with a 2xx.", Double(attempts.delivered)),
                    ("folio_webhook_attempts_retried_total", "Webhook posts that failed and will be tried again.", Double(attempts.retried)),
                    ("folio_webhook_attempts_failed_total", "Webhook deliveries given up on (see folio webhook deliveries --failed).", Double(attempts.failed)),
                    ("folio_webhook_pending", "Webhook deliveries waiting in the outbox.", Double(waiting.pending)),
                    ("folio_webhook_failed", "Webhook deliveries given up on, in the outbox.", Double(waiting.failed)),
                ]
            }
        }
        if let writer = content.writer {
            metrics.addGauges {
                let merges = writer.searchMergeSteps
                let commits = writer.commitCounts
                return [
                    ("folio_write_commits_total", "Write transactions committed (concurrent writes share one: group commit).", Double(commits.batches)),
                    ("folio_write_committed_writes_total", "Writes carried by those commits.", Double(commits.writes)),
                    ("folio_search_merge_steps_total", "Full-text index merge steps run while writes were quiet.", Double(merges.count)),
                    ("folio_search_merge_step_seconds_max", "The longest merge step (a write arriving meanwhile waits for it).", merges.longestSeconds),
                ]
            }
        }
        metrics.addGauges { [snapshots = content.snapshots, cache = app.cache, scheduler = app.searchScheduler] in
            let snapshot = snapshots.current()
            let usage = cache.usage
            let searches = scheduler.counts
            let costs = scheduler.costs
            return [
                ("folio_search_cpu_seconds_total", "CPU time spent in searches.", costs.cpuSeconds),
                ("folio_search_cpu_seconds_max", "CPU time of the most expensive search since start.", costs.maxCPUSeconds),
                ("folio_searches_over_budget_total", "Searches stopped by their CPU budget (400).", Double(costs.stoppedByBudget)),
                ("folio_searches_total", "Searches run on the search threads.", Double(searches.completed)),
                ("folio_searches_refused_total", "Searches refused with 503 because too many were waiting.", Double(searches.refused)),
                ("folio_searches_queued", "Searches waiting for a search thread.", Double(searches.queued)),
                ("folio_snapshot_generation", "Generation of the content snapshot being served.", Double(snapshot.generation)),
                ("folio_articles_loaded", "Articles in the content snapshot.", Double(snapshot.articles.count)),
                ("folio_response_cache_entries", "Encoded responses cached.", Double(usage.entries)),
                ("folio_response_cache_bytes", "Bytes held by the response cache.", Double(usage.bytes)),
                ("folio_response_cache_hits_total", "Response cache lookups that found a response.", Double(usage.hits)),
                ("folio_response_cache_misses_total", "Response cache lookups that found nothing.", Double(usage.misses)),
                ("folio_response_cache_evictions_total", "Responses evicted to make room.", Double(usage.evictions)),
                ("folio_response_cache_invalidations_total", "Responses dropped because a write changed what they were built from.", Double(usage.invalidations)),
                ("folio_response_cache_too_large_total", "Responses served but not cached (over 1/64 of the byte budget).", Double(usage.tooLarge)),
            ]
        }
        let responder = APIResponder(router: app.makeRouter(), staticFiles: files, policy: policy, metrics: metrics)
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: config.http, responder: responder)
        } catch {
            throw RunFailure("cannot listen on \(listenAddress): \(error)")
        }
        metrics.attach(server.control)
        server.start()
        health.markReady()
        let ms = Int((MonotonicClock.now() - started) * 1000)
        if let imported = content.sampleImported { log.info("folio: empty store, loaded sample content (\(imported))") }
        if let replica = content.replica {
            log.notice("folio: serving PostgreSQL \(replica.location) as a replica (following its changes log; writes over HTTP are not served from PostgreSQL yet)")
        }
        if content.isReadOnlySQLite {
            log.notice("folio: read-only store \(databasePath): serving it, writes are off")
        }
        var listening: [String] = []
        if config.tls.plainHTTP != .off {
            listening.append("http://\(Self.display(host: config.http.host, port: server.port))"
                             + (config.tls.plainHTTP == .redirect ? " (redirecting to HTTPS)" : ""))
        }
        if let tlsPort = server.tlsPort {
            listening.append("https://\(Self.display(host: config.http.host, port: tlsPort)) (kernel TLS \(TLSContext.kernelTLSOffered ? "offered by the kernel" : "not offered by this kernel"))")
        }
        let articleCount = content.snapshots.current().articles.count
        log.info("folio listening on \(listening.joined(separator: " and ")) — \(articleCount) articles, \(server.threadCount) loops, \(files.count) static files, links to \(urls.api), started in \(ms) ms")

        while true {
            let signal = Signals.wait()
            guard signal == SIGHUP else {
                health.markDraining()
                log.info("folio: \(Signals.name(signal)) received, draining \(server.control.connectionCount) connections")
                break
            }
            let (message, failed) = Self.reload(content: content, logFile: logFile, cache: app.cache, tls: tlsContext)
            if failed { log.warning("\(message)") } else { log.info("\(message)") }
        }
        let report = server.shutdown()
        log.info("folio: drained \(report.drained) connections, closed \(report.forced) at the deadline; bye")
    }

    /// SIGHUP: reopen the access-log file, reload the content; one line saying what happened.
    /// What SIGHUP does; the line saying what was done, and whether any part of it failed.
    static func reload(content: LoadedContent, logFile: AccessLogFile?, cache: ResponseCache, tls: TLSContextHolder?) -> (String, failed: Bool) {
        var done: [String] = []
        var failed = false
        if let tls {
            do {
                try tls.reload()
                done.append("reloaded the TLS certificate \(tls.context.certificatePath) for new connections")
            } catch {
                done.append("\(error) (still using the previous certificate)")
                failed = true
            }
        }
        if let logFile {
            do {
                try logFile.reopen()
                done.append("reopened the access log \(logFile.path)")
            } catch {
                done.append("\(error) (still writing to the old file)")
                failed = true
            }
        }
        let started = MonotonicClock.now()
        do {
            let snapshot = try content.reload()
            if content.writer == nil { cache.invalidateAll(generation: snapshot.generation) }  // else the writer told the cache
            let ms = Int((MonotonicClock.now() - started) * 1000)
            done.append("reloaded the content: \(snapshot.articles.count) articles, generation \(snapshot.generation), in \(ms) ms")
        } catch {
            done.append("could not reload the content, still serving the previous snapshot: \(error)")
            failed = true
        }
        return ("folio: SIGHUP: " + done.joined(separator: "; "), failed)
    }

    /// Reads the certificate and key (stopping start-up with a message naming a bad file), claims
    /// the HTTPS port, and puts the settings into `config.http.tls`. nil when HTTPS is off.
    static func tlsSettings(_ config: inout Configuration) throws -> TLSContextHolder? {
        guard let certificate = config.tls.certificate, let key = config.tls.privateKey else { return nil }
        let context: TLSContext
        do {
            context = try TLSContext(certificate: certificate, key: key)
        } catch {
            throw RunFailure(error.description)
        }
        let holder = TLSContextHolder(context)
        let port: Int
        do {
            port = try HTTPServer.claimPort(host: config.http.host, port: config.tls.port)
        } catch {
            throw RunFailure("cannot listen on \(display(host: config.http.host, port: config.tls.port)) for HTTPS: \(error)")
        }
        var settings = TLSSettings(context: holder, port: port)
        settings.handshakeTimeout = config.tls.handshakeTimeout
        settings.plainHTTP = config.tls.plainHTTP
        settings.hstsMaxAge = config.tls.hstsMaxAge
        config.http.tls = settings
        return holder
    }

    /// Whether the kernel has its TLS layer (the "tls" upper-layer protocol); OpenSSL then hands
    /// record encryption to it for the ciphers it supports.
    /// "127.0.0.1:8080", "[::1]:8080".
    static func display(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The host for default absolute links: a wildcard or loopback address means this machine.
    static func linkHost(_ host: String) -> String {
        ["0.0.0.0", "::", "127.0.0.1", "::1"].contains(host) ? "localhost" : host
    }
}
