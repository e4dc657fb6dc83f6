import Dispatch
import Synchronization

/// Makes a deterministic synthetic corpus for benchmarks and tests: the
/// same options always give byte-identical content. Authors with contact
/// cards, ~40 tags, and articles with 600–2,500-word Markdown bodies (or `bodyWords` each)
/// (paragraphs, `##` headings, some **strong** and *emphasis*) dated over
/// the 20 years up to 2026-01-01, with 1–3 authors and 1–5 tags each.
///
/// For speed the generator writes each body's Markdown, HTML and text
/// together instead of running the Markdown renderer; the tests check that
/// the renderer gives the same HTML.
public struct CorpusGenerator: Sendable {
    /// What to generate.
    public struct Options: Sendable {
        public var articles: Int
        public var authors: Int
        public var seed: UInt64
        /// Words in every body; nil: 600–2,500, drawn per article. (Short bodies make a
        /// 1,000,000-article corpus fit on a small disk; the other fields stay as they would be.)
        public var bodyWords: Int?
        public init(articles: Int, authors: Int? = nil, seed: UInt64 = 1, bodyWords: Int? = nil) {
            self.articles = articles
            self.authors = authors ?? max(5, min(2000, articles / 200))
            self.seed = seed
            self.bodyWords = bodyWords
        }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    static let end = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!.epochSeconds
    static let span: Int64 = 20 * 365 * 86_400 + 5 * 86_400
    static let offsets: [Int32] = [0, 3600, 7200, 14400, -18000, 19800, 32400, -28800]

    // MARK: authors and tags

    public func authors() -> [Author] {
        var rng = SplitMix64(seed: options.seed ^ 0xA07)
        return (0..<options.authors).map { i in
            let first = Words.firstNames[rng.int(in: 0...(Words.firstNames.count - 1))]
            let last = Words.lastNames[rng.int(in: 0...(Words.lastNames.count - 1))]
            let slug = Slug.make(from: "\(first) \(last) \(i + 1)")
            return Author(
                slug: slug, name: "\(first) \(last)", role: i % 3 == 0 ? "Senior Fellow" : "Analyst",
                organization: "Folio Synthetic Institute", email: slug.split(separator: "-").joined(separator: ".") + "@example.org",
                phone: "+44 20 7946 \(String(format4: i % 10_000))",
                bio: "\(first) \(last) is a synthetic author generated for benchmarks.",
                links: [Link(rel: "website", url: "https://example.org/people/\(slug)")])
        }
    }

    public func tags() -> [Tag] {
        Words.tags.map { Tag(slug: Slug.make(from: $0), name: $0) }
    }

    // MARK: articles

    /// Article `index` (0-based). Depends only on options and index.
    public func article(_ index: Int, authorSlugs: [String], tagSlugs: [String]) -> ArticleRecord {
        var rng = SplitMix64(seed: options.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let titleWords = (0..<rng.int(in: 4...9)).map { _ in Words.pick(&rng) }
        var title = titleWords.joined(separator: " ")
        title = title.prefix(1).uppercased() + title.dropFirst()
        let slug = String(Slug.make(from: title).prefix(100)) + "-\(index + 1)"
        let published = Self.end - 1 - Int64(rng.unit() * Double(Self.span))
        let offset = Self.offsets[rng.int(in: 0...(Self.offsets.count - 1))]
        let updated = rng.int(in: 0...3) == 0 ? published + Int64(rng.int(in: 3600...(30 * 86_400))) : published
        let authorCount = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3][rng.int(in: 0...9)]
        var authors: [String] = []
        while authors.count < min(authorCount, authorSlugs.count) {
            let a = authorSlugs[rng.int(in: 0...(authorSlugs.count - 1))]
            if !authors.contains(a) { authors.append(a) }
        }
        var tags: [String] = []
        let tagCount = rng.int(in: 1...5)
        while tags.count < min(tagCount, tagSlugs.count) {
            let t = tagSlugs[min(tagSlugs.count - 1, Int(Double(tagSlugs.count) * rng.unit() * rng.unit()))]
            if !tags.contains(t) { tags.append(t) }
        }
        let drawn = rng.int(in: 600...2500)
        let (body, words) = Self.body(&rng, words: options.bodyWords ?? drawn)
        let article = Article(
            id: Int64(index + 1), slug: slug, title: title, excerpt: TextStats.excerpt(from: body.text),
            publishedAt: Timestamp(epochSeconds: published, utcOffsetSeconds: offset),
            updatedAt: Timestamp(epochSeconds: updated, utcOffsetSeconds: offset), language: "en",
            canonicalURL: index % 10 == 0 ? "https://example.org/articles/\(slug)" : nil,
            readingTimeMinutes: TextStats.readingTime(words: words), wordCount: words, authors: authors, tags: tags)
        return ArticleRecord(article: article, body: body)
    }

