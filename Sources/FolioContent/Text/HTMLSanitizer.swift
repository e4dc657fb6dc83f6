/// The allow-list sanitizer every body passes before it is stored: an article's `html`, and the
/// HTML cmark-gfm makes of its Markdown (raw HTML included). Keeps the formatting tags of
/// `allowed` with the few attributes `safeAttributes` permits (values checked too), drops
/// `script`/`style`/`iframe`… with their content, drops other tags but keeps their text, escapes
/// stray `<` and `&`, refuses unsafe link targets, opens table parts only inside a table, and
/// balances the tags it keeps. Idempotent: `sanitize(sanitize(x)) == sanitize(x)`. Checked by
/// `HTMLAudit` (written apart), the OWASP cases, a differential against ammonia and a fuzz target.
public enum HTMLSanitizer {
    /// The allow-list (`Tests/Scripts/sanitizer-differential.py` gives ammonia the same one).
    static let allowed: Set<String> = [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img", "sup", "sub", "figure", "figcaption",
        // GFM: tables, task lists (a disabled checkbox), footnotes.
        "table", "thead", "tbody", "tr", "th", "td", "input", "section",
    ]
    private static let void: Set<String> = ["br", "hr", "img", "input"]
    /// The bytes that end a run of plain text: `<`, `&`, `>`, quotes and NUL.
    private static let special: [Bool] = (0..<256).map { [0x3C, 0x26, 0x3E, 0x22, 0x27, 0x00].contains($0) }
    /// Where table parts may open (the element they must be directly inside).
    private static let requiredParent: [String: Set<String>] = [
        "thead": ["table"], "tbody": ["table"], "tr": ["table", "thead", "tbody"], "td": ["tr"], "th": ["tr"],
    ]
    /// (`embed` is not here: a void element, it has no content or end tag to skip to.)
    private static let dropWithContent: Set<String> = [
        "script", "style", "iframe", "object", "template", "noscript", "textarea", "title", "svg", "math",
        "head", "select",
    ]

