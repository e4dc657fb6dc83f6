// libFuzzer target for query strings: FolioHTTP's PercentDecoding and FolioAPI's QueryParameters.
//
// Fuzzing build (libFuzzer supplies `main`; FUZZING leaves ours out):
//     scripts/fuzz query [SECONDS]
// Plain build: replays files given on the command line through the same checks:
//     swift build --product FolioQueryFuzzer && .build/debug/FolioQueryFuzzer crash-1234...
//
// Checks: both decoders agree with an independent reference; what decodes re-encodes and decodes
// back to the same bytes; QueryParameters splits exactly like a reference splitter, refuses
// exactly when a piece fails to decode, round-trips through re-encoding, and its accessors either
// answer within their contract or throw a 400.

import FolioAPI
import FolioHTTP

#if canImport(Glibc)
import Glibc
#endif
#if !FUZZING
import FuzzReplay
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    QueryFuzzChecks.checkDecoding(input)
    // Only what the head parser lets into a request target reaches the query parser: visible
    // ASCII without "#" (a raw NUL, say, never does).
    QueryFuzzChecks.checkQuery(input.filter { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") })
    return 0
}

enum QueryFuzzChecks {
    static func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { fatalError("invariant: \(message())", file: file, line: line) }
    }

    /// Percent-decoding the obvious way: nil for `%` without two hex digits or (when asked) `%00`.
    static func referenceDecode(_ bytes: ArraySlice<UInt8>, plusAsSpace: Bool, rejectNUL: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else { return nil }
                let v = h * 16 + l
                if v == 0, rejectNUL { return nil }
                out.append(v)
                i += 3
            } else {
                out.append(plusAsSpace && b == UInt8(ascii: "+") ? 0x20 : b)
                i += 1
            }
        }
        return out
    }

    static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Escapes every byte outside RFC 3986 unreserved characters.
    static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        let digits = Array("0123456789ABCDEF".utf8)
        for b in bytes {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), digits[Int(b >> 4)], digits[Int(b & 15)]]
            }
        }
        return out
    }

    static func checkDecoding(_ input: [UInt8]) {
        for plus in [false, true] {
            for nul in [false, true] {
                let got = PercentDecoding.decode(input, plusAsSpace: plus, rejectNUL: nul)
                let want = referenceDecode(input[...], plusAsSpace: plus, rejectNUL: nul)
                require(got == want, "decode(plus: \(plus), nul: \(nul)) of \(input): \(String(describing: got)) != \(String(describing: want))")
                if let got {
                    require(got.count <= input.count, "decoded longer than the input")
                    // What decoded re-encodes and decodes back (plus-as-space off: "+" is escaped anyway;
                    // NUL allowed: a raw NUL passes through decoding and re-encodes as %00).
                    require(PercentDecoding.decode(encode(got), rejectNUL: false) == got, "re-encoding round trip of \(got)")
                }
            }
        }
        let string = PercentDecoding.decodeString(input, plusAsSpace: true)
        let bytes = referenceDecode(input[...], plusAsSpace: true, rejectNUL: true)
        require(string == bytes.flatMap { String(validating: $0, as: UTF8.self) }, "decodeString of \(input)")
    }

    static func checkQuery(_ input: [UInt8]) {
        // Reference split: "&" separates pieces, empty pieces are skipped, the first "=" splits.
        var want: [(String, String)]? = []
        for piece in input.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let eq = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
            let name = referenceDecode(piece[piece.startIndex..<eq], plusAsSpace: true, rejectNUL: true)
                .flatMap { String(validating: $0, as: UTF8.self) }
            let value = referenceDecode(eq < piece.endIndex ? piece[(eq + 1)...] : [], plusAsSpace: true, rejectNUL: true)
                .flatMap { String(validating: $0, as: UTF8.self) }
            guard let name, let value else { want = nil; break }
            want?.append((name, value))
        }
        let query: QueryParameters
        do {
            query = try QueryParameters(raw: input)
        } catch {
            require(want == nil, "refused a well-formed query \(input): \(error.detail)")
            require(error.status == 400, "refusal status \(error.status)")
            return
        }
        guard let want else { fatalError("invariant: accepted a malformed query \(input)") }
        require(query.pairs.count == want.count, "pair count \(query.pairs.count) != \(want.count)")
        for (p, w) in zip(query.pairs, want) {
            require(Array(p.name.utf8) == Array(w.0.utf8) && Array(p.value.utf8) == Array(w.1.utf8), "pair \(p) != \(w)")
        }
        require(query.isEmpty == want.isEmpty, "isEmpty")

        // Re-encoded, the pairs parse back to themselves.
        var again: [UInt8] = []
        for (i, p) in query.pairs.enumerated() {
            if i > 0 { again.append(UInt8(ascii: "&")) }
            again += encode(p.name.utf8) + [UInt8(ascii: "=")] + encode(p.value.utf8)
        }
        do {
            let back = try QueryParameters(raw: again)
            require(back.pairs.count == query.pairs.count, "round trip count")
            for (a, b) in zip(back.pairs, query.pairs) { require(a.name == b.name && a.value == b.value, "round trip pair") }
        } catch {
            fatalError("invariant: re-encoded query refused: \(error.detail)")
        }

        // Accessors: answer within their contract or throw a 400, never trap.
        guard let first = query.pairs.first?.name else { return }
        do {
            let items = try query.list(first)
            require(items.allSatisfy { !$0.isEmpty && $0.first != " " && $0.last != " " }, "list items trimmed and non-empty")
        } catch { require(error.status == 400, "list status") }
        do {
            let single = try query.single(first)
            require(query.pairs.filter { $0.name == first }.count == 1 && single != nil, "single answered for a repeated name")
        } catch { require(error.status == 400, "single status") }
        do {
            if let n = try query.integer(first, in: 1...500) { require((1...500).contains(n), "integer out of range") }
        } catch { require(error.status == 400, "integer status") }
        do {
            try query.requireOnly([first])
            require(query.pairs.allSatisfy { $0.name == first }, "requireOnly let another name through")
        } catch { require(error.status == 400, "requireOnly status") }
    }
}

#if !FUZZING
/// Without libFuzzer: run each file named on the command line through the same checks.
@main
struct FolioQueryFuzzer {
    static func main() { FuzzReplay.run(fuzz) }
}
#endif
