/// The sample content shipped in `Config/sample-content/`, loaded into an
/// empty store on first start so a fresh server shows real data.
public enum SampleContent {
    /// Imports `folder` when the store has no articles; returns what was
    /// imported, or nil when the store already had content.
    @discardableResult
    public static func loadIfEmpty(store: SQLiteStore, from folder: String) throws -> ImportSummary? {
        guard try store.articleCount() == 0 else { return nil }
        return try ContentImporter(store: store).importPaths([folder])
    }
}
