/// A small CommonMark subset rendered to safe HTML: paragraphs, ATX
/// headings, thematic breaks, fenced and indented code, blockquotes,
/// bullet and ordered lists (tight and loose), emphasis and strong
/// emphasis, code spans, links and images, autolinks, backslash escapes
/// and hard line breaks.
///
/// Raw HTML is never passed through: every `<` that does not start an
/// autolink is escaped. Link and image targets other than http, https,
/// mailto and relative references (e.g. `javascript:`) are dropped and
/// only the link text is kept.
public enum Markdown {
    /// Renders `source` to HTML.
    public static func html(from source: String) -> String {
        let lines = splitLines(source)
        var out = [UInt8]()
        out.reserveCapacity(source.utf8.count + source.utf8.count / 8 + 64)
        BlockRenderer.render(lines[...], tight: false, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Lines with tabs expanded to four spaces and CR/CRLF normalised.
    static func splitLines(_ source: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousCR = false
        for c in source.utf8 {
            switch c {
            case 0x0D:
                lines.append(current); current = []; previousCR = true; continue
            case 0x0A:
                if !previousCR { lines.append(current); current = [] }
            case 0x09:
                let pad = 4 - current.count % 4
                current.append(contentsOf: repeatElement(0x20, count: pad))
            case 0x00:
                current.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default:
                current.append(c)
            }
            previousCR = false
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// Block structure: one pass over lines, recursing into quotes and list items.
enum BlockRenderer {
    typealias Line = [UInt8]

    /// Renders blocks; returns true when the last block was a paragraph.
    @discardableResult
    static func render(_ lines: ArraySlice<Line>, tight: Bool, into out: inout [UInt8]) -> Bool {
        var paragraph: [Line] = []
        var lastWasParagraph = false
        var i = lines.startIndex
        func flush(_ out: inout [UInt8]) {
            guard !paragraph.isEmpty else { return }
            if !tight { out.append(contentsOf: Array("<p>".utf8)) }
            InlineRenderer.render(paragraph, into: &out)
            out.append(contentsOf: Array(tight ? "\n".utf8 : "</p>\n".utf8))
            paragraph.removeAll(keepingCapacity: true)
            lastWasParagraph = true
        }
        while i < lines.endIndex {
            let line = lines[i]
            let indent = leadingSpaces(line)
            if indent == line.count {  // blank
                flush(&out); i += 1; continue
            }
            if indent >= 4 {
                if !paragraph.isEmpty { paragraph.append(line); i += 1; continue }
                i = indentedCode(lines, from: i, into: &out)
                lastWasParagraph = false
                continue
            }
            if let fence = fenceStart(line, indent: indent) {
                flush(&out)
                i = fencedCode(lines, from: i, fence: fence, into: &out)
                lastWasParagraph = false
                continue
            }
            if let level = atxLevel(line, indent: indent) {
                flush(&out)
                heading(line, indent: indent, level: level, into: &out)
                lastWasParagraph = false
                i += 1; continue
            }
            if isThematicBreak(line, indent: indent) {
                flush(&out)
                out.append(contentsOf: Array("<hr />\n".utf8))
                lastWasParagraph = false
                i += 1; continue
            }
            if line[indent] == 0x3E {  // >
                flush(&out)
                i = blockquote(lines, from: i, into: &out)
                lastWasParagraph = false
                continue
            }
            if let marker = ListMarker.parse(line, indent: indent),
               paragraph.isEmpty || (!marker.emptyItem && (!marker.ordered || marker.start == 1)) {
                flush(&out)
                i = list(lines, from: i, first: marker, into: &out)
                lastWasParagraph = false
                continue
            }
            paragraph.append(Array(line[indent...]))
            i += 1
        }
        flush(&out)
        return lastWasParagraph
    }

    static func leadingSpaces(_ line: Line) -> Int {
        var n = 0
        while n < line.count, line[n] == 0x20 { n += 1 }
        return n
    }

    static func isBlank(_ line: Line) -> Bool { leadingSpaces(line) == line.count }

    /// True when `line` would start a block other than a paragraph continuation.
    static func startsBlock(_ line: Line) -> Bool {
        let indent = leadingSpaces(line)
        guard indent < 4, indent < line.count else { return indent == line.count }
        return fenceStart(line, indent: indent) != nil || atxLevel(line, indent: indent) != nil
            || isThematicBreak(line, indent: indent) || line[indent] == 0x3E
            || ListMarker.parse(line, indent: indent).map { !$0.emptyItem } == true
    }

    // MARK: headings, breaks

    static func atxLevel(_ line: Line, indent: Int) -> Int? {
        var j = indent
        while j < line.count, line[j] == 0x23 { j += 1 }
        let level = j - indent
        guard (1...6).contains(level), j == line.count || line[j] == 0x20 else { return nil }
        return level
    }

    static func heading(_ line: Line, indent: Int, level: Int, into out: inout [UInt8]) {
        var content = Array(line[(indent + level)...])
        trim(&content)
        // Optional closing sequence: spaces then #s.
        var end = content.count
        while end > 0, content[end - 1] == 0x23 { end -= 1 }
        if end < content.count, end == 0 || content[end - 1] == 0x20 {
            content.removeSubrange(end...)
            trim(&content)
        }
        let tag = Array("h\(level)".utf8)
        out.append(0x3C); out.append(contentsOf: tag); out.append(0x3E)
        InlineRenderer.render([content], into: &out)
        out.append(contentsOf: [0x3C, 0x2F]); out.append(contentsOf: tag); out.append(contentsOf: [0x3E, 0x0A])
    }

    static func isThematicBreak(_ line: Line, indent: Int) -> Bool {
        let c = line[indent]
        guard c == 0x2A || c == 0x2D || c == 0x5F else { return false }
        var count = 0
        for b in line[indent...] {
            if b == c { count += 1 } else if b != 0x20 { return false }
        }
        return count >= 3
    }

    static func trim(_ b: inout [UInt8]) {
        while let l = b.last, l == 0x20 { b.removeLast() }
        var s = 0
        while s < b.count, b[s] == 0x20 { s += 1 }
        if s > 0 { b.removeFirst(s) }
    }

    // MARK: code

    struct Fence { let char: UInt8; let length: Int; let indent: Int; let info: [UInt8] }

    static func fenceStart(_ line: Line, indent: Int) -> Fence? {
        let c = line[indent]
        guard c == 0x60 || c == 0x7E else { return nil }
        var j = indent
        while j < line.count, line[j] == c { j += 1 }
        guard j - indent >= 3 else { return nil }
        var info = Array(line[j...])
        trim(&info)
        if c == 0x60, info.contains(0x60) { return nil }
        let word = Array(info.prefix { $0 != 0x20 })
        return Fence(char: c, length: j - indent, indent: indent, info: word)
    }

    static func fencedCode(_ lines: ArraySlice<Line>, from start: Int, fence: Fence, into out: inout [UInt8]) -> Int {
        out.append(contentsOf: Array("<pre><code".utf8))
        if !fence.info.isEmpty {
            out.append(contentsOf: Array(" class=\"language-".utf8))
            HTMLEscape.append(fence.info, to: &out)
            out.append(0x22)
        }
        out.append(0x3E)
        var i = start + 1
        while i < lines.endIndex {
            let line = lines[i]
            let indent = leadingSpaces(line)
            if indent < 4, indent < line.count, line[indent] == fence.char {
                var j = indent
                while j < line.count, line[j] == fence.char { j += 1 }
                if j - indent >= fence.length, line[j...].allSatisfy({ $0 == 0x20 }) { i += 1; break }
            }
            HTMLEscape.append(line[min(indent, fence.indent)...], to: &out)
            out.append(0x0A)
            i += 1
        }
        out.append(contentsOf: Array("</code></pre>\n".utf8))
        return i
    }

    static func indentedCode(_ lines: ArraySlice<Line>, from start: Int, into out: inout [UInt8]) -> Int {
        var i = start
        var body: [Line] = []
        while i < lines.endIndex {
            let line = lines[i]
            if isBlank(line) { body.append([]); i += 1; continue }
            guard leadingSpaces(line) >= 4 else { break }
            body.append(Array(line[4...]))
            i += 1
        }
        while let last = body.last, last.isEmpty { body.removeLast() }
        out.append(contentsOf: Array("<pre><code>".utf8))
        for line in body { HTMLEscape.append(line, to: &out); out.append(0x0A) }
        out.append(contentsOf: Array("</code></pre>\n".utf8))
        return i
    }

    // MARK: containers

    static func blockquote(_ lines: ArraySlice<Line>, from start: Int, into out: inout [UInt8]) -> Int {
        var inner: [Line] = []
        var i = start
        while i < lines.endIndex {
            let line = lines[i]
            let indent = leadingSpaces(line)
            if indent < 4, indent < line.count, line[indent] == 0x3E {
                var j = indent + 1
                if j < line.count, line[j] == 0x20 { j += 1 }
                inner.append(Array(line[j...]))
            } else if !isBlank(line), let last = inner.last, !isBlank(last), !startsBlock(line) {
                inner.append(line)  // lazy continuation
            } else {
                break
            }
            i += 1
        }
        out.append(contentsOf: Array("<blockquote>\n".utf8))
        render(inner[...], tight: false, into: &out)
        out.append(contentsOf: Array("</blockquote>\n".utf8))
        return i
    }

    static func list(_ lines: ArraySlice<Line>, from start: Int, first: ListMarker, into out: inout [UInt8]) -> Int {
        var items: [[Line]] = []
        var loose = false
        var i = start
        var marker = first
        while true {
            var item: [Line] = [Array(lines[i].dropFirst(marker.contentIndent))]
            i += 1
            var pendingBlank = false
            while i < lines.endIndex {
                let line = lines[i]
                if isBlank(line) { pendingBlank = true; item.append([]); i += 1; continue }
                let indent = leadingSpaces(line)
                if indent >= marker.contentIndent {
                    item.append(Array(line[marker.contentIndent...]))
                    pendingBlank = false
                    i += 1
                    continue
                }
                if !pendingBlank, !startsBlock(line), let last = item.last, !isBlank(last) {
                    item.append(line)  // lazy continuation
                    i += 1
                    continue
                }
                break
            }
            // Trailing blanks belong between items, not inside.
            var trailing = 0
            while let last = item.last, last.isEmpty, item.count > 1 { item.removeLast(); trailing += 1 }
            if item.dropFirst().contains(where: { $0.isEmpty }) { loose = true }
            items.append(item)
            guard i < lines.endIndex, let next = ListMarker.parse(lines[i], indent: leadingSpaces(lines[i])),
                  leadingSpaces(lines[i]) < 4, next.sameList(as: first)
            else {
                // Give back trailing blank lines so the caller sees them.
                i -= trailing
                break
            }
            if trailing > 0 { loose = true }
            marker = next
        }
        if first.ordered {
            out.append(contentsOf: Array((first.start == 1 ? "<ol>\n" : "<ol start=\"\(first.start)\">\n").utf8))
        } else {
            out.append(contentsOf: Array("<ul>\n".utf8))
        }
        for item in items {
            out.append(contentsOf: Array("<li>".utf8))
            var body: [UInt8] = []
            let endsWithParagraph = render(item[...], tight: !loose, into: &body)
            if loose, !body.isEmpty { out.append(0x0A) }
            if !loose, endsWithParagraph, body.last == 0x0A { body.removeLast() }
            out.append(contentsOf: body)
            out.append(contentsOf: Array("</li>\n".utf8))
        }
        out.append(contentsOf: Array((first.ordered ? "</ol>\n" : "</ul>\n").utf8))
        return i
    }
}

/// A list item marker: `-`, `*`, `+`, or `1.` / `1)`.
struct ListMarker {
    let ordered: Bool
    let char: UInt8  // bullet char or delimiter
    let start: Int
    let contentIndent: Int
    let emptyItem: Bool

    static func parse(_ line: [UInt8], indent: Int) -> ListMarker? {
        guard indent < line.count else { return nil }
        var j = indent
        let c = line[j]
        var ordered = false
        var start = 1
        var delimiter = c
        if c == 0x2D || c == 0x2A || c == 0x2B {
            j += 1
        } else if HTMLEscape.isDigit(c) {
            var n = 0
            while j < line.count, HTMLEscape.isDigit(line[j]), j - indent < 9 { n = n * 10 + Int(line[j] - 0x30); j += 1 }
            guard j < line.count, line[j] == 0x2E || line[j] == 0x29 else { return nil }
            delimiter = line[j]
            ordered = true
            start = n
            j += 1
        } else {
            return nil
        }
        if j == line.count { return ListMarker(ordered: ordered, char: delimiter, start: start, contentIndent: j, emptyItem: true) }
        guard line[j] == 0x20 else { return nil }
        var k = j
        while k < line.count, line[k] == 0x20 { k += 1 }
        if k == line.count { return ListMarker(ordered: ordered, char: delimiter, start: start, contentIndent: j + 1, emptyItem: true) }
        let spaces = k - j
        return ListMarker(ordered: ordered, char: delimiter, start: start,
                          contentIndent: spaces > 4 ? j + 1 : k, emptyItem: false)
    }

    func sameList(as other: ListMarker) -> Bool { ordered == other.ordered && char == other.char }
}
