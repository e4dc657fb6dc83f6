/// HTML → plain text: tags removed, entities decoded, whitespace collapsed,
/// block elements separated by blank lines and `<br>` by a newline.
/// Control characters are removed (search snippets rely on that).
public enum PlainText {
    private static let blocks: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "hr", "table", "tr",
        "figure", "figcaption", "section", "article", "header", "footer",
    ]

    public static func from(html: String) -> String {
        let b = Array(html.utf8)
        var paragraphs: [[UInt8]] = []
        var current: [UInt8] = []
        var pendingSpace = false
        var inPre = 0
        func endBlock() {
            while let l = current.last, l == 0x20 || l == 0x0A { current.removeLast() }
            if !current.isEmpty { paragraphs.append(current) }
            current.removeAll(keepingCapacity: true)
            pendingSpace = false
        }
        func appendText(_ bytes: some Sequence<UInt8>) {
            for c in bytes {
                if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                    if inPre > 0 && c == 0x0A { current.append(0x0A); pendingSpace = false; continue }
                    pendingSpace = !current.isEmpty
                } else if c < 0x20 || c == 0x7F {
                    continue
                } else {
                    if pendingSpace, let l = current.last, l != 0x0A { current.append(0x20) }
                    pendingSpace = false
                    current.append(c)
                }
            }
        }
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x3C, let tag = HTMLSanitizer.Tag.parse(b, at: i) {
                i = tag.end
                if tag.name == "br" {
                    while let l = current.last, l == 0x20 { current.removeLast() }
                    current.append(0x0A); pendingSpace = false
                } else if tag.name == "pre" {
                    endBlock(); inPre += tag.closing ? -1 : 1; inPre = max(0, inPre)
                } else if blocks.contains(tag.name) {
                    endBlock()
                } else if tag.name == "script" || tag.name == "style" {
                    if !tag.closing, let close = findClose(tag.name, b, from: i) { i = close }
                }
            } else if c == 0x26, let len = HTMLEscape.entityLength(b, at: i) {
                let decoded = HTMLEscape.decodeEntity(b[i..<(i + len)])
                appendText(decoded == "\u{00A0}" ? Array(" ".utf8) : Array(decoded.utf8))
                i += len
            } else {
                var j = i + 1
                while j < b.count, b[j] != 0x3C, b[j] != 0x26 { j += 1 }
                appendText(b[i..<j])
                i = j
            }
        }
        endBlock()
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        for (n, p) in paragraphs.enumerated() {
            if n > 0 { out.append(0x0A); out.append(0x0A) }
            out.append(contentsOf: p)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func findClose(_ name: String, _ b: [UInt8], from start: Int) -> Int? {
        var i = start
        while i < b.count {
            if b[i] == 0x3C, let t = HTMLSanitizer.Tag.parse(b, at: i), t.closing, t.name == name { return t.end }
            i += 1
        }
        return nil
    }
}

/// Word count, reading time and excerpts from plain text.
public enum TextStats {
    /// Reading speed used for `readingTime(words:)`.
    public static let wordsPerMinute = 230

    /// Whitespace-separated tokens that contain at least one letter or digit.
    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        var wordHasAlnum = false
        for s in text.unicodeScalars {
            let isSpace = s.isASCII ? (s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D)) : s.properties.isWhitespace
            if isSpace {
                if inWord && wordHasAlnum { count += 1 }
                inWord = false; wordHasAlnum = false
            } else {
                inWord = true
                if !wordHasAlnum {
                    if s.isASCII {
                        let v = s.value
                        wordHasAlnum = (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A)
                    } else {
                        wordHasAlnum = s.properties.isAlphabetic || s.properties.numericType != nil
                    }
                }
            }
        }
        if inWord && wordHasAlnum { count += 1 }
        return count
    }

    /// Minutes at `wordsPerMinute`, rounded up, at least 1.
    public static func readingTime(words: Int) -> Int {
        max(1, (words + wordsPerMinute - 1) / wordsPerMinute)
    }

    /// The first ~`limit` characters of `text`, whitespace collapsed, cut at
    /// a word boundary and ended with "…" when shortened.
    public static func excerpt(from text: String, limit: Int = 200) -> String {
        // ASCII text (most English bodies) by bytes: iterating Characters (grapheme breaking and
        // a property lookup per character) was 3 % of a sustained write load's CPU.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limit + 1)
        var pendingSpace = false, truncated = false, ascii = true
        for b in text.utf8 {
            guard b < 0x80 else { ascii = false; break }
            if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if bytes.count >= limit { truncated = true; break }
            if pendingSpace { bytes.append(0x20); pendingSpace = false }
            bytes.append(b)
        }
        guard ascii else { return excerptByCharacters(text, limit: limit) }
        return finishExcerpt(String(decoding: bytes, as: UTF8.self), truncated: truncated, limit: limit)
    }

    private static func excerptByCharacters(_ text: String, limit: Int) -> String {
        var flat = ""
        flat.reserveCapacity(limit * 2)
        var count = 0
        var pendingSpace = false
        var truncated = false
        for ch in text {
            if ch.isWhitespace {
                pendingSpace = !flat.isEmpty
                continue
            }
            if count >= limit { truncated = true; break }
            if pendingSpace { flat.append(" "); count += 1; pendingSpace = false }
            flat.append(ch)
            count += 1
        }
        return finishExcerpt(flat, truncated: truncated, limit: limit)
    }

    /// Cuts a truncated excerpt back to a word boundary (when one is past half of it) and marks it.
    private static func finishExcerpt(_ flat: String, truncated: Bool, limit: Int) -> String {
        guard truncated else { return flat }
        var flat = flat
        if let lastSpace = flat.lastIndex(of: " "), flat.distance(from: flat.startIndex, to: lastSpace) > limit / 2 {
            flat = String(flat[..<lastSpace])
        }
        while let last = flat.last, ",;:.-–—(".contains(last) { flat.removeLast() }
        return flat + "…"
    }
}
