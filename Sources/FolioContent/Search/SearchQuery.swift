import Foundation

/// Why a search query was refused or stopped, in words fit for an API error body.
public enum SearchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The query was empty or blank.
    case empty
    /// The query uses syntax outside the supported subset.
    case invalid(String)
    /// The query is over one of the configured limits (the message names it).
    case overLimit(String)
    /// The query used up its CPU budget: the query itself is too expensive.
    case tooExpensive(String)
    /// Nobody waits for the answer any more (the client left); the work was dropped.
    case cancelled
    /// The index could not be read.
    case unavailable(String)

    public var message: String {
        switch self {
        case .empty: return "the search query is empty"
        case .invalid(let m), .overLimit(let m), .tooExpensive(let m): return m
        case .cancelled: return "the search was cancelled"
        case .unavailable(let m): return "search is unavailable: \(m)"
        }
    }

    /// True when the query is the cause (a 400), false when the server is (a 5xx).
    public var isUserError: Bool {
        switch self {
        case .empty, .invalid, .overLimit, .tooExpensive: true
        case .cancelled, .unavailable: false
        }
    }

    public var description: String { message }
}

/// What a search may cost: limits checked before it runs (a 400 naming the limit), and a CPU
/// budget it runs within. Every field is a setting (`search` in the configuration).
public struct SearchLimits: Sendable, Hashable {
    /// Longest query, in characters.
    public var maxLength = 512
    /// Distinct terms (words and phrases) after duplicates are folded.
    public var maxTerms = 8
    /// Terms ending in `*`.
    public var maxPrefixTerms = 3
    /// Letters or digits a prefix needs before its `*` (`t*` matches most of an index).
    public var minPrefixLength = 3
    /// CPU time one search request may use (the search and its snippets), in seconds.
    public var cpuBudget = 0.15
    /// A query with more terms than this, or any prefix term, is scheduled as expensive.
    public var cheapTerms = 4

    public init() {}
}

/// The accepted query language: words (all must match), "exact phrases",
/// and prefix* searches on words or phrases. Everything else FTS5 would
/// interpret — AND/OR/NOT/NEAR, parentheses, column filters (`title:x`),
/// `^`, `{…}` — is refused with a message. The output is an FTS5 query in
/// which every term is a quoted string, so nothing the user typed is
/// parsed as FTS5 syntax.
///
/// Terms are normalised: duplicates (compared as the index compares them, ignoring case and
/// diacritics) are folded into one, so `the the the …` costs what `the` costs.
public struct SearchQuery: Hashable, Sendable {
    /// One term: quoted text, optionally a prefix.
    struct Term: Hashable {
        var text: String
        var prefix: Bool
        var isPhrase: Bool
    }

    private static let operators: Set<String> = ["AND", "OR", "NOT", "NEAR"]

    var terms: [Term]
    /// Terms as written, before duplicates were folded (many repeats are a sign of abuse).
    var writtenTerms = 0

    /// The FTS5 MATCH expression.
    var expression: String {
        terms.map { "\"" + $0.text + "\"" + ($0.prefix ? "*" : "") }.joined(separator: " ")
    }

    /// Whether the scheduler treats it as expensive: prefix terms, or many terms (as written).
    public func isExpensive(_ limits: SearchLimits) -> Bool {
        writtenTerms > limits.cheapTerms || terms.contains(where: \.prefix)
    }

    public var termCount: Int { terms.count }

    /// The terms for another engine: each a word or a phrase, possibly a prefix.
    public var parts: [(text: String, prefix: Bool, phrase: Bool)] { terms.map { ($0.text, $0.prefix, $0.isPhrase) } }

    public static func parse(_ query: String, limits: SearchLimits = SearchLimits()) throws(SearchError) -> SearchQuery {
        let chars = Array(query)
        if chars.allSatisfy(\.isWhitespace) { throw .empty }
        if chars.count > limits.maxLength {
            throw .overLimit("the search query is longer than \(limits.maxLength) characters (search.max_length)")
        }
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
        let written = terms.count
        var seen = Set<Term>()
        terms = terms.filter { t in
            seen.insert(Term(text: t.text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil),
                             prefix: t.prefix, isPhrase: t.isPhrase)).inserted
        }
        if terms.count > limits.maxTerms {
            throw .overLimit("the search query has \(terms.count) different terms; at most \(limits.maxTerms) are allowed (search.max_terms)")
        }
        let prefixes = terms.filter(\.prefix)
        if prefixes.count > limits.maxPrefixTerms {
            throw .overLimit("the search query has \(prefixes.count) prefix terms (ending in *); at most \(limits.maxPrefixTerms) are allowed (search.max_prefix_terms)")
        }
        for t in prefixes {
            let last = t.text.split(separator: " ").last.map(String.init) ?? t.text
            let length = last.filter { $0.isLetter || $0.isNumber }.count
            if length < limits.minPrefixLength {
                throw .overLimit("the prefix \(last)* is too short: a prefix needs at least \(limits.minPrefixLength) letters or digits before * (search.min_prefix_length)")
            }
        }
        return SearchQuery(terms: terms, writtenTerms: written)
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
