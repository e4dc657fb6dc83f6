import Dispatch
import Synchronization

/// Holds the current `ContentSnapshot` and swaps in new ones atomically.
///
/// Readers call `current()`, which takes a mutex only for the time of a
/// reference copy (retain), so a reader never waits for a snapshot to be
/// built. `generation` is an atomic that readers (e.g. per-thread response
/// caches) can poll without any lock to notice a swap.
public final class SnapshotHolder: Sendable {
    private let generationValue: Atomic<UInt64>
    private let snapshot: Mutex<ContentSnapshot>
    /// Serialises rebuilds so generations are assigned in order.
    private let rebuild = Mutex<Void>(())

    public init(_ initial: ContentSnapshot) {
        generationValue = Atomic(initial.generation)
        snapshot = Mutex(initial)
    }

    /// The generation of the current snapshot (lock-free).
    public var generation: UInt64 { generationValue.load(ordering: .acquiring) }

    /// The current snapshot.
    public func current() -> ContentSnapshot {
        snapshot.withLock { $0 }
    }

    /// Installs `new` if it is newer than the current one; returns whether it did.
    @discardableResult
    public func replace(with new: ContentSnapshot) -> Bool {
        let installed = snapshot.withLock { current -> Bool in
            guard new.generation > current.generation else { return false }
            current = new
            return true
        }
        if installed { generationValue.store(new.generation, ordering: .releasing) }
        return installed
    }

    /// Builds the next snapshot from the current one with `next(current, nextGeneration)` and
    /// swaps it in, serialised with every other rebuild.
    /// The replaced snapshot is released on a background queue: freeing 100,000 articles takes
    /// tens of milliseconds that a write's answer need not wait for.
    @discardableResult
    public func update(_ next: (ContentSnapshot, UInt64) throws -> ContentSnapshot) rethrows -> ContentSnapshot {
        try rebuild.withLock { _ in
            let old = current()
            let snapshot = try next(old, generation + 1)
            replace(with: snapshot)
            Self.releaser.async { withExtendedLifetime(old) {} }
            return snapshot
        }
    }

    private static let releaser = DispatchQueue(label: "folio-snapshot-release", qos: .utility)

    /// Loads everything from `repository`, builds the next snapshot
    /// (generation + 1) and swaps it in. Blocking: call off the event loops.
    @discardableResult
    public func reload(from repository: any ArticleRepository) throws -> ContentSnapshot {
        try rebuild.withLock { _ in
            let data = try repository.loadContent()
            let next = ContentSnapshot(data, generation: generation + 1)
            replace(with: next)
            return next
        }
    }
}
