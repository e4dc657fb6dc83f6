import FolioContent
import Foundation

/// The content `serve` starts with: the store (sample content loaded into an empty one), the
/// first snapshot, the body store and the search index.
struct LoadedContent {
    let store: SQLiteStore
    let snapshots: SnapshotHolder
    let bodies: BodyStore
    let search: SearchIndex
    /// A summary when the store was empty and the sample content was loaded.
    let sampleImported: String?

    static func open(databasePath: String, sampleContent: String, bodyCacheBytes: Int) throws -> LoadedContent {
        let store = try SQLiteStore(path: databasePath)
        var imported: String?
        if FileManager.default.fileExists(atPath: sampleContent),
           let summary = try SampleContent.loadIfEmpty(store: store, from: sampleContent) {
            imported = "\(summary.articles) articles, \(summary.authors) authors, \(summary.tags) tags"
        }
        let snapshot = ContentSnapshot(try store.loadContent(), generation: 1)
        return LoadedContent(
            store: store, snapshots: SnapshotHolder(snapshot),
            bodies: try BodyStore(path: databasePath, cacheBytes: bodyCacheBytes),
            search: try SearchIndex(path: databasePath), sampleImported: imported)
    }
}
