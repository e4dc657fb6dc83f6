import FolioHTTP
import Foundation

/// Folio's settings: defaults, then Config/folio.json, then FOLIO_* environment variables, then flags.
/// An unknown key or a bad value stops start-up with a message that names it.
struct Configuration {
    var http = HTTPServerConfiguration()
    var publicDirectory = "Public"
    var logLevel = "info"
    var logFormat = "text"
    var cacheControl = "public, max-age=60, stale-while-revalidate=300"
    var corsOrigins = ["*"]
    var responseCacheEntries = 10_000
    var responseCacheBytes = 64 << 20
    var bodyCacheBytes = 64 << 20
    var sampleContent = "Config/sample-content"

    /// A configuration problem, naming the key or variable.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static let topKeys: Set<String> = [
        "host", "port", "threads", "public", "log_level", "log_format", "access_log", "cache_control",
        "cors_origins", "drain_timeout", "limits", "response_cache", "body_cache_bytes", "sample_content", "database",
    ]
    static let limitKeys: Set<String> = [
        "max_request_line_bytes", "max_header_bytes", "max_header_fields", "max_body_bytes", "max_chunk_extension_bytes",
        "header_timeout", "body_timeout", "idle_timeout", "write_timeout", "max_requests_per_connection",
        "max_connections", "max_pending_output_bytes",
    ]

    /// Loads `path` if it exists (a missing default file is fine; a missing named file is not).
    static func load(path: String, required: Bool) throws(Problem) -> (Configuration, database: String?) {
        var config = Configuration()
        var database: String?
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw Problem(description: "configuration file \(path) does not exist") }
            try config.applyEnvironment()
            return (config, nil)
        }
        guard let data = FileManager.default.contents(atPath: path),
              let json = try? JSONSerialization.jsonObject(with: data), let top = json as? [String: Any]
        else { throw Problem(description: "\(path): not a JSON object") }
        for key in top.keys where !topKeys.contains(key) {
            throw Problem(description: "\(path): unknown key \"\(key)\"")
        }
        func string(_ key: String) throws(Problem) -> String? {
            guard let v = top[key] else { return nil }
            guard let s = v as? String, !s.isEmpty else { throw Problem(description: "\(path): \"\(key)\" must be a non-empty string") }
            return s
        }
        func int(_ dict: [String: Any], _ key: String, _ range: ClosedRange<Int>, _ prefix: String = "") throws(Problem) -> Int? {
            guard let v = dict[key] else { return nil }
            guard !Configuration.isJSONBool(v), let n = v as? Int, range.contains(n) else {
                throw Problem(description: "\(path): \"\(prefix)\(key)\" must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        func seconds(_ dict: [String: Any], _ key: String, _ prefix: String = "") throws(Problem) -> Double? {
            guard let v = dict[key] else { return nil }
            guard !Configuration.isJSONBool(v), let n = (v as? Double) ?? (v as? Int).map(Double.init), n > 0, n <= 86_400 else {
                throw Problem(description: "\(path): \"\(prefix)\(key)\" must be a number of seconds in (0, 86400]")
            }
            return n
        }
        if let v = try string("host") { config.http.host = v }
        if let v = try int(top, "port", 0...65_535) { config.http.port = v }
        if let v = try int(top, "threads", 0...256) { config.http.threads = v }
        if let v = try string("public") { config.publicDirectory = v }
        if let v = try string("log_level") { config.logLevel = v }
        if let v = try string("log_format") { config.logFormat = v }
        if let v = try string("cache_control") { config.cacheControl = v }
        if let v = try string("sample_content") { config.sampleContent = v }
        if let v = try string("database") { database = v }
        if let v = top["access_log"] {
            guard Configuration.isJSONBool(v), let b = v as? Bool else { throw Problem(description: "\(path): \"access_log\" must be true or false") }
            config.http.accessLog = b
        }
        if let v = top["cors_origins"] {
            guard let list = v as? [String] else { throw Problem(description: "\(path): \"cors_origins\" must be an array of strings") }
            config.corsOrigins = list
        }
        if let v = try seconds(top, "drain_timeout") { config.http.drainTimeout = v }
        if let v = try int(top, "body_cache_bytes", 0...(1 << 40)) { config.bodyCacheBytes = v }
        if let v = top["response_cache"] {
            guard let rc = v as? [String: Any] else { throw Problem(description: "\(path): \"response_cache\" must be an object") }
            for key in rc.keys where key != "max_entries" && key != "max_bytes" {
                throw Problem(description: "\(path): unknown key \"response_cache.\(key)\"")
            }
            if let n = try int(rc, "max_entries", 0...10_000_000, "response_cache.") { config.responseCacheEntries = n }
            if let n = try int(rc, "max_bytes", 0...(1 << 40), "response_cache.") { config.responseCacheBytes = n }
        }
        if let v = top["limits"] {
            guard let l = v as? [String: Any] else { throw Problem(description: "\(path): \"limits\" must be an object") }
            for key in l.keys where !limitKeys.contains(key) {
                throw Problem(description: "\(path): unknown key \"limits.\(key)\"")
            }
            var limits = config.http.limits
            let p = "limits."
            if let n = try int(l, "max_request_line_bytes", 64...(1 << 20), p) { limits.maxRequestLineBytes = n }
            if let n = try int(l, "max_header_bytes", 128...(1 << 22), p) { limits.maxHeaderBytes = n }
            if let n = try int(l, "max_header_fields", 1...10_000, p) { limits.maxHeaderFields = n }
            if let n = try int(l, "max_body_bytes", 0...(1 << 31), p) { limits.maxBodyBytes = n }
            if let n = try int(l, "max_chunk_extension_bytes", 0...(1 << 20), p) { limits.maxChunkExtensionBytes = n }
            if let n = try int(l, "max_requests_per_connection", 0...Int(Int32.max), p) { limits.maxRequestsPerConnection = n }
            if let n = try int(l, "max_connections", 1...1_000_000, p) { limits.maxConnections = n }
            if let n = try int(l, "max_pending_output_bytes", 1024...(1 << 34), p) { limits.maxPendingOutputBytes = n }
            if let s = try seconds(l, "header_timeout", p) { limits.headerTimeout = s }
            if let s = try seconds(l, "body_timeout", p) { limits.bodyTimeout = s }
            if let s = try seconds(l, "idle_timeout", p) { limits.idleTimeout = s }
            if let s = try seconds(l, "write_timeout", p) { limits.writeTimeout = s }
            config.http.limits = limits
        }
        try config.applyEnvironment()
        return (config, database)
    }

    /// JSONSerialization's booleans are NSNumbers that also cast to Int; tell them apart by type.
    static func isJSONBool(_ v: Any) -> Bool {
        if let n = v as? NSNumber { return String(cString: n.objCType) == "c" }
        return v is Bool
    }

    /// FOLIO_HOST, FOLIO_PORT, FOLIO_THREADS, FOLIO_PUBLIC, FOLIO_LOG_LEVEL, FOLIO_LOG_FORMAT.
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
        try validate()
    }

    func validate() throws(Problem) {
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw Problem(description: "log level \"\(logLevel)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard logFormat == "text" || logFormat == "json" else {
            throw Problem(description: "log format \"\(logFormat)\" must be text or json")
        }
    }
}
