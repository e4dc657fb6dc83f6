import Foundation
import Testing
@testable import FolioContent

/// The sanitizer against attacks and against ammonia (PyPI nh3) on the same allow-list: the OWASP
/// XSS filter-evasion cases, mutation-XSS shapes, the same as Markdown, and 3,000 random tag soups;
/// for each, Folio's output (HTML body and Markdown body) must pass `HTMLAudit`, be unchanged by a
/// second pass, and be left alone by ammonia (Tests/Scripts/sanitizer-differential.py).
@Suite struct SanitizerDifferentialTests {
    /// Seeded tag soup: allowed and forbidden tags, attributes with every kind of URL and
    /// encoding, event handlers, styles, comments, broken quotes and entities.
    static func randomHTML(_ rng: inout SplitMix64) -> String {
        let tags = ["p", "a", "img", "b", "em", "code", "pre", "li", "ul", "ol", "table", "td", "th", "tr", "input", "section", "sup",
                    "script", "style", "iframe", "svg", "math", "div", "span", "object", "embed", "form", "textarea", "title",
                    "noscript", "template", "select", "base", "meta", "link", "x", "SCRIPT", "ImG"]
        let attributes = ["href", "src", "title", "alt", "id", "class", "style", "onclick", "onerror", "ONLOAD", "align", "type",
                          "checked", "start", "data-footnote-ref", "aria-label", "xlink:href", "formaction", "background"]
        let values = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:x", "jav&#x09;ascript:x", "&#106;avascript:x",
                      "&#x6A;avascript&colon;x", " javascript:x", "\u{1}javascript:x", "vbscript:x", "data:text/html,x",
                      "https://e.org/?a=1&b=2", "/rel", "#fn-1", "mailto:a@b.org", "fn-1", "fnref-2", "language-js",
                      "footnote-ref", "checkbox", "center", "x\" onclick=\"y", "'", "\"", "<script>", "expression(alert(1))", ""]
        let texts = ["text", " ", "&amp;", "&lt;", "&#60;", "<", ">", "&", "\"", "'", "<!-- c -->", "<!--", "-->", "<![CDATA[x]]>",
                     "<!DOCTYPE html>", "<?php ?>", "\u{0}", "é", "</", "< p>", "<p", "=", "`"]
        var out = ""
        for _ in 0..<Int.random(in: 1...14, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                let tag = tags.randomElement(using: &rng)!
                out += Bool.random(using: &rng) && Int.random(in: 0..<3, using: &rng) == 0 ? "</\(tag)>" : "<\(tag)"
                for _ in 0..<Int.random(in: 0...3, using: &rng) {
                    let a = attributes.randomElement(using: &rng)!, v = values.randomElement(using: &rng)!
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: out += " \(a)=\"\(v)\""
                    case 1: out += " \(a)='\(v)'"
                    case 2: out += " \(a)=\(v.replacingOccurrences(of: " ", with: ""))"
                    default: out += " \(a)"
                    }
                }
                out += ["", ">", " />", "/>", ">", ">"].randomElement(using: &rng)!
            default:
                out += texts.randomElement(using: &rng)!
            }
        }
        return out
    }

    static func cases() -> [String] {
        var rng = SplitMix64(seed: 16)
        return XSSVectors.owasp + XSSVectors.mutation + XSSVectors.markdown + (0..<3000).map { _ in randomHTML(&rng) }
    }

    @Test func outputsPassTheAuditAndAreStable() {
        for input in Self.cases() {
            for (path, output) in [("html", HTMLSanitizer.sanitize(input)), ("markdown", Markdown.html(from: input))] {
                #expect(HTMLAudit.problem(in: output) == nil, "\(path): \(HTMLAudit.problem(in: output) ?? "") in \(output) from \(input)")
                #expect(HTMLSanitizer.sanitize(output) == output, "\(path): a second pass changes \(output)")
            }
        }
    }

    @Test func ammoniaFindsNothingToRemove() throws {
        var lines = ""
        var count = 0
        for input in Self.cases() {
            for output in [HTMLSanitizer.sanitize(input), Markdown.html(from: input)] {
                let record = try JSONSerialization.data(withJSONObject: ["input": input, "ours": output])
                lines += String(decoding: record, as: UTF8.self) + "\n"
                count += 1
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sanitizer-\(UUID().uuidString).jsonl")
        try lines.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("Tests/Scripts/sanitizer-differential.py").path]
        process.standardInput = try FileHandle(forReadingFrom: file)
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the differential script failed (is nh3 installed? .ci/run installs it)")
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(summary["cases"] as? Int == count)
        #expect(summary["unsafe_count"] as? Int == 0, "ammonia removes something from Folio's output: \(summary["unsafe"] ?? [])")
        print("sanitizer differential: \(count) outputs; ammonia removes nothing from any; Folio's output equals ammonia's own "
              + "cleaning of the input in \(summary["agree"] ?? 0)")
    }
}
