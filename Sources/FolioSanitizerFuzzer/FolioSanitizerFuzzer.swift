// libFuzzer target for the HTML sanitizer and the Markdown pipeline (cmark-gfm, then the
// sanitizer).
//
// Fuzzing build (libFuzzer supplies `main`; FUZZING leaves ours out):
//     scripts/fuzz sanitizer [SECONDS]
// Plain build: replays files given on the command line through the same checks:
//     swift build --product FolioSanitizerFuzzer && .build/debug/FolioSanitizerFuzzer crash-1234...
//
// The input bytes, as a String (invalid UTF-8 replaced), go through `HTMLSanitizer.sanitize` as
// an `html` body and through `Markdown.html` as a Markdown body. Each output must (1) pass
// `HTMLAudit` (written apart from the sanitizer: allowed tags and attributes in canonical form,
// safe URLs after decoding) and (2) come back unchanged from a second sanitizer pass. The grown
// corpus is also replayed through the ammonia differential (Tests/Scripts/sanitizer-differential.py).

import FolioContent
import Foundation

#if !FUZZING
import FuzzReplay
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    SanitizerFuzzChecks.check(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    return 0
}

enum SanitizerFuzzChecks {
    static func check(_ input: String) {
        for (path, output) in [("html", HTMLSanitizer.sanitize(input)), ("markdown", Markdown.html(from: input))] {
            if let problem = HTMLAudit.problem(in: output) {
                fatalError("invariant (\(path)): \(problem)\ninput: \(input.debugDescription)\noutput: \(output.debugDescription)")
            }
            let again = HTMLSanitizer.sanitize(output)
            if again != output {
                fatalError("invariant (\(path)): not stable under a second pass\noutput: \(output.debugDescription)\nagain: \(again.debugDescription)")
            }
        }
    }
}

#if !FUZZING
/// Without libFuzzer: run each file named on the command line through the same checks. With
/// `FOLIO_SANITIZER_DUMP=FILE`, also write each input and both outputs as JSON lines for the
/// ammonia differential (`Tests/Scripts/sanitizer-differential.py < FILE`).
@main
struct FolioSanitizerFuzzer {
    static func main() {
        FuzzReplay.run(fuzz)
        guard let dump = ProcessInfo.processInfo.environment["FOLIO_SANITIZER_DUMP"] else { return }
        var lines = ""
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let input = String(decoding: data, as: UTF8.self)
            for ours in [HTMLSanitizer.sanitize(input), Markdown.html(from: input)] {
                if let json = try? JSONSerialization.data(withJSONObject: ["input": input, "ours": ours]) {
                    lines += String(decoding: json, as: UTF8.self) + "\n"
                }
            }
        }
        _ = FileManager.default.createFile(atPath: dump, contents: Data(lines.utf8))
    }
}
#endif
