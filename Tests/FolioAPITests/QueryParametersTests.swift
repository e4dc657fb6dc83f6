import Testing
@testable import FolioAPI

/// The query string as ordered, decoded pairs, and the typed reads every route uses.
@Suite struct QueryParametersTests {
    static func parse(_ raw: String) throws(APIError) -> QueryParameters {
        try QueryParameters(raw: Array(raw.utf8))
    }

    static func pairs(_ raw: String) throws -> [String] {
        try parse(raw).pairs.map { "\($0.name)=\($0.value)" }
    }

    /// The 400 `body` throws, or nil (recording an issue) when it does not throw one.
    static func error(_ body: () throws(APIError) -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> APIError? {
        do {
            try body()
            Issue.record("expected a 400", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.status == 400, sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func pairsInOrder() throws {
        #expect(try Self.parse("").isEmpty)
        #expect(try Self.pairs("a=1&b=2&a=3") == ["a=1", "b=2", "a=3"])
        #expect(try Self.pairs("&&a=1&") == ["a=1"])             // empty pieces are skipped
        #expect(try Self.pairs("flag") == ["flag="])              // no "=": an empty value
        #expect(try Self.pairs("a=&=x") == ["a=", "=x"])
        #expect(try Self.pairs("a=b=c") == ["a=b=c"])             // the first "=" splits
        #expect(try Self.parse("x=1&y").pairs.map(\.value) == ["1", ""])
    }

    @Test func decodingOfNamesAndValues() throws {
        #expect(try Self.pairs("q=a+b&q2=a%20b&p%6Ege=1") == ["q=a b", "q2=a b", "pnge=1"])
        #expect(try Self.pairs("q=a%2Bb") == ["q=a+b"])           // an encoded plus stays a plus
        #expect(try Self.pairs("q=a%26b%3Dc") == ["q=a&b=c"])     // encoded & and = do not split
        #expect(try Self.pairs("q=%C3%BC%E2%80%A6") == ["q=ü…"])
        #expect(try Self.pairs("q=%25") == ["q=%"])
    }

    @Test func badEncodingIsA400NamingTheParameter() {
        for raw in ["q=%zz", "q=%", "q=%4", "q=%FF", "q=%C3", "q=%00", "ok=1&q=%E2%80"] {
            let e = Self.error { () throws(APIError) in _ = try Self.parse(raw) }
            #expect(e?.errors.map(\.parameter) == ["q"], "\(raw)")
            #expect(e?.detail.hasPrefix("invalid parameter \"q\"") == true, "\(raw): \(e?.detail ?? "")")
        }
        // A name that cannot be decoded cannot be named.
        let e = Self.error { () throws(APIError) in _ = try Self.parse("%zz=1") }
        #expect(e?.detail == "malformed query string: bad percent-encoding in a parameter name")
        #expect(e?.errors.isEmpty == true)
    }

    @Test func unknownNamesAreRefused() throws {
        try Self.parse("page=1&per_page=2").requireOnly(["page", "per_page"])
        try Self.parse("").requireOnly([])
        let e = Self.error { () throws(APIError) in try Self.parse("page=1&pgae=2").requireOnly(["page"]) }
        #expect(e?.detail == "unknown parameter \"pgae\"")
        #expect(e?.errors.map(\.parameter) == ["pgae"])
        #expect(e?.errors.map(\.message) == ["unknown parameter"])
        // Names are matched exactly: no case folding.
        #expect(Self.error { () throws(APIError) in try Self.parse("Page=1").requireOnly(["page"]) }?.errors.first?.parameter == "Page")
        // A long unknown name is cut to 64 characters in the answer.
        let long = String(repeating: "n", count: 100)
        let cut = Self.error { () throws(APIError) in try Self.parse(long + "=1").requireOnly(["page"]) }
        #expect(cut?.errors.first?.parameter == String(repeating: "n", count: 64) + "…")
    }

    @Test func listsSplitCommasAndRepeats() throws {
        #expect(try Self.parse("tag=a,b&x=1&tag=c").list("tag") == ["a", "b", "c"])
        #expect(try Self.parse("tag=a%2Cb").list("tag") == ["a", "b"])   // decoded before splitting
        #expect(try Self.parse("tag=+a+,%20b").list("tag") == ["a", "b"])  // spaces trimmed
        #expect(try Self.parse("x=1").list("tag") == [])
        for raw in ["tag=", "tag=a,,b", "tag=a,", "tag=,a", "tag=+", "tag=a&tag="] {
            let e = Self.error { () throws(APIError) in _ = try Self.parse(raw).list("tag") }
            #expect(e?.errors.first?.parameter == "tag", "\(raw)")
            #expect(e?.errors.first?.message == "empty value", "\(raw)")
        }
    }

    @Test func singleValues() throws {
        #expect(try Self.parse("q=x").single("q") == "x")
        #expect(try Self.parse("q=").single("q") == "")
        #expect(try Self.parse("p=1").single("q") == nil)
        let e = Self.error { () throws(APIError) in _ = try Self.parse("q=x&q=x").single("q") }
        #expect(e?.errors.first?.parameter == "q")
        #expect(e?.errors.first?.message == "given more than once")
    }

    @Test func integersAreNeverClamped() throws {
        #expect(try Self.parse("n=5").integer("n", in: 1...100) == 5)
        #expect(try Self.parse("n=100").integer("n", in: 1...100) == 100)
        #expect(try Self.parse("n=007").integer("n", in: 1...100) == 7)
        #expect(try Self.parse("").integer("n", in: 1...100) == nil)
        for (raw, message) in [("n=0", "must be from 1 to 100, got 0"), ("n=101", "must be from 1 to 100, got 101")] {
            let e = Self.error { () throws(APIError) in _ = try Self.parse(raw).integer("n", in: 1...100) }
            #expect(e?.errors.first?.message == message, "\(raw)")
        }
        for raw in ["n=", "n=-1", "n=%2B5", "n=+5", "n=1.5", "n=1e2", "n=abc", "n=%EF%BC%95", "n=1234567890", "n=99999999999999999999"] {
            let e = Self.error { () throws(APIError) in _ = try Self.parse(raw).integer("n", in: 1...100) }
            #expect(e?.errors.first?.parameter == "n", "\(raw)")
            #expect(e?.errors.first?.message == "must be a whole number from 1 to 100", "\(raw)")
        }
        let twice = Self.error { () throws(APIError) in _ = try Self.parse("n=1&n=1").integer("n", in: 1...100) }
        #expect(twice?.errors.first?.message == "given more than once")
    }
}
