import FolioContent

/// What a cached representation was built from, so that a write drops only what it changed:
/// an article page depends on its article, its authors and its tags (its `related` list and its
/// byline come from them); an author's card on the author; a tag's page on the tag; everything
/// else (lists, feeds, search, the site, counts) on "the list of articles".
///
/// The same keys go out in a `Surrogate-Key` header (name configurable), so a CDN in front can
/// purge by key what the server drops.
struct CacheDependencies: Sendable, Hashable {
    /// Key names, e.g. "article-5", "author-javid-valiyev", "tag-energy", "articles".
    let names: [String]
    /// Their hashes, compared on invalidation.
    let hashes: [UInt64]

    init(_ names: [String]) {
        self.names = names
        hashes = names.map(Self.hash)
    }

    static let list = CacheDependencies(["articles"])

    static func article(_ a: Article) -> CacheDependencies {
        CacheDependencies(["article-\(a.id)"] + a.authors.map { "author-" + $0 } + a.tags.map { "tag-" + $0 })
    }

    static func author(_ slug: String) -> CacheDependencies { CacheDependencies(["author-" + slug]) }
    static func tag(_ slug: String) -> CacheDependencies { CacheDependencies(["tag-" + slug]) }

    static func hash(_ name: String) -> UInt64 {
        Array(name.utf8).withUnsafeBytes { SeededByteHash.hash($0) } | 1
    }

    /// The keys a change makes stale: for each article, its page, and its authors and tags as
    /// they were and as they are; any write also changes "the list of articles".
    static func invalidated(by change: ContentChangeSet) -> Set<UInt64> {
        var names: Set<String> = ["articles"]
        for id in change.articleIDs { names.insert("article-\(id)") }
        for s in change.authors { names.insert("author-" + s) }
        for s in change.tags { names.insert("tag-" + s) }
        return Set(names.map(hash))
    }
}
