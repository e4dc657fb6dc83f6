import Foundation
@testable import FolioContent

/// A fresh temporary folder per test, removed when the value is deinitialised.
final class TempFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "folio-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
}

/// The repository's sample content folder.
let sampleFolder: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Config/sample-content").path
}()

func makeArticle(
    _ slug: String, authors: [String], tags: [String] = [], published: String = "2024-01-01T00:00:00+00:00",
    body: String = "Some body text.", title: String? = nil
) throws -> ArticleRecord {
    try ArticleRecord.make(ArticleInput(slug: slug, title: title ?? slug, publishedAt: published, authors: authors,
                                        tags: tags, bodyMarkdown: body))
}