    /// A body of exactly `target` words in Markdown, HTML and text.
    static func body(_ rng: inout SplitMix64, words target: Int) -> (ArticleBody, Int) {
        var md: [UInt8] = [], html: [UInt8] = [], text: [UInt8] = []
        md.reserveCapacity(target * 8); html.reserveCapacity(target * 8); text.reserveCapacity(target * 8)
        var written = 0
        var paragraphs = 0
        func separate() {
            if !md.isEmpty { md.append(0x0A); md.append(0x0A); text.append(0x0A); text.append(0x0A) }
        }
        while written < target {
            if paragraphs > 0, paragraphs % 5 == 0, target - written > 60 {
                separate()
                let n = rng.int(in: 2...5)
                md.append(contentsOf: [0x23, 0x23, 0x20]); html.append(contentsOf: Array("<h2>".utf8))
                for k in 0..<n {
                    var w = Array(Words.pick(&rng).utf8)
                    if k == 0, w[0] >= 0x61 { w[0] -= 0x20 }
                    if k > 0 { md.append(0x20); html.append(0x20); text.append(0x20) }
                    md.append(contentsOf: w); html.append(contentsOf: w); text.append(contentsOf: w)
                }
                html.append(contentsOf: Array("</h2>\n".utf8))
                written += n
                paragraphs += 1
                continue
            }
            separate()
            html.append(contentsOf: Array("<p>".utf8))
            let length = min(target - written, rng.int(in: 40...120))
            var sentenceLeft = 0
            for k in 0..<length {
                var w = Array(Words.pick(&rng).utf8)
                if sentenceLeft == 0 {
                    sentenceLeft = rng.int(in: 8...20)
                    if w[0] >= 0x61, w[0] <= 0x7A { w[0] -= 0x20 }
                }
                sentenceLeft -= 1
                if k > 0 { md.append(0x20); html.append(0x20); text.append(0x20) }
                let style = rng.int(in: 0...60)
                if style == 0 {
                    md.append(contentsOf: [0x2A, 0x2A]); md.append(contentsOf: w); md.append(contentsOf: [0x2A, 0x2A])
                    html.append(contentsOf: Array("<strong>".utf8)); html.append(contentsOf: w)
                    html.append(contentsOf: Array("</strong>".utf8))
                } else if style == 1 {
                    md.append(0x2A); md.append(contentsOf: w); md.append(0x2A)
                    html.append(contentsOf: Array("<em>".utf8)); html.append(contentsOf: w)
                    html.append(contentsOf: Array("</em>".utf8))
                } else {
                    md.append(contentsOf: w); html.append(contentsOf: w)
                }
                text.append(contentsOf: w)
                if sentenceLeft == 0 || k == length - 1 {
                    md.append(0x2E); html.append(0x2E); text.append(0x2E)
                    sentenceLeft = 0
                }
            }
            html.append(contentsOf: Array("</p>\n".utf8))
            written += length
            paragraphs += 1
        }
        md.append(0x0A)
        let body = ArticleBody(markdown: String(decoding: md, as: UTF8.self), html: String(decoding: html, as: UTF8.self),
                               text: String(decoding: text, as: UTF8.self))
        return (body, written)
    }

    /// The synthetic publication.
    public static let site = Site(
        name: "Folio Synthetic Review", url: "https://example.org/",
        description: "A deterministic synthetic corpus generated by `folio generate`.", language: "en",
        contact: Contact(email: "desk@example.org", phone: "+44 20 7946 0000"))

    /// Writes the whole corpus into `store` in ONE transaction.
    /// `progress(done)` is called every 1,000 articles. Articles are made in
    /// chunks on a second thread while the previous chunk is inserted.
    public func run(into store: SQLiteStore, progress: (@Sendable (Int) -> Void)? = nil) throws {
        let authors = self.authors()
        let tags = self.tags()
        let authorSlugs = authors.map(\.slug)
        let tagSlugs = tags.map(\.slug)
        let total = options.articles
        let chunk = 250
        let generator = self
        func startChunk(_ first: Int) -> Pending {
            let pending = Pending()
            let range = first..<min(total, first + chunk)
            DispatchQueue.global().async(group: pending.group) {
                // Escaping and deflating the body happen here, beside the inserts, not in them.
                let records = range.map {
                    var r = generator.article($0, authorSlugs: authorSlugs, tagSlugs: tagSlugs)
                    r.prepareStoredBody()
                    return r
                }
                pending.records.withLock { $0 = records }
            }
            return pending
        }
        try store.bulkLoad {
            try store.transaction { w in
                try w.setSite(Self.site)
                for a in authors { try w.upsertAuthor(a) }
                for t in tags { try w.upsertTag(t) }
                var next: Pending? = total > 0 ? startChunk(0) : nil
                var done = 0
                while let current = next {
                    current.group.wait()
                    let records = current.records.withLock { r in
                        let taken = r
                        r = []
                        return taken
                    }
                    next = done + records.count < total ? startChunk(done + records.count) : nil
                    for r in records {
                        try w.upsertArticle(r)
                        done += 1
                        if done % 1000 == 0 || done == total { progress?(done) }
                    }
                }
            }
        }
    }

    /// A chunk of articles being made on another thread.
    private final class Pending: Sendable {
        let group = DispatchGroup()
        let records = Mutex<[ArticleRecord]>([])
    }
}

extension String {
    fileprivate init(format4 n: Int) {
        let s = String(n)
        self = String(repeating: "0", count: Swift.max(0, 4 - s.count)) + s
    }
}
