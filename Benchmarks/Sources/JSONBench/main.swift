// FolioJSON vs Foundation's JSONEncoder on the page-1 article list (20 summaries + pagination).
// Usage: JSONBench PAGE1.json [ITERATIONS]
// PAGE1.json is Folio's own `GET /api/v1/articles` body; it is decoded once into Codable structs,
// then each encoder writes the same structs back: JSONEncoder through the synthesized/explicit
// Codable conformances, FolioJSON through JSONWriter calls shaped like FolioAPI's ContentEncoder.
// Prints ns/op (median of batches) for both and the ratio.
import FolioJSON
import Foundation
import PeerModel

// The Codable models are the peers' own (PeerModel), so both encoders write the same structs
// the Hummingbird and Vapor peers serve.
// FolioJSON, shaped like FolioAPI's ContentEncoder.article(_:fields: .summary).
func write(_ r: ArticleListResponse, into w: inout JSONWriter) {
    w.beginObject()
    w.key("data")
    w.beginArray()
    for a in r.data {
        w.beginObject()
        w.key("id"); w.int(a.id)
        w.field("slug", a.slug)
        w.field("title", a.title)
        w.field("excerpt", a.excerpt)
        w.field("published_at", a.published_at)
        w.field("updated_at", a.updated_at)
        w.field("reading_time_minutes", a.reading_time_minutes)
        w.field("word_count", a.word_count)
        w.field("language", a.language)
        w.field("canonical_url", a.canonical_url)
        w.field("url", a.url)
        w.key("authors")
        w.beginArray()
        for au in a.authors {
            w.beginObject(); w.field("slug", au.slug); w.field("name", au.name); w.field("url", au.url); w.endObject()
        }
        w.endArray()
        w.key("tags")
        w.beginArray()
        for t in a.tags { w.beginObject(); w.field("slug", t.slug); w.field("name", t.name); w.endObject() }
        w.endArray()
        w.endObject()
    }
    w.endArray()
    let p = r.meta.pagination
    w.key("meta"); w.beginObject(); w.key("pagination"); w.beginObject()
    w.field("page", p.page); w.field("per_page", p.per_page); w.field("total", p.total); w.field("pages", p.pages)
    w.key("next"); if let n = p.next { w.int(n) } else { w.null() }
    w.key("prev"); if let n = p.prev { w.int(n) } else { w.null() }
    w.field("next_cursor", p.next_cursor)
    w.endObject(); w.endObject()
    w.endObject()
}

func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Median ns/op over `batches` batches of `perBatch` calls, after a warm-up batch.
func measure(_ perBatch: Int, batches: Int = 15, _ body: () -> Int) -> (ns: Double, sink: Int) {
    var sink = 0
    for _ in 0..<perBatch { sink &+= body() }
    var samples: [Double] = []
    for _ in 0..<batches {
        let t0 = now()
        for _ in 0..<perBatch { sink &+= body() }
        samples.append(Double(now() - t0) / Double(perBatch))
    }
    samples.sort()
    return (samples[samples.count / 2], sink)
}

let args = CommandLine.arguments
guard args.count > 1 else {
    FileHandle.standardError.write("usage: JSONBench PAGE1.json [ITERATIONS]\n".data(using: .utf8)!)
    exit(2)
}
let input = try Data(contentsOf: URL(fileURLWithPath: args[1]))
let perBatch = args.count > 2 ? Int(args[2]) ?? 2000 : 2000
let response = try JSONDecoder().decode(ArticleListResponse.self, from: input)

let encoder = JSONEncoder()
encoder.outputFormatting = [.withoutEscapingSlashes]

// Both outputs must decode to the same document as Folio's.
var check = JSONWriter(capacity: 32 * 1024)
write(response, into: &check)
let folioBytes = Data(check.bytes)
let foundationBytes = try encoder.encode(response)
let same = try JSONDecoder().decode(ArticleListResponse.self, from: folioBytes).data.map(\.slug)
    == JSONDecoder().decode(ArticleListResponse.self, from: foundationBytes).data.map(\.slug)
    && (try JSONSerialization.jsonObject(with: folioBytes) as? NSDictionary) == (try JSONSerialization.jsonObject(with: input) as? NSDictionary)
    && (try JSONSerialization.jsonObject(with: foundationBytes) as? NSDictionary) == (try JSONSerialization.jsonObject(with: input) as? NSDictionary)
print("items: \(response.data.count); bytes: Folio's response \(input.count), FolioJSON \(folioBytes.count) (identical to Folio's: \(folioBytes == input)), JSONEncoder \(foundationBytes.count); same JSON: \(same)")
guard same else { exit(1) }

let folio = measure(perBatch) {
    var w = JSONWriter(capacity: 32 * 1024)  // a fresh writer per response, as the server does
    write(response, into: &w)
    return w.bytes.count
}
let foundation = measure(perBatch) {
    (try? encoder.encode(response).count) ?? 0
}
print(String(format: "| FolioJSON (JSONWriter) | %.0f ns/op | %.1f MB/s |", folio.ns, Double(folioBytes.count) / folio.ns * 1000))
print(String(format: "| Foundation JSONEncoder | %.0f ns/op | %.1f MB/s |", foundation.ns, Double(foundationBytes.count) / foundation.ns * 1000))
print(String(format: "ratio JSONEncoder/FolioJSON: %.2fx (sink %d)", foundation.ns / folio.ns, (folio.sink &+ foundation.sink) & 1))

// Escaping article bodies (issue 15): BODIES=file.json, an array of {"html", "text"} objects, e.g.
// 20 bodies of the generated corpus:
//   python3 -c "import sqlite3,json,sys; c=sqlite3.connect(sys.argv[1]); json.dump([{'html':h,'text':t} for h,t in
//     c.execute('select html,text from article_bodies where article_id between 500 and 519')], open('bodies.json','w'))" DB
if let bodiesPath = ProcessInfo.processInfo.environment["BODIES"] {
    struct Body: Decodable { let html: String; let text: String }
    let bodies = try JSONDecoder().decode([Body].self, from: Data(contentsOf: URL(fileURLWithPath: bodiesPath)))
    let total = bodies.reduce(0) { $0 + $1.html.utf8.count + $1.text.utf8.count }
    let escaping = measure(200) {
        var w = JSONWriter(capacity: 64 * 1024)
        for b in bodies {
            w.beginObject()
            w.field("html", b.html)
            w.field("text", b.text)
            w.endObject()
        }
        return w.bytes.count
    }
    print(String(format: "| escaping %d article bodies (%d bytes) | %.0f ns/op | %.0f MB/s |", bodies.count, total, escaping.ns,
                 Double(total) / escaping.ns * 1000))
}
