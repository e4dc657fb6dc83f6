import Foundation
import Glibc
import Testing
@testable import FolioContent

/// Drops a file's pages from the page cache (clean pages only: the file is synced first), so
/// that the next read of it must go to the disk.
func evictFromPageCache(_ path: String) throws {
    let fd = open(path, O_RDONLY)
    try #require(fd >= 0)
    defer { close(fd) }
    fsync(fd)
    #expect(posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED)) == 0)
}

/// Body reads made without waiting (an event loop's): a body whose pages are not in memory is not
/// read but reported, the same connection reads it when waiting is allowed, and then without
/// waiting too (the failed read left nothing behind).
///
/// Behind FOLIO_PAGE_CACHE_TESTS=1: it needs the kernel to drop the file's pages when asked
/// (`posix_fadvise(DONTNEED)` is advice), which it did every time alone and in about half the
/// runs of the whole parallel suite. The loop's side of it is tested in every run with a
/// simulated miss (`SearchPlacementTests.aMissWhoseBodyIsNotInMemoryIsBuiltOffTheLoop`).
@Suite struct BodyStoreNoWaitTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FOLIO_PAGE_CACHE_TESTS"] != nil))
    func aBodyNotInMemoryIsReportedInsteadOfWaitedFor() throws {
        let tmp = TempFolder()
        let path = tmp.file("s.sqlite")
        let store = try SQLiteStore(path: path)
        // Bodies that do not compress to nothing, so that the one read is pages away from those
        // the connection reads when it opens (and from their readahead).
        try CorpusGenerator(.init(articles: 300, authors: 3, seed: 5, bodyWords: 1500)).run(into: store)
        let slug = try #require(try store.loadContent().articles.last?.slug)
        let id = try #require(try store.loadRecord(slug: slug)).article.id
        try store.withConnection { db in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        // Eviction is advice, and a busy machine may keep (or read ahead) the pages: tried again
        // with a new connection each time (an old one holds what it read in its own cache).
        var bodies = try BodyStore(path: path, cacheBytes: 0, connections: 1)
        var cold: (result: ServedBody?, wouldHaveWaited: Bool) = (nil, false)
        for _ in 0..<5 where !cold.wouldHaveWaited {
            bodies = try BodyStore(path: path, cacheBytes: 0, connections: 1)
            try evictFromPageCache(path)
            cold = BodyStore.withoutWaiting { try? bodies.served(id: id) }
        }
        #expect(cold.result == nil && cold.wouldHaveWaited, "the body was read (or failed) without noticing the disk")
        let waited = try bodies.body(id: id)
        #expect(!waited.text.isEmpty)
        let warm = BodyStore.withoutWaiting { try? bodies.served(id: id) }
        #expect(warm.result != nil && !warm.wouldHaveWaited)
        #expect(try warm.result?.decoded().text == waited.text)
        // Outside `withoutWaiting` nothing changes: a cold read waits as before.
        try evictFromPageCache(path)
        #expect(try bodies.body(id: id).text == waited.text)
    }
}
