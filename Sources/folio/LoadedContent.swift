import FolioContent
import Foundation

/// The content `serve` starts with: the store (sample content loaded into an empty one), the
/// first snapshot, the body store and the search index.
struct LoadedContent {
    let store: SQLiteStore
    let snapshots: SnapshotHolder
    let bodies: BodyStore
    let search: SearchIndex
    /// Writes and the changes log; nil writer on a read-only store.
    let writer: ContentWriter?
    let changes: ChangesLog
    /// A summary when the store was empty and the sample content was loaded.
    let sampleImported: String?

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
            store: store, snapshots: snapshots, bodies: bodies,
            search: try SearchIndex(path: databasePath, connections: searchConnections),
            writer: store.isReadOnly ? nil : try ContentWriter(store: store, snapshots: snapshots, bodies: bodies,
                                                                           revisionsKept: revisionsKept),
            changes: try ChangesLog(path: databasePath), sampleImported: imported)
    }

    /// Reads the store again into a new snapshot (SIGHUP: another process, such as `folio
    /// import`, may have written it). Cached bodies are dropped first, so nothing built for the
    /// new snapshot can see an old body.
    func reload() throws -> ContentSnapshot {
        if let writer {
            try writer.catchUp()
            return snapshots.current()
        }
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
