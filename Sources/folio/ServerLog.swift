import FolioHTTP
import FolioJSON
import Logging

/// The server's own events (start-up, reloads, drain, TLS and store failures) through swift-log's
/// `Logger`, filtered by `log_level` and written by `ServerLogHandler` as plain lines or, with
/// `log_format` json, one JSON object per line. The access log is not this: it stays the event
/// loops' own fast path.
enum ServerLog {
    static func logger(level: String, json: Bool) -> Logger {
        var logger = Logger(label: "folio") { _ in ServerLogHandler(json: json) }
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}

/// Writes each event as one unbuffered line on standard output: the message alone (text), or
/// `{"time":…,"level":…,"message":…}` plus the event's metadata (json, the same shape family as
/// the JSON access log, so a log shipper reads one format).
struct ServerLogHandler: LogHandler {
    let json: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        guard json else {
            let suffix = fields.isEmpty ? "" : " " + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            Console.out(event.message.description + suffix)
            return
        }
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("time")
        w.string(ISOStamp.format(seconds: MonotonicClock.wallSeconds()))
        w.key("level")
        w.string(event.level.rawValue)
        w.key("message")
        w.string(event.message.description)
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            w.key(key)
            w.string(value.description)
        }
        w.endObject()
        Console.out(String(decoding: w.bytes, as: UTF8.self))
    }
}
