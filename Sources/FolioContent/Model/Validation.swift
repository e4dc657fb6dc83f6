/// A validation failure listing every problem found, each naming its field
/// (snake_case, as in the API and import files: `published_at`, `authors[1]`).
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem with one field.
    public struct Issue: Sendable, Hashable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var issues: [Issue]

    public init(issues: [Issue]) { self.issues = issues }
    public init(field: String, _ message: String) { self.issues = [Issue(field: field, message: message)] }

    public var description: String {
        issues.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
    }

    /// The same issues with `prefix.` in front of each field.
    public func prefixed(_ prefix: String) -> ValidationError {
        ValidationError(issues: issues.map { Issue(field: prefix + "." + $0.field, message: $0.message) })
    }
}

/// Collects validation issues; `finish()` throws if there were any.
struct Validator {
    private(set) var issues: [ValidationError.Issue] = []

    mutating func fail(_ field: String, _ message: String) {
        issues.append(ValidationError.Issue(field: field, message: message))
    }

    func finish() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }

    /// Lowercase ASCII letters, digits and single hyphens, 1–120 characters,
    /// no leading or trailing hyphen.
    mutating func slug(_ s: String, field: String) {
        if let problem = Slug.problem(s) { fail(field, problem) }
    }

    mutating func required(_ s: String, field: String, maxLength: Int) {
        if s.allSatisfy(\.isWhitespace) {
            fail(field, "is required")
        } else {
            self.maxLength(s, field: field, maxLength)
        }
    }

    mutating func maxLength(_ s: String, field: String, _ limit: Int) {
        if s.count > limit { fail(field, "is longer than \(limit) characters") }
    }

    mutating func timestamp(_ s: String, field: String) -> Timestamp? {
        guard let t = Timestamp(rfc3339: s) else {
            fail(field, "\"\(s)\" is not an RFC 3339 date-time (2023-09-18T10:56:00+04:00) or date (2023-09-18)")
            return nil
        }
        return t
    }

    mutating func email(_ s: String, field: String) {
        if !Shapes.isEmail(s) { fail(field, "\"\(s)\" is not an e-mail address") }
    }

    mutating func httpURL(_ s: String, field: String) {
        if !Shapes.isHTTPURL(s) { fail(field, "\"\(s)\" is not an http or https URL") }
    }

    mutating func language(_ s: String, field: String) {
        if !Shapes.isLanguageTag(s) { fail(field, "\"\(s)\" is not a language tag like en or pt-BR") }
    }
}

/// Slug rules, shared by validation and the generator.
public enum Slug {
    public static let maxLength = 120

    /// Why `s` is not a valid slug, or nil when it is.
    public static func problem(_ s: String) -> String? {
        let b = Array(s.utf8)
        if b.isEmpty { return "is required" }
        if b.count > maxLength { return "is longer than \(maxLength) characters" }
        for c in b where !((c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D) {
            return "\"\(s)\" may contain only lowercase letters a–z, digits and hyphens"
        }
        if b.first == 0x2D || b.last == 0x2D { return "\"\(s)\" must not start or end with a hyphen" }
        if s.contains("--") { return "\"\(s)\" must not contain two hyphens in a row" }
        return nil
    }

    public static func isValid(_ s: String) -> Bool { problem(s) == nil }

    /// A slug made from a title: ASCII-folded, lowercase, words joined by hyphens.
    public static func make(from title: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in title.lowercased().unicodeScalars {
            if scalar == "'" || scalar == "’" { continue }
            let folded = Diacritics.fold(scalar)
            for c in folded.unicodeScalars {
                if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") {
                    if pendingHyphen && !out.isEmpty { out.append("-") }
                    pendingHyphen = false
                    out.unicodeScalars.append(c)
                } else {
                    pendingHyphen = true
                }
            }
        }
        return String(out.prefix(maxLength)).trimmingHyphens()
    }
}

extension String {
    fileprivate func trimmingHyphens() -> String {
        var s = Substring(self)
        while s.hasSuffix("-") { s.removeLast() }
        return String(s)
    }
}

/// Folds common Latin letters with diacritics to ASCII (for slugs).
enum Diacritics {
    static func fold(_ c: Unicode.Scalar) -> String {
        if c.isASCII { return String(c) }
        switch c {
        case "à", "á", "â", "ã", "ä", "å", "ā", "ă", "ą": return "a"
        case "ç", "ć", "č": return "c"
        case "è", "é", "ê", "ë", "ē", "ė", "ę", "ě", "ə": return "e"
        case "ì", "í", "î", "ï", "ī", "ı", "į": return "i"
        case "ñ", "ń", "ň": return "n"
        case "ò", "ó", "ô", "õ", "ö", "ø", "ō", "ő": return "o"
        case "ù", "ú", "û", "ü", "ū", "ů", "ű": return "u"
        case "ý", "ÿ": return "y"
        case "ş", "ś", "š", "ș": return "s"
        case "ğ": return "g"
        case "ž", "ź", "ż": return "z"
        case "ł": return "l"
        case "ř": return "r"
        case "ť", "ț": return "t"
        case "ď": return "d"
        case "ß": return "ss"
        default: return " "
        }
    }
}

/// Shape checks for e-mail addresses, URLs and language tags.
enum Shapes {
    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, s.utf8.count <= 254 else { return false }
        let local = parts[0], domain = parts[1]
        let localOK = local.utf8.allSatisfy { c in
            c > 0x20 && c < 0x7F && !"()<>[]:;@\\,\"".utf8.contains(c)
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard localOK, labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 >= 0x80 }
        }
    }

    static func isHTTPURL(_ s: String) -> Bool {
        let lower = s.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = s.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = s.dropFirst(7)
        } else {
            return false
        }
        guard s.utf8.count <= 2048, !s.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            return false
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostOnly = host.split(separator: "@").last.map { $0.prefix { $0 != ":" } } ?? ""
        return !hostOnly.isEmpty && !hostOnly.hasPrefix(".") && !hostOnly.contains("..")
    }

    static func isLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count),
              first.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A || $0 >= 0x41 && $0 <= 0x5A })
        else { return false }
        return parts.dropFirst().allSatisfy { p in
            (1...8).contains(p.count) && p.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
        }
    }
}
