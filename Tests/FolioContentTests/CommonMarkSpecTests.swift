import Foundation
import Testing
@testable import FolioContent

/// The CommonMark spec's examples (0.31.2, fetched once by scripts/commonmark-spec): every
/// example that cmark-gfm itself renders as the spec says, Folio renders the same way, through
/// its GFM extensions and its sanitizer: exactly the spec's HTML when that HTML is within the
/// allow-list, and the spec's HTML as the sanitizer cleans it when it holds raw HTML that is not.
@Suite struct CommonMarkSpecTests {
    struct Example: Decodable {
        var markdown: String
        var html: String
        var example: Int
        var section: String
    }

    static func examples() throws -> [Example] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/commonmark-spec")
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let path = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "scripts/commonmark-spec could not fetch the spec (PyPI needed once)")
        return try JSONDecoder().decode([Example].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func theExamplesCmarkGFMPassesFolioPasses() throws {
        let all = try Self.examples()
        #expect(all.count > 600)
        var libraryPasses = 0, exact = 0, sanitised = 0, extensionChanged: [Int] = []
        for e in all {
            guard Markdown.render(e.markdown, extensions: false) == e.html else { continue }  // cmark-gfm's own verdict
            libraryPasses += 1
            if Markdown.render(e.markdown) != e.html {
                extensionChanged.append(e.example)  // a GFM extension (autolinks, …) reads it differently
                continue
            }
            let ours = Markdown.html(from: e.markdown)
            let expected = HTMLSanitizer.sanitize(e.html)
            #expect(ours == expected, "example \(e.example) (\(e.section))")
            if ours == e.html { exact += 1 } else { sanitised += 1 }
        }
        print("CommonMark \(all.count) examples: cmark-gfm passes \(libraryPasses); Folio matches all of them "
              + "(\(exact) exactly, \(sanitised) with raw HTML sanitised); \(extensionChanged.count) read differently "
              + "with GFM extensions on: \(extensionChanged)")
        #expect(libraryPasses > 550)
        #expect(extensionChanged.count <= 20, "GFM extensions change \(extensionChanged)")
        // The sanitizer must not touch the markup of examples without raw HTML.
        #expect(exact > 500, "only \(exact) examples pass the sanitizer unchanged")
    }
}
