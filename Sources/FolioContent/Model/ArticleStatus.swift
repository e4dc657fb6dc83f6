/// Where an article is in its life: only `published` articles are public (in the snapshot, the
/// search index and the public changes feed). A `scheduled` one becomes published at its
/// `published_at` (`PublishScheduler`); a draft waits for an editor.
public enum ArticleStatus: String, Sendable, Hashable, CaseIterable {
    case draft, scheduled, published
}
