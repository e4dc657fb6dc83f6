/// Why a search query was refused, in words fit for an API error body.
public enum SearchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The query was empty or blank.
    case empty
    /// The query uses syntax outside the supported subset.
    case invalid(String)
    /// The index could not be read.
    case unavailable(String)

    public var message: String {
        switch self {
        case .empty: return "the search query is empty"
        case .invalid(let m): return m
        case .unavailable(let m): return "search is unavailable: \(m)"
        }
    }

    public var description: String { message }
}

/// The accepted query language: words (all must match), "exact phrases",
/// and prefix* searches on words or phrases. Everything else FTS5 would
/// interpret — AND/OR/NOT/NEAR, parentheses, column filters (`title:x`),
/// `^`, `{…}` — is refused with a message. The output is an FTS5 query in
/// which every term is a quoted string, so nothing the user typed is
/// parsed as FTS5 syntax.
struct SearchQuery: Hashable {
    /// One term: quoted text, optionally a prefix.
    struct Term: Hashable {
        var text: String
        var prefix: Bool
        var isPhrase: Bool
    }

    static let maxLength = 512
    static let maxTerms = 32
    private static let operators: Set<String> = ["AND", "OR", "NOT", "NEAR"]

    var terms: [Term]

    /// The FTS5 MATCH expression.
    var expression: String {
        terms.map { "\"" + $0.text + "\"" + ($0.prefix ? "*" : "") }.joined(separator: " ")
    }

    static func parse(_ query: String) throws(SearchError) -> SearchQuery {
        let chars = Array(query)
        if chars.allSatisfy(\.isWhitespace) { throw .empty }
        if chars.count > maxLength { throw .invalid("the search query is longer than \(maxLength) characters") }
        var terms: [Term] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "\"" {
                guard let close = chars[(i + 1)...].firstIndex(of: "\"") else {
                    throw .invalid("unbalanced quote: a \"phrase\" needs a closing \"")
                }
                let text = String(chars[(i + 1)..<close]).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                i = close + 1
                var prefix = false
                if i < chars.count, chars[i] == "*" { prefix = true; i += 1 }
                if i < chars.count, !chars[i].isWhitespace {
                    throw .invalid("put a space after the closing quote of \"\(text)\"")
                }
                guard text.contains(where: { $0.isLetter || $0.isNumber }) else {
                    throw .invalid("the phrase \"\(text)\" has no words in it")
                }
                try checkCharacters(text)
                terms.append(Term(text: text, prefix: prefix, isPhrase: true))
                continue
            }
            var j = i
            while j < chars.count, !chars[j].isWhitespace, chars[j] != "\"" { j += 1 }
            var word = String(chars[i..<j])
            i = j
            if i < chars.count, chars[i] == "\"" {
                throw .invalid("a quote must start a new \"phrase\" (after \(word))")
            }
            if operators.contains(word) {
                throw .invalid("\(word) is not supported: separate words with spaces to find articles with all of them, or use \"an exact phrase\"")
            }
            var prefix = false
            if word.hasSuffix("*") { prefix = true; word.removeLast() }
            if word.contains("*") { throw .invalid("* may only end a word, as in elect*") }
            try checkCharacters(word)
            guard word.contains(where: { $0.isLetter || $0.isNumber }) else {
                if prefix { throw .invalid("* must follow the start of a word, as in elect*") }
                continue  // punctuation only: nothing to search for
            }
            terms.append(Term(text: word, prefix: prefix, isPhrase: false))
        }
        if terms.isEmpty { throw .invalid("the search query has no words to search for") }
        if terms.count > maxTerms { throw .invalid("the search query has more than \(maxTerms) terms") }
        return SearchQuery(terms: terms)
    }

    private static func checkCharacters(_ text: String) throws(SearchError) {
        for c in text {
            switch c {
            case "(", ")": throw .invalid("parentheses are not supported in search queries")
            case ":": throw .invalid("column filters such as title:word are not supported (found \":\" in \(text))")
            case "^": throw .invalid("^ is not supported in search queries")
            case "{", "}": throw .invalid("column sets {…} are not supported in search queries")
            default:
                if c.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    throw .invalid("the search query contains control characters")
                }
            }
        }
    }
}
