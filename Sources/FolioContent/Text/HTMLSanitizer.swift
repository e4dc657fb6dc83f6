/// Cleans HTML supplied directly (an article's `html` instead of Markdown):
/// keeps a small allow-list of formatting tags with a few safe attributes,
/// drops `script`/`style`/`iframe`… with their content, drops other tags
/// but keeps their text, escapes stray `<` and `&`, refuses unsafe link
/// targets, and balances the tags it keeps. Idempotent:
/// `sanitize(sanitize(x)) == sanitize(x)`.
enum HTMLSanitizer {
    private static let allowed: Set<String> = [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img", "sup", "sub", "figure", "figcaption",
    ]
    private static let void: Set<String> = ["br", "hr", "img"]
    /// (`embed` is not here: a void element, it has no content or end tag to skip to.)
    private static let dropWithContent: Set<String> = [
        "script", "style", "iframe", "object", "template", "noscript", "textarea", "title", "svg", "math",
        "head", "select",
    ]

    static func sanitize(_ html: String) -> String {
        let b = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var open: [String] = []
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
                    guard let at = open.lastIndex(of: tag.name) else { continue }
                    while open.count > at { out.append(contentsOf: Array("</\(open.removeLast())>".utf8)) }
                    continue
                }
                out.append(contentsOf: Array("<\(tag.name)".utf8))
                for (name, value) in safeAttributes(tag) {
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
                out.append(c); i += 1
            }
        }
        while let name = open.popLast() { out.append(contentsOf: Array("</\(name)>".utf8)) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func safeAttributes(_ tag: Tag) -> [(String, String)] {
        var result: [(String, String)] = []
        func value(_ name: String) -> String? { tag.attributes.first { $0.0 == name }?.1 }
        switch tag.name {
        case "a":
            if let href = value("href"), SafeURL.isSafe(href) { result.append(("href", href)) }
            if let title = value("title") { result.append(("title", title)) }
        case "img":
            if let src = value("src"), SafeURL.isSafe(src), !src.lowercased().hasPrefix("mailto:") { result.append(("src", src)) }
            result.append(("alt", value("alt") ?? ""))
        case "ol":
            if let start = value("start"), let n = Int(start), n >= 0 { result.append(("start", String(n))) }
        default:
            break
        }
        return result
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
