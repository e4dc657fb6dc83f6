import FolioContent
import FolioPostgres
import Foundation

/// The content `serve` starts with. On SQLite (the default): the store (sample content loaded
/// into an empty one), the first snapshot, the body store, the search index, the writer. On
/// PostgreSQL (`store.url`): a replica following the changes log, serving reads, search and the
/// changes feed; writes are not served from PostgreSQL yet (503).
struct LoadedContent {
    let snapshots: SnapshotHolder
    let bodies: BodyStore
    /// The SQLite store (nil on PostgreSQL).
    let store: SQLiteStore?
    let search: (any FullTextSearch)?
    /// Writes and the changes log; nil on a read-only store and on PostgreSQL.
    let writer: ContentWriter?
    let changes: (any ChangesSource)?
    /// Following PostgreSQL's changes log (nil on SQLite).
    let replica: PostgresReplica?
    /// A summary when the store was empty and the sample content was loaded.
    let sampleImported: String?
    /// Where the content comes from, for messages.
    let location: String

    var isReadOnlySQLite: Bool { store?.isReadOnly ?? false }

    /// Opens the store read-write, or read-only when this process cannot write the file or its
    /// folder (`store.isReadOnly`; an empty read-only store stays empty).
    static func open(databasePath: String, sampleContent: String, bodyCacheBytes: Int, searchConnections: Int,
                     revisionsKept: Int = 0) throws -> LoadedContent {
        let store = try SQLiteStore(path: databasePath, access: .readWriteIfPossible)
        var imported: String?
        if !store.isReadOnly, FileManager.default.fileExists(atPath: sampleContent),
           let summary = try SampleContent.loadIfEmpty(store: store, from: sampleContent) {
            imported = "\(summary.articles) articles, \(summary.authors) authors, \(summary.tags) tags"
        }
        let snapshot = ContentSnapshot(try store.loadContent(), generation: 1)
        let snapshots = SnapshotHolder(snapshot)
        let bodies = try BodyStore(path: databasePath, cacheBytes: bodyCacheBytes)
        return LoadedContent(
            snapshots: snapshots, bodies: bodies, store: store,
            search: try SearchIndex(path: databasePath, connections: searchConnections),
            writer: store.isReadOnly ? nil : try ContentWriter(store: store, snapshots: snapshots, bodies: bodies,
                                                                           revisionsKept: revisionsKept),
            changes: try ChangesLog(path: databasePath), replica: nil, sampleImported: imported, location: databasePath)
    }

    /// A replica of a PostgreSQL store: the snapshot loaded now, kept current by its changes log.
    static func openPostgres(url: String, bodyCacheBytes: Int, searchConnections: Int) throws -> LoadedContent {
        let replica = try PostgresReplica(url: url, bodyCacheBytes: bodyCacheBytes)
        return LoadedContent(snapshots: replica.snapshots, bodies: replica.bodies, store: nil,
                             search: try PostgresSearch(url: url, connections: searchConnections), writer: nil,
                             changes: replica.changesSource,
                             replica: replica, sampleImported: nil, location: replica.location)
    }

    /// Reads the store again into a new snapshot (SIGHUP: another process, such as `folio
    /// import`, may have written it). Cached bodies are dropped first, so nothing built for the
    /// new snapshot can see an old body. A replica follows its log already: nothing to do.
    func reload() throws -> ContentSnapshot {
        if let writer {
            try writer.catchUp()
            return snapshots.current()
        }
        guard let store else { return snapshots.current() }
        bodies.invalidateAll()
        return try snapshots.reload(from: store)
    }
}

/// A failure while running a command (not a usage mistake): printed as "Error: …" and exit 1,
/// without the usage text that ArgumentParser prints for a `ValidationError` (exit 64).
struct RunFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