    public static func sanitize(_ html: String) -> String {
        let b = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var open: [String] = []
        let special = Self.special
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x3C, let tag = Tag.parse(b, at: i) {
                i = tag.end
                if tag.isComment { continue }
                if dropWithContent.contains(tag.name) {
                    if !tag.closing && !tag.selfClosing { i = skipPast(closing: tag.name, in: b, from: i) }
                    continue
                }
                guard allowed.contains(tag.name) else { continue }
                if tag.closing {
                    if void.contains(tag.name) { continue }
                    guard let at = open.lastIndex(of: tag.name) else { continue }
                    while open.count > at { out.append(contentsOf: Array("</\(open.removeLast())>".utf8)) }
                    continue
                }
                // Table parts only where a table is open: a browser ignores a stray <tr> or <td>.
                if let parents = requiredParent[tag.name], !(open.last.map(parents.contains) ?? false) { continue }
                guard let attributes = safeAttributes(tag) else { continue }
                out.append(contentsOf: Array("<\(tag.name)".utf8))
                for (name, value) in attributes {
                    out.append(contentsOf: Array(" \(name)=\"".utf8))
                    HTMLEscape.append(value.utf8.lazy.filter { $0 != 0 }, to: &out)  // NUL dropped, as in text
                    out.append(0x22)
                }
                if void.contains(tag.name) {
                    out.append(contentsOf: Array(" />".utf8))
                } else {
                    out.append(0x3E)
                    open.append(tag.name)
                }
            } else if c == 0x26 {
                if let len = HTMLEscape.entityLength(b, at: i) {
                    out.append(contentsOf: b[i..<(i + len)]); i += len
                } else {
                    HTMLEscape.append(byte: c, to: &out); i += 1
                }
            } else if c == 0x3C || c == 0x3E || c == 0x22 || c == 0x27 {
                HTMLEscape.append(byte: c, to: &out); i += 1
            } else if c == 0 {
                i += 1
            } else {
                // A run of plain text, copied at once: per byte this loop cost most of a Markdown
                // body's render time (p95 440 µs per generated article with it, see RESULTS.md).
                var j = i + 1
                while j < b.count, !special[Int(b[j])] { j += 1 }
                out.append(contentsOf: b[i..<j])
                i = j
            }
        }
        while let name = open.popLast() { out.append(contentsOf: Array("</\(name)>".utf8)) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The attributes kept on an allowed tag, or nil to drop the tag (an input other than a
    /// checkbox). Values are checked, not only names: URLs by scheme, classes and ids against the
    /// few forms cmark-gfm writes (`language-…` on code, footnote references), alignment by word.
    /// No `style`, no event handler, no other `id` or `class`.
    static func safeAttributes(_ tag: Tag) -> [(String, String)]? {
        var result: [(String, String)] = []
        func value(_ name: String) -> String? { tag.attributes.first { $0.0 == name }?.1 }
        func has(_ name: String) -> Bool { tag.attributes.contains { $0.0 == name } }
        func keep(_ name: String, if allowed: (String) -> Bool) {
            if let v = value(name), allowed(v) { result.append((name, v)) }
        }
        switch tag.name {
        case "a":
            if let href = value("href"), SafeURL.isSafe(href) { result.append(("href", href)) }
            if let title = value("title") { result.append(("title", title)) }
            keep("id", if: isFootnoteID)
            keep("class", if: { $0 == "footnote-backref" })
            for flag in ["data-footnote-ref", "data-footnote-backref"] where has(flag) { result.append((flag, "")) }
            keep("aria-label", if: { $0.utf8.count <= 100 })
        case "img":
            if let src = value("src"), SafeURL.isSafe(src), !src.lowercased().hasPrefix("mailto:") { result.append(("src", src)) }
            result.append(("alt", value("alt") ?? ""))
            if let title = value("title") { result.append(("title", title)) }
        case "ol":
            if let start = value("start"), let n = Int(start), n >= 0 { result.append(("start", String(n))) }
        case "li":
            keep("id", if: isFootnoteID)
        case "sup":
            keep("class", if: { $0 == "footnote-ref" })
        case "section":
            keep("class", if: { $0 == "footnotes" })
            if has("data-footnotes") { result.append(("data-footnotes", "")) }
        case "code":
            keep("class", if: isLanguageClass)
        case "th", "td":
            keep("align", if: { ["left", "center", "right"].contains($0) })
        case "input":
            guard value("type")?.lowercased() == "checkbox" else { return nil }
            result.append(("type", "checkbox"))
            if has("checked") { result.append(("checked", "")) }
            result.append(("disabled", ""))
        default:
            break
        }
        return result
    }

    /// `fn-…` and `fnref-…` with letters, digits, `-` and `_` (cmark-gfm's footnote anchors).
    static func isFootnoteID(_ v: String) -> Bool {
        let body = v.hasPrefix("fnref-") ? v.dropFirst(6) : v.hasPrefix("fn-") ? v.dropFirst(3) : nil
        guard let body, !body.isEmpty, body.utf8.count <= 64 else { return false }
        return body.utf8.allSatisfy { HTMLEscape.isAlnum($0) || $0 == 0x2D || $0 == 0x5F }
    }

    /// `language-` and a fence's info word (letters, digits, `-`, `_`, `+`, `#`, `.`).
    static func isLanguageClass(_ v: String) -> Bool {
        guard v.hasPrefix("language-"), v.utf8.count > 9, v.utf8.count <= 64 else { return false }
        return v.utf8.dropFirst(9).allSatisfy { HTMLEscape.isAlnum($0) || [0x2D, 0x5F, 0x2B, 0x23, 0x2E].contains($0) }
    }

    private static func skipPast(closing name: String, in b: [UInt8], from start: Int) -> Int {
        var i = start
        while i < b.count {
            if b[i] == 0x3C, let tag = Tag.parse(b, at: i), tag.closing, tag.name == name { return tag.end }
            i += 1
        }
        return b.count
    }

    /// One start tag, end tag or comment.
    struct Tag {
        var name: String
        var closing: Bool
        var selfClosing: Bool
        var isComment: Bool
        var attributes: [(String, String)]
        var end: Int

        static func parse(_ b: [UInt8], at start: Int) -> Tag? {
            var i = start + 1
            guard i < b.count else { return nil }
            if b[i] == 0x21 {  // <!-- … --> or <!DOCTYPE …>
                if b[i...].starts(with: Array("!--".utf8)) {
                    var j = i + 3
                    while j + 2 < b.count, !(b[j] == 0x2D && b[j + 1] == 0x2D && b[j + 2] == 0x3E) { j += 1 }
                    return Tag(name: "", closing: false, selfClosing: false, isComment: true, attributes: [],
                               end: min(b.count, j + 3))
                }
                guard let gt = b[i...].firstIndex(of: 0x3E) else { return nil }
                return Tag(name: "", closing: false, selfClosing: false, isComment: true, attributes: [], end: gt + 1)
            }
            let closing = b[i] == 0x2F
            if closing { i += 1 }
            let nameStart = i
            while i < b.count, HTMLEscape.isAlnum(b[i]) { i += 1 }
            guard i > nameStart, HTMLEscape.isAlpha(b[nameStart]) else { return nil }
            let name = String(decoding: b[nameStart..<i], as: UTF8.self).lowercased()
            var attributes: [(String, String)] = []
            var selfClosing = false
            var closed = false
            while i < b.count {
                while i < b.count, b[i] <= 0x20 { i += 1 }
                guard i < b.count else { return nil }
                if b[i] == 0x3E { i += 1; closed = true; break }
                if b[i] == 0x2F { selfClosing = true; i += 1; continue }
                let an = i
                while i < b.count, b[i] > 0x20, b[i] != 0x3D, b[i] != 0x3E, b[i] != 0x2F { i += 1 }
                if i == an { i += 1; continue }
                let attrName = String(decoding: b[an..<i], as: UTF8.self).lowercased()
                while i < b.count, b[i] <= 0x20 { i += 1 }
                var value = ""
                if i < b.count, b[i] == 0x3D {
                    i += 1
                    while i < b.count, b[i] <= 0x20 { i += 1 }
                    if i < b.count, b[i] == 0x22 || b[i] == 0x27 {
                        let q = b[i]
                        let vs = i + 1
                        guard let ve = b[vs...].firstIndex(of: q) else { return nil }
                        value = String(decoding: b[vs..<ve], as: UTF8.self)
                        i = ve + 1
                    } else {
                        let vs = i
                        while i < b.count, b[i] > 0x20, b[i] != 0x3E { i += 1 }
                        value = String(decoding: b[vs..<i], as: UTF8.self)
                    }
                }
                attributes.append((attrName, HTMLEscape.decode(value)))
            }
            guard closed else { return nil }  // the input ended inside the tag: not a tag
            return Tag(name: name, closing: closing, selfClosing: selfClosing, isComment: false,
                       attributes: attributes, end: i)
        }
    }
}
