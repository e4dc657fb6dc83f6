import Testing
@testable import FolioContent

@Suite struct TimestampTests {
    @Test func parsesAndKeepsOffset() throws {
        let t = try #require(Timestamp(rfc3339: "2023-09-18T10:56:00+04:00"))
        #expect(t.epochSeconds == 1_695_020_160)
        #expect(t.utcOffsetSeconds == 14_400)
        #expect(t.rfc3339 == "2023-09-18T10:56:00+04:00")
        #expect(t.civil.hour == 10)
    }

    @Test func formsOfInput() throws {
        #expect(Timestamp(rfc3339: "2023-09-18T06:56:00Z")?.rfc3339 == "2023-09-18T06:56:00+00:00")
        #expect(Timestamp(rfc3339: "2023-09-18t06:56:00z")?.epochSeconds == 1_695_020_160)
        #expect(Timestamp(rfc3339: "2023-09-18 10:56+04:00")?.rfc3339 == "2023-09-18T10:56:00+04:00")
        #expect(Timestamp(rfc3339: "2023-09-18T06:56:00.123456Z")?.epochSeconds == 1_695_020_160)
        #expect(Timestamp(rfc3339: "2024-02-29")?.rfc3339 == "2024-02-29T00:00:00+00:00")
        #expect(Timestamp(rfc3339: "2024-02-29T12:00:00-05:30")?.epochSeconds == 1_709_227_800)
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.epochSeconds == -1)
        #expect(Timestamp(epochSeconds: -1).rfc3339 == "1969-12-31T23:59:59+00:00")
        #expect(Timestamp(rfc3339: "0099-03-01T05:06:07-05:30")?.rfc3339 == "0099-03-01T05:06:07-05:30")
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59+23:59")?.rfc3339 == "9999-12-31T23:59:59+23:59")
    }

    @Test(arguments: [
        "", "2023", "2023-9-18", "2023-02-29", "2023-13-01", "2023-09-31", "2023-09-18T24:00:00Z",
        "2023-09-18T10:60:00Z", "2023-09-18T10:56:00", "2023-09-18T10:56:00+4:00", "2023-09-18T10:56:00+04:00x",
        "2023-09-18X10:56:00Z", "yesterday",
    ])
    func rejects(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func comparesByInstant() throws {
        let baku = try #require(Timestamp(rfc3339: "2023-09-18T10:56:00+04:00"))
        let utc = try #require(Timestamp(rfc3339: "2023-09-18T06:56:00Z"))
        #expect(baku == utc)
        #expect(!baku.isIdentical(to: utc))
        #expect(utc < Timestamp(rfc3339: "2023-09-18T06:56:01Z")!)
    }

    @Test func roundTripsManyInstants() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let t = Timestamp(epochSeconds: Int64(rng.int(in: -2_000_000_000...4_000_000_000)),
                              utcOffsetSeconds: Int32(rng.int(in: -50...56)) * 900)
            let back = Timestamp(rfc3339: t.rfc3339)
            #expect(back?.isIdentical(to: t) == true)
        }
    }
}
