import FolioAPI
import FolioContent
import FolioWebhooks
import FolioHTTP
import FolioJSON
import Foundation

/// Folio's settings: defaults, then Config/folio.json, then FOLIO_* environment variables, then flags.
/// An unknown key or a bad value stops start-up with a message that names it.
struct Configuration {
    var http = HTTPServerConfiguration()
    var publicDirectory = "Public"
    var logLevel = "info"
    var logFormat = "text"
    var cacheControl = "public, max-age=60, stale-while-revalidate=300"
    /// Header naming a cached response's dependency keys for a CDN; "" sends none.
    var surrogateKeyHeader = "Surrogate-Key"
    /// libdeflate level of gzip responses (see `HeaderPolicy.gzipLevel`).
    var gzipLevel = 2
    /// Brotli quality and zstd level of compressed responses (see `ContentCoding`).
    var brotliQuality = 4
    var zstdLevel = 3
    var corsOrigins = ["*"]
    var responseCacheEntries = 10_000
    var responseCacheBytes = 64 << 20
    var bodyCacheBytes = 64 << 20
    var sampleContent = "Config/sample-content"
    /// The store named in the file (`--database` and FOLIO_DATABASE come first).
    var database: String?
    /// A PostgreSQL URL (`store.url`): the store on PostgreSQL instead of the SQLite file.
    var storeURL: String?
    /// Where the access log goes; nil is standard output. SIGHUP reopens it.
    var accessLogFile: String?
    /// Where this API is reached from outside (absolute links in feeds, JSON-LD, vCards);
    /// nil means http://localhost:PORT.
    var publicURL: String?
    /// Templates with `{slug}` for an article's and an author's human web page.
    var articleURL: String?
    var authorURL: String?
    /// What a search may cost and the threads it runs on (`search` in the file).
    var searchLimits = SearchLimits()
    var searchScheduler = SearchScheduler.Settings()
    /// The write API's guard (`admin` in the file).
    var admin = AdminSettings()
    /// HTTPS (`tls` in the file).
    var tls = TLSOptions()
    /// Webhook delivery (`webhooks` in the file).
    var webhooks = WebhookDeliverer.Settings()
    /// Revisions and previews (`editorial` in the file).
    var editorial = EditorialOptions()

    /// The editorial lifecycle's numbers.
    struct EditorialOptions {
        /// Replaced versions kept per article; 0 keeps all.
        var revisionsKept = 0
    }

    /// HTTPS as configured: off until a certificate and a key are named.
    struct TLSOptions {
        var certificate: String?
        var privateKey: String?
        var port = 8443
        var handshakeTimeout: Double = 10
        var plainHTTP = TLSSettings.PlainHTTP.serve
        var hstsMaxAge = 0

        var isOn: Bool { certificate != nil }
    }

