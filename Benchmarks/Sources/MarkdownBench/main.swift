// Markdown render time per article: the generated corpus's Markdown bodies (folio generate's
// shape: headings, lists, emphasis, links, code, quotes), each rendered once after a warm-up, and
// a set of GFM-heavy documents (tables, task lists, footnotes). Prints p50, p95, p99 and the mean
// in microseconds. Usage: MarkdownBench [ARTICLES] [BODY_WORDS]
import FolioContent
import Foundation

let args = CommandLine.arguments
let count = args.count > 1 ? Int(args[1]) ?? 2000 : 2000
let words = args.count > 2 ? Int(args[2]) : nil
let generator = CorpusGenerator(.init(articles: count, seed: 7, bodyWords: words))
let sources = (0..<count).map { generator.article($0, authorSlugs: ["a"], tagSlugs: ["t"]).body.markdown }
let bytes = sources.reduce(0) { $0 + $1.utf8.count }

func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

for s in sources.prefix(200) { _ = Markdown.html(from: s) }  // warm-up
var micros: [Double] = []
micros.reserveCapacity(count)
var checksum = 0
for s in sources {
    let t0 = nanos()
    let html = Markdown.html(from: s)
    micros.append(Double(nanos() - t0) / 1000)
    checksum &+= html.utf8.count
}
micros.sort()
func pct(_ sorted: [Double], _ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
let mean = micros.reduce(0, +) / Double(micros.count)
print(String(format: "%d articles, %.1f KB Markdown on average: p50 %.1f µs, p95 %.1f µs, p99 %.1f µs, mean %.1f µs (%.0f MB/s; checksum %d)",
             count, Double(bytes) / Double(count) / 1024, pct(micros, 0.5), pct(micros, 0.95), pct(micros, 0.99), mean,
             Double(bytes) / (micros.reduce(0, +) / 1e6) / 1e6, checksum))
