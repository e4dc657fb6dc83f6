import Testing
@testable import FolioContent

/// What a search may cost: normalisation, the limits (each refused with the setting it breaks),
/// the CPU budget and cancellation, on a real index.
@Suite struct SearchCostTests {
    @Test func duplicateTermsAreFoldedAsTheIndexComparesThem() throws {
        let q = try SearchQuery.parse(Array(repeating: "the", count: 40).joined(separator: " ") + " The THE thé")
        #expect(q.termCount == 1)
        #expect(q.expression == "\"the\"")
        let mixed = try SearchQuery.parse("energy Energy \"gas corridor\" \"Gas  corridor\" elect* elect")
        #expect(mixed.expression == "\"energy\" \"gas corridor\" \"elect\"* \"elect\"")
        #expect(!mixed.isExpensive(SearchLimits()) == false)  // a prefix term makes it expensive
        #expect(!(try SearchQuery.parse("energy gas")).isExpensive(SearchLimits()))
        #expect(try SearchQuery.parse("a b c d e").isExpensive(SearchLimits()))
    }

    @Test(arguments: [
        ((1...13).map { "w\($0)" }.joined(separator: " "), "search.max_terms"),
        ("abc* abd* abe* abf*", "search.max_prefix_terms"),
        ("t*", "search.min_prefix_length"),
        ("\"energy t\"*", "search.min_prefix_length"),
        (String(repeating: "z", count: 513), "search.max_length"),
    ])
    func eachLimitIsRefusedByName(query: String, setting: String) {
        do {
            _ = try SearchQuery.parse(query)
            Issue.record("accepted \(query)")
        } catch {
            guard case .overLimit(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains(setting), "\(message)")
            #expect(error.isUserError)
        }
    }

    @Test func limitsAreSettings() throws {
        var limits = SearchLimits()
        limits.minPrefixLength = 1
        limits.maxTerms = 40
        _ = try SearchQuery.parse("t*", limits: limits)
        _ = try SearchQuery.parse((1...40).map { "w\($0)" }.joined(separator: " "), limits: limits)
    }

    @Test func aSearchStopsAtItsBudgetOrWhenNobodyWaits() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        try ContentImporter(store: store).importPaths([sampleFolder])
        let index = try SearchIndex(path: store.path)
        let query = try SearchQuery.parse("azerbaijan")
        #expect(try !index.search(query, limit: 10, budget: .unlimited).isEmpty)
        do {
            _ = try index.search(query, limit: 10, budget: SearchBudget(cpuSeconds: 0))
            Issue.record("a spent budget did not stop the search")
        } catch {
            guard case .tooExpensive(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("search.cpu_budget_ms"))
        }
        #expect(throws: SearchError.cancelled) {
            try index.snippets(articleIDs: [1, 2], query: query, budget: SearchBudget(cpuSeconds: 10, isCancelled: { true }))
        }
        let snippets = try index.snippets(articleIDs: [1, 2, 999_999], query: query, budget: .unlimited)
        #expect(snippets.count == 3)
        #expect(snippets[2] == "")
        #expect(snippets.prefix(2).contains { $0.contains("<mark>") })
    }
}
