/// Brings a snapshot up to date with a page of the changes log: the one step the SQLite writer
/// (`ContentWriter`) and a PostgreSQL replica share. The caller reads, from its store, the
/// articles the changes name (public ones only, as they are now) and the catalog when
/// `catalogMayHaveChanged` says so; this drops their cached bodies, swaps in the new snapshot and
/// returns what changed, for the response cache.
public enum SnapshotUpdate {
    /// The article ids a page of changes names, each once, in order.
    public static func articleIDs(_ changes: [Change]) -> [Int64] {
        var ids: [Int64] = []
        var seen = Set<Int64>()
        for c in changes where c.kind == "article" && seen.insert(c.entityID).inserted { ids.append(c.entityID) }
        return ids
    }

    /// Whether the site, authors, tags or redirects may have changed: a change that is not an
    /// article's, a delete, or a rename.
    public static func catalogMayHaveChanged(_ changes: [Change], current: ContentSnapshot) -> Bool {
        changes.contains { c in
            c.kind != "article" || c.op == "delete" || current.article(id: c.entityID).map { $0.slug != c.slug } ?? false
        }
    }

    /// Applies the page; `articles` are the named articles that are public now (the others
    /// leave the snapshot).
    public static func apply(_ changes: [Change], articles: [Article], catalog: ContentData?, to snapshots: SnapshotHolder,
                             bodies: BodyStore?) -> ContentChangeSet {
        let current = snapshots.current()
        let present = Set(articles.map(\.id))
        var deleted = Set<Int64>()
        for c in changes where c.kind == "article" {
            bodies?.invalidate(articleID: c.entityID)
            // Gone, or no longer public (a draft, a scheduled article): out of the snapshot.
            if !present.contains(c.entityID) { deleted.insert(c.entityID) }
        }
        var change = ContentChangeSet()
        for c in changes {
            switch c.kind {
            case "article":
                change.articleIDs.insert(c.entityID)
                if let old = current.article(id: c.entityID) {
                    change.authors.formUnion(old.authors)
                    change.tags.formUnion(old.tags)
                }
            case "author": change.authors.insert(c.slug)
            case "tag": change.tags.insert(c.slug)
            default: change.everything = true
            }
        }
        for a in articles {
            change.authors.formUnion(a.authors)
            change.tags.formUnion(a.tags)
        }
        snapshots.update { current, generation in
            current.applying(changed: articles, deleted: deleted, catalog: catalog, generation: generation)
        }
        change.generation = snapshots.generation
        return change
    }
}
