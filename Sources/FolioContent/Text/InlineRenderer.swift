/// Inline Markdown: code spans, emphasis (CommonMark's delimiter-run rules,
/// simplified), links, images, autolinks, escapes, hard breaks. Everything
/// else is HTML-escaped text.
enum InlineRenderer {
    /// A run of output: escaped HTML, or an emphasis delimiter run still to be matched.
    private struct Piece {
        var html: [UInt8] = []
        var delimiter: UInt8 = 0  // 0 = plain html
        var count = 0
        var canOpen = false
        var canClose = false
        var openTags: [String] = []
        var closeTags: [String] = []
    }

    /// Renders paragraph lines (leading spaces stripped, final trailing spaces dropped).
    static func render(_ lines: [[UInt8]], into out: inout [UInt8]) {
        var text: [UInt8] = []
        for (n, line) in lines.enumerated() {
            var s = 0
            while s < line.count, line[s] == 0x20 { s += 1 }
            if n > 0 { text.append(0x0A) }
            text.append(contentsOf: line[s...])
        }
        while let last = text.last, last == 0x20 { text.removeLast() }
        out.append(contentsOf: render(text[...]))
    }

    static func render(_ b: ArraySlice<UInt8>) -> [UInt8] {
        let b = Array(b)
        var pieces: [Piece] = []
        var buf: [UInt8] = []
        buf.reserveCapacity(b.count + 32)
        func flushBuf() {
            if !buf.isEmpty { pieces.append(Piece(html: buf)); buf.removeAll(keepingCapacity: true) }
        }
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            switch c {
            case 0x5C:  // backslash
                if i + 1 < n, isASCIIPunctuation(b[i + 1]) {
                    HTMLEscape.append(byte: b[i + 1], to: &buf); i += 2
                } else if i + 1 < n, b[i + 1] == 0x0A {
                    buf.append(contentsOf: Array("<br />\n".utf8)); i += 2
                } else {
                    buf.append(c); i += 1
                }
            case 0x60:  // `
                var run = i
                while run < n, b[run] == 0x60 { run += 1 }
                let len = run - i
                if let (contentEnd, after) = findCodeClose(b, from: run, length: len) {
                    var code = Array(b[run..<contentEnd]).map { $0 == 0x0A ? 0x20 : $0 }
                    if code.count >= 2, code.first == 0x20, code.last == 0x20, code.contains(where: { $0 != 0x20 }) {
                        code.removeFirst(); code.removeLast()
                    }
                    buf.append(contentsOf: Array("<code>".utf8))
                    HTMLEscape.append(code, to: &buf)
                    buf.append(contentsOf: Array("</code>".utf8))
                    i = after
                } else {
                    buf.append(contentsOf: b[i..<run]); i = run
                }
            case 0x2A, 0x5F:  // * _
                var run = i
                while run < n, b[run] == c { run += 1 }
                let before: UInt8 = i > 0 ? b[i - 1] : 0x20
                let after: UInt8 = run < n ? b[run] : 0x20
                let left = !isSpace(after) && (!isASCIIPunctuation(after) || isSpace(before) || isASCIIPunctuation(before))
                let right = !isSpace(before) && (!isASCIIPunctuation(before) || isSpace(after) || isASCIIPunctuation(after))
                var piece = Piece(delimiter: c, count: run - i)
                if c == 0x2A {
                    piece.canOpen = left; piece.canClose = right
                } else {
                    piece.canOpen = left && (!right || isASCIIPunctuation(before))
                    piece.canClose = right && (!left || isASCIIPunctuation(after))
                }
                flushBuf()
                pieces.append(piece)
                i = run
            case 0x21 where i + 1 < n && b[i + 1] == 0x5B:  // ![
                if let link = parseLink(b, openBracket: i + 1) {
                    let alt = PlainText.from(html: String(decoding: render(b[link.textRange]), as: UTF8.self))
                    if SafeURL.isSafe(link.destination) {
                        buf.append(contentsOf: Array("<img src=\"".utf8))
                        HTMLEscape.append(link.destination.utf8, to: &buf)
                        buf.append(contentsOf: Array("\" alt=\"".utf8))
                        HTMLEscape.append(alt.utf8, to: &buf)
                        if let title = link.title {
                            buf.append(contentsOf: Array("\" title=\"".utf8))
                            HTMLEscape.append(title.utf8, to: &buf)
                        }
                        buf.append(contentsOf: Array("\" />".utf8))
                    } else {
                        HTMLEscape.append(alt.utf8, to: &buf)
                    }
                    i = link.end
                } else {
                    buf.append(c); i += 1
                }
            case 0x5B:  // [
                if let link = parseLink(b, openBracket: i) {
                    let inner = render(b[link.textRange])
                    if SafeURL.isSafe(link.destination) {
                        buf.append(contentsOf: Array("<a href=\"".utf8))
                        HTMLEscape.append(link.destination.utf8, to: &buf)
                        if let title = link.title {
                            buf.append(contentsOf: Array("\" title=\"".utf8))
                            HTMLEscape.append(title.utf8, to: &buf)
                        }
                        buf.append(contentsOf: Array("\">".utf8))
                        buf.append(contentsOf: inner)
                        buf.append(contentsOf: Array("</a>".utf8))
                    } else {
                        buf.append(contentsOf: inner)
                    }
                    i = link.end
                } else {
                    buf.append(c); i += 1
                }
            case 0x3C:  // <
                if let (html, end) = autolink(b, from: i) {
                    buf.append(contentsOf: html); i = end
                } else {
                    HTMLEscape.append(byte: c, to: &buf); i += 1
                }
            case 0x26:  // &: keep valid entity references, escape the rest
                if let len = HTMLEscape.entityLength(b, at: i) {
                    buf.append(contentsOf: b[i..<(i + len)]); i += len
                } else {
                    HTMLEscape.append(byte: c, to: &buf); i += 1
                }
            case 0x0A:
                var spaces = 0
                while let last = buf.last, last == 0x20 { buf.removeLast(); spaces += 1 }
                if spaces >= 2 { buf.append(contentsOf: Array("<br />".utf8)) }
                buf.append(0x0A)
                i += 1
                while i < n, b[i] == 0x20 { i += 1 }
            default:
                HTMLEscape.append(byte: c, to: &buf)
                i += 1
            }
        }
        flushBuf()
        if !pieces.contains(where: { $0.delimiter != 0 }) {
            return pieces.first?.html ?? []
        }
        processEmphasis(&pieces)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 32)
        for p in pieces {
            if p.delimiter == 0 { out.append(contentsOf: p.html); continue }
            for t in p.closeTags { out.append(contentsOf: Array(t.utf8)) }
            out.append(contentsOf: repeatElement(p.delimiter, count: p.count))
            for t in p.openTags { out.append(contentsOf: Array(t.utf8)) }
        }
        return out
    }

    private static func processEmphasis(_ pieces: inout [Piece]) {
        var j = 0
        while j < pieces.count {
            let closer = pieces[j]
            guard closer.delimiter != 0, closer.canClose, closer.count > 0 else { j += 1; continue }
            var k = j - 1
            var found: Int?
            while k >= 0 {
                let o = pieces[k]
                if o.delimiter == closer.delimiter, o.canOpen, o.count > 0 {
                    let oddMatch = (o.canClose || closer.canOpen) && (o.count + closer.count) % 3 == 0
                        && !(o.count % 3 == 0 && closer.count % 3 == 0)
                    if !oddMatch { found = k; break }
                }
                k -= 1
            }
            guard let o = found else { j += 1; continue }
            let use = pieces[o].count >= 2 && pieces[j].count >= 2 ? 2 : 1
            pieces[o].count -= use
            pieces[j].count -= use
            pieces[o].openTags.insert(use == 2 ? "<strong>" : "<em>", at: 0)
            pieces[j].closeTags.append(use == 2 ? "</strong>" : "</em>")
            for m in (o + 1)..<j where pieces[m].delimiter != 0 {
                pieces[m].canOpen = false
                pieces[m].canClose = false
            }
            if pieces[j].count == 0 { j += 1 }
        }
    }

    private static func findCodeClose(_ b: [UInt8], from start: Int, length: Int) -> (Int, Int)? {
        var i = start
        while i < b.count {
            if b[i] == 0x60 {
                var run = i
                while run < b.count, b[run] == 0x60 { run += 1 }
                if run - i == length { return (i, run) }
                i = run
            } else {
                i += 1
            }
        }
        return nil
    }

    private struct LinkParts { let textRange: Range<Int>; let destination: String; let title: String?; let end: Int }

    /// `[text](destination "title")` starting at the `[`.
    private static func parseLink(_ b: [UInt8], openBracket: Int) -> LinkParts? {
        var depth = 0
        var i = openBracket
        var close: Int?
        while i < b.count {
            switch b[i] {
            case 0x5C: i += 1
            case 0x60:
                var run = i
                while run < b.count, b[run] == 0x60 { run += 1 }
                if let (_, after) = findCodeClose(b, from: run, length: run - i) { i = after - 1 } else { i = run - 1 }
            case 0x5B: depth += 1
            case 0x5D:
                depth -= 1
                if depth == 0 { close = i }
            default: break
            }
            if close != nil { break }
            i += 1
        }
        guard let close, close + 1 < b.count, b[close + 1] == 0x28 else { return nil }
        var j = close + 2
        func skipSpace() { while j < b.count, b[j] == 0x20 || b[j] == 0x0A { j += 1 } }
        skipSpace()
        var dest: [UInt8] = []
        if j < b.count, b[j] == 0x3C {
            j += 1
            while j < b.count, b[j] != 0x3E, b[j] != 0x0A, b[j] != 0x3C {
                if b[j] == 0x5C, j + 1 < b.count, isASCIIPunctuation(b[j + 1]) { j += 1 }
                dest.append(b[j]); j += 1
            }
            guard j < b.count, b[j] == 0x3E else { return nil }
            j += 1
        } else {
            var parens = 0
            while j < b.count, b[j] > 0x20 {
                if b[j] == 0x28 { parens += 1 }
                if b[j] == 0x29 { if parens == 0 { break }; parens -= 1 }
                if b[j] == 0x5C, j + 1 < b.count, isASCIIPunctuation(b[j + 1]) { j += 1 }
                dest.append(b[j]); j += 1
            }
        }
        let hadSpace = j < b.count && (b[j] == 0x20 || b[j] == 0x0A)
        skipSpace()
        var title: String?
        if hadSpace, j < b.count, b[j] == 0x22 || b[j] == 0x27 || b[j] == 0x28 {
            let closer: UInt8 = b[j] == 0x28 ? 0x29 : b[j]
            j += 1
            var t: [UInt8] = []
            while j < b.count, b[j] != closer {
                if b[j] == 0x5C, j + 1 < b.count, isASCIIPunctuation(b[j + 1]) { j += 1 }
                t.append(b[j]); j += 1
            }
            guard j < b.count else { return nil }
            j += 1
            title = HTMLEscape.decode(String(decoding: t, as: UTF8.self))
            skipSpace()
        }
        guard j < b.count, b[j] == 0x29 else { return nil }
        return LinkParts(textRange: (openBracket + 1)..<close,
                         destination: HTMLEscape.decode(String(decoding: dest, as: UTF8.self)),
                         title: title, end: j + 1)
    }

    /// `<https://example.com>` or `<name@example.com>`.
    private static func autolink(_ b: [UInt8], from start: Int) -> ([UInt8], Int)? {
        var j = start + 1
        while j < b.count, b[j] != 0x3E, b[j] != 0x3C, b[j] > 0x20 { j += 1 }
        guard j < b.count, b[j] == 0x3E, j > start + 1 else { return nil }
        let inner = String(decoding: b[(start + 1)..<j], as: UTF8.self)
        let href: String
        if let colon = inner.firstIndex(of: ":"), isScheme(inner[..<colon]) {
            guard SafeURL.isSafe(inner) else {
                // A dangerous scheme: show the text, link nothing.
                var out: [UInt8] = []
                HTMLEscape.append(b[start...j], to: &out)
                return (out, j + 1)
            }
            href = inner
        } else if Shapes.isEmail(inner) {
            href = "mailto:" + inner
        } else {
            return nil
        }
        var out = Array("<a href=\"".utf8)
        HTMLEscape.append(href.utf8, to: &out)
        out.append(contentsOf: Array("\">".utf8))
        HTMLEscape.append(inner.utf8, to: &out)
        out.append(contentsOf: Array("</a>".utf8))
        return (out, j + 1)
    }

    private static func isScheme(_ s: Substring) -> Bool {
        guard (2...32).contains(s.utf8.count), let f = s.utf8.first, HTMLEscape.isAlpha(f) else { return false }
        return s.utf8.allSatisfy { HTMLEscape.isAlnum($0) || $0 == 0x2B || $0 == 0x2E || $0 == 0x2D }
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 }

    @inline(__always) static func isASCIIPunctuation(_ c: UInt8) -> Bool {
        (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
    }
}