    /// A configuration problem, naming the key or variable.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static let topKeys: Set<String> = [
        "host", "port", "threads", "public", "log_level", "log_format", "access_log", "access_log_file", "cache_control",
        "cors_origins", "drain_timeout", "limits", "response_cache", "body_cache_bytes", "sample_content", "database",
        "public_url", "article_url", "author_url", "search", "admin", "surrogate_key_header", "gzip_level", "brotli_quality", "zstd_level", "tls",
        "editorial", "webhooks", "store",
    ]
    static let storeKeys: Set<String> = ["url"]
    static let webhookKeys: Set<String> = ["timeout", "first_retry", "give_up_hours", "workers"]
    static let editorialKeys: Set<String> = ["revisions_kept", "preview_days"]
    static let tlsKeys: Set<String> = ["certificate", "private_key", "port", "handshake_timeout", "plain_http", "hsts_max_age"]
    static let adminKeys: Set<String> = ["allow_plaintext", "require_if_match", "max_failures", "failure_window", "idempotency_hours"]
    static let searchKeys: Set<String> = [
        "max_length", "max_terms", "max_prefix_terms", "min_prefix_length", "cpu_budget_ms", "workers",
        "expensive_workers", "max_queue", "max_expensive_queue",
    ]
    static let limitKeys: Set<String> = [
        "max_request_line_bytes", "max_header_bytes", "max_header_fields", "max_body_bytes", "max_chunk_extension_bytes",
        "header_timeout", "body_timeout", "idle_timeout", "write_timeout", "max_requests_per_connection",
        "max_connections", "max_pending_output_bytes",
    ]

    /// Loads `path` if it exists (a missing default file is fine; a missing named file is not),
    /// then the environment. The file must be strict JSON: a syntax error is reported with its
    /// line and column, an unknown key or a value of the wrong kind by its name.
    static func load(path: String, required: Bool) throws(Problem) -> Configuration {
        var config = Configuration()
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw Problem(description: "configuration file \(path) does not exist") }
            try config.applyEnvironment()
            return config
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path): cannot be read")
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(data)
        } catch {
            throw Problem(description: "\(path):\(error.line):\(error.column): \(error.message)")
        }
        guard let top = value.members else {
            throw Problem(description: "\(path): the configuration must be a JSON object, not \(ConfigurationFile.show(value))")
        }
        try config.apply(top, from: path)
        try config.applyEnvironment()
        return config
    }

    /// Applies a parsed configuration file's members.
    private mutating func apply(_ top: [JSONMember], from path: String) throws(Problem) {
        let file = ConfigurationFile(path: path)
        try file.refuseUnknown(top, known: Self.topKeys)
        for member in top {
            let v = member.value, key = member.name
            switch key {
            case "host": http.host = try file.string(v, key)
            case "port": http.port = try file.int(v, key, 0...65_535)
            case "threads": http.threads = try file.int(v, key, 0...256)
            case "public": publicDirectory = try file.string(v, key)
            case "log_level": logLevel = try file.string(v, key)
            case "log_format": logFormat = try file.string(v, key)
            case "cache_control": cacheControl = try file.string(v, key)
            case "surrogate_key_header":
                guard let name = v.string, name.isEmpty || name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                    throw file.problem(key, "a header name (letters, digits, -) or \"\" for none", v)
                }
                surrogateKeyHeader = name
            case "gzip_level": gzipLevel = try file.int(v, key, 1...9)
            case "brotli_quality": brotliQuality = try file.int(v, key, 0...11)
            case "zstd_level": zstdLevel = try file.int(v, key, 1...19)
            case "sample_content": sampleContent = try file.string(v, key)
            case "database": database = try file.string(v, key)
            case "store":
                let members = try file.object(v, key)
                try file.refuseUnknown(members, known: Self.storeKeys, prefix: "store.")
                for m in members where m.name == "url" {
                    // Empty: the SQLite file.
                    storeURL = m.value.string == "" ? nil : try file.string(m.value, "store.url")
                }
            case "access_log": http.accessLog = try file.bool(v, key)
            case "access_log_file": accessLogFile = try file.string(v, key)
            case "public_url": publicURL = try file.string(v, key)
            case "article_url": articleURL = try file.string(v, key)
            case "author_url": authorURL = try file.string(v, key)
            case "cors_origins": corsOrigins = try file.strings(v, key)
            case "drain_timeout": http.drainTimeout = try file.seconds(v, key)
            case "body_cache_bytes": bodyCacheBytes = try file.int(v, key, 0...(1 << 40))
            case "response_cache":
                let rc = try file.object(v, key)
                try file.refuseUnknown(rc, known: ["max_entries", "max_bytes"], prefix: "response_cache.")
                for m in rc {
                    let name = "response_cache." + m.name
                    if m.name == "max_entries" { responseCacheEntries = try file.int(m.value, name, 0...10_000_000) }
                    if m.name == "max_bytes" { responseCacheBytes = try file.int(m.value, name, 0...(1 << 40)) }
                }
            case "admin":
                let members = try file.object(v, key)
                try file.refuseUnknown(members, known: Self.adminKeys, prefix: "admin.")
                for m in members {
                    let name = "admin." + m.name
                    switch m.name {
                    case "allow_plaintext": admin.allowPlaintext = try file.bool(m.value, name)
                    case "require_if_match": admin.requireIfMatch = try file.bool(m.value, name)
                    case "max_failures": admin.maxFailures = try file.int(m.value, name, 1...1_000_000)
                    case "failure_window": admin.failureWindow = try file.seconds(m.value, name)
                    case "idempotency_hours": admin.idempotencyTTL = Int64(try file.int(m.value, name, 1...24 * 30)) * 3600
                    default: break
                    }
                }
            case "webhooks":
                let members = try file.object(v, key)
                try file.refuseUnknown(members, known: Self.webhookKeys, prefix: "webhooks.")
                for m in members {
                    let name = "webhooks." + m.name
                    switch m.name {
                    case "timeout": webhooks.timeout = try file.seconds(m.value, name)
                    case "first_retry": webhooks.firstRetry = try file.seconds(m.value, name)
                    case "give_up_hours": webhooks.giveUpAfter = Double(try file.int(m.value, name, 1...24 * 30)) * 3600
                    case "workers": webhooks.workers = try file.int(m.value, name, 1...64)
                    default: break
                    }
                }
            case "editorial":
                let members = try file.object(v, key)
                try file.refuseUnknown(members, known: Self.editorialKeys, prefix: "editorial.")
                for m in members {
                    let name = "editorial." + m.name
                    switch m.name {
                    case "revisions_kept": editorial.revisionsKept = try file.int(m.value, name, 0...1_000_000)
                    case "preview_days": admin.previewLifetime = Int64(try file.int(m.value, name, 1...365)) * 24 * 3600
                    default: break
                    }
                }
            case "tls":
                let members = try file.object(v, key)
                try file.refuseUnknown(members, known: Self.tlsKeys, prefix: "tls.")
                for m in members { try applyTLS(m, file) }
            case "search":
                let members = try file.object(v, key)
                try file.refuseUnknown(members, known: Self.searchKeys, prefix: "search.")
                for m in members { try applySearch(m, file) }
            case "limits":
                let l = try file.object(v, key)
                try file.refuseUnknown(l, known: Self.limitKeys, prefix: "limits.")
                for m in l { try applyLimit(m, file) }
            default: break
            }
        }
    }

    private mutating func applyTLS(_ m: JSONMember, _ file: ConfigurationFile) throws(Problem) {
        let v = m.value, name = "tls." + m.name
        switch m.name {
        case "certificate": tls.certificate = try file.string(v, name)
        case "private_key": tls.privateKey = try file.string(v, name)
        case "port": tls.port = try file.int(v, name, 0...65_535)
        case "handshake_timeout": tls.handshakeTimeout = try file.seconds(v, name)
        case "plain_http":
            guard let mode = v.string.flatMap(TLSSettings.PlainHTTP.init(rawValue:)) else {
                throw file.problem(name, "\"serve\", \"redirect\" or \"off\"", v)
            }
            tls.plainHTTP = mode
        case "hsts_max_age": tls.hstsMaxAge = try file.int(v, name, 0...(10 * 365 * 86_400))
        default: break
        }
    }

    private mutating func applySearch(_ m: JSONMember, _ file: ConfigurationFile) throws(Problem) {
        let v = m.value, name = "search." + m.name
        switch m.name {
        case "max_length": searchLimits.maxLength = try file.int(v, name, 1...10_000)
        case "max_terms": searchLimits.maxTerms = try file.int(v, name, 1...256)
        case "max_prefix_terms": searchLimits.maxPrefixTerms = try file.int(v, name, 0...256)
        case "min_prefix_length": searchLimits.minPrefixLength = try file.int(v, name, 1...100)
        case "cpu_budget_ms": searchLimits.cpuBudget = Double(try file.int(v, name, 1...600_000)) / 1000
        case "workers": searchScheduler.workers = try file.int(v, name, 1...256)
        case "expensive_workers": searchScheduler.expensiveWorkers = try file.int(v, name, 0...256)
        case "max_queue": searchScheduler.maxQueue = try file.int(v, name, 0...1_000_000)
        case "max_expensive_queue": searchScheduler.maxExpensiveQueue = try file.int(v, name, 0...1_000_000)
        default: break
        }
    }

    private mutating func applyLimit(_ m: JSONMember, _ file: ConfigurationFile) throws(Problem) {
        let v = m.value, name = "limits." + m.name
        switch m.name {
        case "max_request_line_bytes": http.limits.maxRequestLineBytes = try file.int(v, name, 64...(1 << 20))
        case "max_header_bytes": http.limits.maxHeaderBytes = try file.int(v, name, 128...(1 << 22))
        case "max_header_fields": http.limits.maxHeaderFields = try file.int(v, name, 1...10_000)
        case "max_body_bytes": http.limits.maxBodyBytes = try file.int(v, name, 0...(1 << 31))
        case "max_chunk_extension_bytes": http.limits.maxChunkExtensionBytes = try file.int(v, name, 0...(1 << 20))
        case "max_requests_per_connection": http.limits.maxRequestsPerConnection = try file.int(v, name, 0...Int(Int32.max))
        case "max_connections": http.limits.maxConnections = try file.int(v, name, 1...1_000_000)
        case "max_pending_output_bytes": http.limits.maxPendingOutputBytes = try file.int(v, name, 1024...(1 << 34))
        case "header_timeout": http.limits.headerTimeout = try file.seconds(v, name)
        case "body_timeout": http.limits.bodyTimeout = try file.seconds(v, name)
        case "idle_timeout": http.limits.idleTimeout = try file.seconds(v, name)
        case "write_timeout": http.limits.writeTimeout = try file.seconds(v, name)
        default: break
        }
    }

    /// FOLIO_HOST, FOLIO_PORT, FOLIO_THREADS, FOLIO_PUBLIC, FOLIO_LOG_LEVEL, FOLIO_LOG_FORMAT,
    /// FOLIO_ACCESS_LOG_FILE, FOLIO_PUBLIC_URL, FOLIO_ARTICLE_URL, FOLIO_AUTHOR_URL,
    /// FOLIO_TLS_CERT, FOLIO_TLS_KEY, FOLIO_TLS_PORT.
    mutating func applyEnvironment() throws(Problem) {
        if let v = Environment.value("FOLIO_HOST"), !v.isEmpty { http.host = v }
        if let v = Environment.value("FOLIO_PORT"), !v.isEmpty {
            guard let n = Int(v), (0...65_535).contains(n) else { throw Problem(description: "FOLIO_PORT: \"\(v)\" is not a port number") }
            http.port = n
        }
        if let v = Environment.value("FOLIO_THREADS"), !v.isEmpty {
            guard let n = Int(v), (0...256).contains(n) else { throw Problem(description: "FOLIO_THREADS: \"\(v)\" is not a number in 0...256") }
            http.threads = n
        }
        if let v = Environment.value("FOLIO_PUBLIC"), !v.isEmpty { publicDirectory = v }
        if let v = Environment.value("FOLIO_LOG_LEVEL"), !v.isEmpty { logLevel = v }
        if let v = Environment.value("FOLIO_LOG_FORMAT"), !v.isEmpty { logFormat = v }
        if let v = Environment.value("FOLIO_ACCESS_LOG_FILE"), !v.isEmpty { accessLogFile = v }
        if let v = Environment.value("FOLIO_PUBLIC_URL"), !v.isEmpty { publicURL = v }
        if let v = Environment.value("FOLIO_ARTICLE_URL"), !v.isEmpty { articleURL = v }
        if let v = Environment.value("FOLIO_AUTHOR_URL"), !v.isEmpty { authorURL = v }
        if let v = Environment.value("FOLIO_TLS_CERT"), !v.isEmpty { tls.certificate = v }
        if let v = Environment.value("FOLIO_TLS_KEY"), !v.isEmpty { tls.privateKey = v }
        if let v = Environment.value("FOLIO_TLS_PORT"), !v.isEmpty {
            guard let n = Int(v), (0...65_535).contains(n) else { throw Problem(description: "FOLIO_TLS_PORT: \"\(v)\" is not a port number") }
            tls.port = n
        }
        try validate()
    }

    func validate() throws(Problem) {
        if (tls.certificate == nil) != (tls.privateKey == nil) {
            throw Problem(description: "tls.certificate and tls.private_key go together: name both files (or neither, for plain HTTP only)")
        }
        if !tls.isOn, tls.plainHTTP != .serve {
            throw Problem(description: "tls.plain_http \"\(tls.plainHTTP.rawValue)\" needs HTTPS: name tls.certificate and tls.private_key")
        }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw Problem(description: "log level \"\(logLevel)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard logFormat == "text" || logFormat == "json" else {
            throw Problem(description: "log format \"\(logFormat)\" must be text or json")
        }
        if let publicURL, !PublicURLs.isAbsoluteHTTP(publicURL) {
            throw Problem(description: "public_url \"\(publicURL)\" must be an absolute http or https URL such as https://api.example.org")
        }
        if searchScheduler.expensiveWorkers >= searchScheduler.workers, searchScheduler.workers > 1 {
            throw Problem(description: "search.expensive_workers (\(searchScheduler.expensiveWorkers)) must be below search.workers (\(searchScheduler.workers)), so ordinary searches keep a thread")
        }
        for (key, template) in [("article_url", articleURL), ("author_url", authorURL)] {
            guard let template else { continue }
            guard PublicURLs.isAbsoluteHTTP(template), template.contains("{slug}") else {
                throw Problem(description: "\(key) \"\(template)\" must be an absolute http or https URL containing {slug}, such as https://www.example.org/{slug}")
            }
        }
    }
}
