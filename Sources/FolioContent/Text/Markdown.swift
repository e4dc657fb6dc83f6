import CCmarkGFM

/// Markdown to safe HTML: CommonMark and GitHub Flavored Markdown through cmark-gfm (Debian's
/// libcmark-gfm, the reference implementation GitHub runs) with the GFM extensions for tables,
/// strikethrough, autolinks and task lists, and footnotes; then `HTMLSanitizer`, so raw HTML in
/// the Markdown is kept only as far as the allow-list permits, like an `html` body.
///
/// Cost: p95 about 420 µs for a 10 KB generated article, a little under the hand-written subset
/// it replaced; four fifths of it is the sanitizer (Benchmarks/RESULTS.md, "Markdown rendering").
/// Thread-safe: every call has its own parser.
public enum Markdown {
    /// cmark options: raw HTML and dangerous URLs are left to the sanitizer (which applies the
    /// same allow-list to Markdown and to HTML bodies); footnotes on.
    static let options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES
    /// The GFM extensions every article is rendered with.
    static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]
    /// Registers the GFM extensions once per process (cmark-gfm's registry is global).
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Renders `source` to sanitised HTML.
    public static func html(from source: String) -> String {
        HTMLSanitizer.sanitize(render(source))
    }

    /// cmark-gfm's own HTML, raw HTML included (before the sanitizer). `extensions: false` is
    /// plain CommonMark (the spec's examples are checked against it).
    static func render(_ source: String, extensions: Bool = true) -> String {
        precondition(registered)
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        if extensions {
            for name in extensionNames {
                if let ext = cmark_find_syntax_extension(name) { _ = cmark_parser_attach_syntax_extension(parser, ext) }
            }
        }
        var text = source
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let html = cmark_render_html(document, options, extensions ? cmark_parser_get_syntax_extensions(parser) : nil) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }
}
