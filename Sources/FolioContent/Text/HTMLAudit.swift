/// An independent check of sanitised HTML, written apart from `HTMLSanitizer` so that the two
/// do not share a mistake: every `<` starts an allowed tag written in the sanitizer's canonical
/// form (`<name attr="value">`), every attribute is allowed on its tag, no attribute is an event
/// handler or a style, and every `href`/`src`, once its character references are decoded and
/// its control characters and spaces removed (as browsers do), is http(s), mailto, or relative.
/// The sanitizer's tests, its fuzz target and `folio check` (stored bodies) use it.
public enum HTMLAudit {
    static let attributes: [String: Set<String>] = [
        "a": ["href", "title", "id", "class", "aria-label", "data-footnote-ref", "data-footnote-backref"],
        "img": ["src", "alt", "title"], "ol": ["start"], "li": ["id"], "sup": ["class"],
        "section": ["class", "data-footnotes"], "code": ["class"], "th": ["align"], "td": ["align"],
        "input": ["type", "checked", "disabled"],
    ]

    /// nil when `html` passes; otherwise what is wrong, with its offset.
    public static func problem(in html: String) -> String? {
        let b = Array(html.utf8)
        var i = 0
        while i < b.count {
            guard b[i] == 0x3C else {
                if b[i] == 0x3E { return "a raw > at \(i)" }
                i += 1
                continue
            }
            var j = i + 1
            if j < b.count, b[j] == 0x2F { j += 1 }
            let nameStart = j
            while j < b.count, (0x61...0x7A).contains(b[j]) || (0x30...0x39).contains(b[j]) { j += 1 }
            let name = String(decoding: b[nameStart..<j], as: UTF8.self)
            guard !name.isEmpty, HTMLSanitizer.allowed.contains(name) else { return "a tag that is not allowed (\(name)) at \(i)" }
            while j < b.count, b[j] == 0x20 {
                j += 1
                let an = j
                while j < b.count, b[j] != 0x3D, b[j] != 0x20, b[j] != 0x3E, b[j] != 0x2F { j += 1 }
                let attribute = String(decoding: b[an..<j], as: UTF8.self)
                if attribute.isEmpty { break }  // the " />" of a void element
                guard attributes[name]?.contains(attribute) == true else { return "attribute \(attribute) on \(name) at \(i)" }
                guard j + 1 < b.count, b[j] == 0x3D, b[j + 1] == 0x22 else { return "an attribute not written as name=\"value\" at \(i)" }
                let vs = j + 2
                guard let ve = b[vs...].firstIndex(of: 0x22) else { return "an unterminated attribute value at \(i)" }
                let value = b[vs..<ve]
                if value.contains(0x3C) || value.contains(0x3E) { return "a raw < or > in an attribute at \(i)" }
                if attribute == "href" || attribute == "src", !isSafeURL(decode(value)) {
                    return "an unsafe \(attribute) at \(i): \(String(decoding: value, as: UTF8.self))"
                }
                j = ve + 1
            }
            if j + 1 < b.count, b[j] == 0x2F, b[j + 1] == 0x3E { j += 2 } else if j < b.count, b[j] == 0x3E { j += 1 } else {
                return "a tag not closed by > at \(i)"
            }
            i = j
        }
        return nil
    }

    /// Character references decoded (numeric and the few named ones that matter for a scheme);
    /// an unknown named reference is left as it is.
    static func decode(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var i = value.startIndex
        while i < value.endIndex {
            if value[i] == 0x26, let semi = value[i...].prefix(40).firstIndex(of: 0x3B) {
                let body = String(decoding: value[(i + 1)..<semi], as: UTF8.self)
                var scalar: UInt32?
                if body.hasPrefix("#x") || body.hasPrefix("#X") { scalar = UInt32(body.dropFirst(2), radix: 16) }
                else if body.hasPrefix("#") { scalar = UInt32(body.dropFirst()) }
                else { scalar = ["colon": 58, "tab": 9, "newline": 10, "amp": 38, "quot": 34, "lt": 60, "gt": 62, "apos": 39][body.lowercased()] }
                if let scalar, let u = Unicode.Scalar(scalar) {
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                    i = semi + 1
                    continue
                }
            }
            out.append(value[i])
            i += 1
        }
        return out
    }

    /// After dropping ASCII controls and spaces: no scheme (relative), or http, https, mailto.
    static func isSafeURL(_ url: [UInt8]) -> Bool {
        let compact = url.filter { $0 > 0x20 && $0 != 0x7F }.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
        guard let colon = compact.firstIndex(of: 0x3A) else { return true }
        if let delimiter = compact.firstIndex(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }), delimiter < colon { return true }
        let scheme = String(decoding: compact[..<colon], as: UTF8.self)
        return ["http", "https", "mailto"].contains(scheme)
    }
}
