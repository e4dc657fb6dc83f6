import Foundation
import Testing

/// Runs every example in docs/*.md against the real `folio` binary (convention: DEVELOPERS.md,
/// "Examples in docs/"): HTTP examples against a server over the sample content, content files
/// through `folio import`, `folio check` and an export round trip, the complete configuration and
/// the configuration reference through `folio check --config`, and shell sessions in a scratch
/// folder. Examples marked `requires-new-config` are parsed but not run.
@Suite("Examples in docs/", .serialized)
struct DocExamplesTests {
    static func docs() throws -> [DocFile] {
        let files = try DocFile.all()
        #expect(files.contains { $0.name == "docs/api.md" } && files.contains { $0.name == "docs/content-format.md" }
                && files.contains { $0.name == "docs/operations.md" })
        return files
    }

    static func repositoryText(_ path: String) throws -> String {
        try String(contentsOf: ServerProcess.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The text of a Swift collection literal whose `[` ends `opening` in `source`.
    static func collection(after opening: String, in source: String) -> Substring {
        guard let start = source.range(of: opening) else { return "" }
        var depth = 1
        var end = start.upperBound
        while end < source.endIndex, depth > 0 {
            if source[end] == "[" { depth += 1 }
            if source[end] == "]" { depth -= 1 }
            end = source.index(after: end)
        }
        return source[start.upperBound..<end]
    }

    /// The string literals of that collection.
    static func literals(after opening: String, in source: String) -> [String] {
        collection(after: opening, in: source).matches(of: /"([a-z_]*)"/).map { String($0.output.1) }
    }

    static func server(config: [String: Any]) throws -> ServerProcess {
        var settings: [String: Any] = ["access_log": false]
        for (k, v) in config { settings[k] = v }
        return try ServerProcess(config: settings,
                                 arguments: ["--public", ServerProcess.repositoryRoot.appendingPathComponent("Public").path])
    }

    /// A block with `$ ` prompts reads as something to run, so it must be run: a curl example or
    /// a `shell` session. Commands that are only shown (docker, nginx) go in blocks without prompts.
    @Test func everyPromptIsAnExample() throws {
        for doc in try Self.docs() {
            for block in doc.blocks where block.lines.contains(where: { $0.hasPrefix("$ ") }) {
                let curl = block.lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("$ curl ") == true
                let isExample = block.marker.words.contains("shell") || curl
                #expect(isExample, "\(block.location): a block with `$ ` commands must start with `$ curl` or be marked `shell`")
                if curl && !block.marker.words.contains("shell") {
                    for line in block.lines where line.hasPrefix("$ ") {
                        #expect(line.hasPrefix("$ curl "), "\(block.location): an HTTP example runs only curl: \(line)")
                    }
                }
            }
        }
    }

    // MARK: HTTP

    @Test func httpExamplesMatchTheServer() throws {
        var groups: [String: (config: [String: Any], examples: [HTTPExample])] = [:]
        var perFile: [String: Int] = [:]
        var skipped: [String] = []
        for doc in try Self.docs() {
            for block in doc.blocks where HTTPExample.isExample(block) && !block.marker.words.contains("shell") {
                let examples: [HTTPExample]
                do { examples = try HTTPExample.parse(block) } catch {
                    Issue.record("\(error)")
                    continue
                }
                if block.marker.requiresNewConfig {
                    skipped += examples.map(\.location)
                    continue
                }
                let key = block.marker.serverConfigText ?? ""
                groups[key, default: (block.marker.serverConfig ?? [:], [])].examples += examples
                perFile[doc.name, default: 0] += examples.count
            }
        }
        #expect(perFile["docs/api.md", default: 0] >= 40, "examples found in api.md: \(perFile)")
        for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
            let server = try Self.server(config: group.config)
            defer { server.stop() }
            for example in group.examples {
                for problem in example.run(port: server.port) { Issue.record(Comment(rawValue: problem)) }
            }
        }
        print("docs: \(perFile.values.reduce(0, +)) HTTP examples run, \(skipped.count) marked requires-new-config: \(skipped.joined(separator: ", "))")
    }

    /// The runner must report a wrong status, header, field or item; shown here on purpose.
    @Test func wrongExamplesAreReported() throws {
        let text = """
            ```console
            $ curl -i http://localhost:8080/api/v1/site
            HTTP/1.1 200 OK
            Content-Type: application/json; charset=utf-8

            { "data": { "name": "Center of Analysis of International Relations", "contact": { "address": null }, … } }
            $ curl -i http://localhost:8080/api/v1/articles/no-such-article
            HTTP/1.1 200 OK
            $ curl -i http://localhost:8080/api/v1/site
            HTTP/1.1 200 OK
            Cache-Control: no-store
            $ curl -s http://localhost:8080/api/v1/site
            { "data": { "article_count": 5 } }
            $ curl -s http://localhost:8080/api/v1/site
            { "data": { "language": "x…", "no_such_field": 1 } }
            $ curl -s 'http://localhost:8080/api/v1/articles?fields=slug'
            { "data": [ { "slug": "azerbaijan-turkiye-ties-new-goals-in-economy-energy-transportation" } ] }
            $ curl -s http://localhost:8080/api/v1/authors/javid-valiyev.vcf
            BEGIN:VCARD
            FN:Javid Valiyev
            ORG:Someone Else
            ```
            """
        let doc = try DocFile(name: "synthetic.md", text: text)
        let examples = try HTTPExample.parse(try #require(doc.blocks.first))
        #expect(examples.count == 7)
        let server = try Self.server(config: [:])
        defer { server.stop() }
        let results = examples.map { $0.run(port: server.port) }
        #expect(results[0].isEmpty, "a correct example passes: \(results[0])")
        #expect(results[1].contains { $0.contains("status 404 Not Found, the example shows 200 OK") }, "\(results[1])")
        #expect(results[2].contains { $0.contains("Cache-Control is public") }, "\(results[2])")
        #expect(results[3].contains { $0.contains("body.data.article_count is 4, the example shows 5") }, "\(results[3])")
        #expect(results[4].contains { $0.contains("body.data.language is \"en\"") }, "\(results[4])")
        #expect(results[4].contains { $0.contains("no member \"no_such_field\"") }, "\(results[4])")
        #expect(results[5].contains { $0.contains("body.data has 4 items, the example shows 1") }, "\(results[5])")
        #expect(results[6].contains { $0.contains("no line \"ORG:Someone Else\"") }, "\(results[6])")
    }

    @Test func lenientJSONAndWildcards() throws {
        #expect(Wildcard.matches("a…c", "abc") && Wildcard.matches("…", "") && Wildcard.matches("a…b…c", "aXbYc"))
        #expect(!Wildcard.matches("a…c", "ab") && !Wildcard.matches("abc", "abcd") && !Wildcard.matches("a…b…c", "acb"))
        let p = try LenientJSON.parse(#"{ "a": [1, …, 3], "b": "x…", … , "c": { … } }"#)
        #expect(p.mismatches(["a": [1, 2, 2, 3], "b": "xyz", "c": ["d": 1], "e": true], path: "$").isEmpty)
        #expect(!p.mismatches(["a": [1, 2], "b": "xyz", "c": [:]], path: "$").isEmpty)
        #expect(!p.mismatches(["a": [1, 3], "b": "yz", "c": [:]], path: "$").isEmpty)
        #expect(!p.mismatches(["a": [1, 3], "b": "x", "c": [1]], path: "$").isEmpty)
        #expect(try LenientJSON.parse(#"[true, null, "\u00e9\n"]"#).mismatches([true, NSNull(), "é\n"], path: "$").isEmpty)
        #expect(!(try LenientJSON.parse("[1]")).mismatches([true], path: "$").isEmpty, "a boolean is not a number")
        #expect(throws: DocError.self) { try LenientJSON.parse(#"{"a": 1,, }"#) }
    }

    // MARK: Content format

    @Test func contentFilesImportCheckAndRoundTrip() throws {
        var files: [(name: String, text: String, location: String)] = []
        for doc in try Self.docs() {
            for block in doc.blocks {
                guard let name = block.marker.importName else { continue }
                files.append((name, block.lines.joined(separator: "\n") + "\n", block.location))
            }
        }
        let json = files.filter { $0.name.hasSuffix(".json") }, markdown = files.filter { $0.name.hasSuffix(".md") }
        #expect(!json.isEmpty && !markdown.isEmpty, "content-format.md shows a JSON document and a Markdown file")

        // Complete: every key the importer knows appears in the JSON document(s), every front
        // matter key in the Markdown file(s).
        let importer = try Self.repositoryText("Sources/FolioContent/Transfer/ContentImporter.swift")
        var used = Set<String>()
        for file in json {
            do { used.formUnion(try LenientJSON.parse(file.text).keyPaths()) } catch { Issue.record("\(file.location): \(error)") }
        }
        let prefixes = ["": "", "site": "site.", "contact": "site.contact.", "authors": "authors.", "links": "authors.links.",
                        "tags": "tags.", "articles": "articles."]
        let table = Self.collection(after: "knownKeys: [String: Set<String>] = [", in: importer)
        var kinds = 0
        for m in table.matches(of: /"([a-z]*)": \[([^\]]*)\]/) {
            guard let prefix = prefixes[String(m.output.1)] else { continue }
            kinds += 1
            for key in String(m.output.2).matches(of: /"([a-z_]+)"/).map({ String($0.output.1) }) {
                #expect(used.contains(prefix + key), "the JSON document in docs does not show \(prefix + key)")
            }
        }
        #expect(kinds == prefixes.count, "read \(kinds) kinds of keys from ContentImporter.knownKeys")
        let frontMatterSource = try Self.repositoryText("Sources/FolioContent/Transfer/FrontMatter.swift")
        let frontMatterKeys = Self.literals(after: "static let keys: Set<String> = [", in: frontMatterSource)
        #expect(frontMatterKeys.count >= 10)
        for file in markdown {
            let lines = file.text.components(separatedBy: "\n")
            let end = lines.dropFirst().firstIndex(of: "---") ?? 0
            let shown = Set(lines[1..<end].compactMap { $0.firstMatch(of: /^([a-z_]+):/).map { String($0.output.1) } })
            for key in frontMatterKeys { #expect(shown.contains(key), "\(file.location) does not show front matter key \(key)") }
        }

        // Imports cleanly, passes `folio check`, and export → import → export is unchanged.
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in files { try Data(file.text.utf8).write(to: dir.appendingPathComponent(file.name)) }
        let imported = try Tool.folio(["import", "--database", "one.sqlite"] + files.map(\.name), in: dir)
        #expect(imported.status == 0, "folio import: \(imported.output)")
        let checked = try Tool.folio(["check", "--database", "one.sqlite"], in: dir)
        #expect(checked.status == 0 && checked.output.hasPrefix("ok:"), "folio check: \(checked.output)")
        let first = try Tool.folio(["export", "--database", "one.sqlite", "--output", "first.json"], in: dir)
        let again = try Tool.folio(["import", "--database", "two.sqlite", "first.json"], in: dir)
        let second = try Tool.folio(["export", "--database", "two.sqlite", "--output", "second.json"], in: dir)
        #expect(first.status == 0 && again.status == 0 && second.status == 0, "\(first.output) \(again.output) \(second.output)")
        let a = try Data(contentsOf: dir.appendingPathComponent("first.json"))
        #expect(a == (try Data(contentsOf: dir.appendingPathComponent("second.json"))), "the export round trip changed the content")
        // Every example article made it, under its slug.
        let exported = try JSONSerialization.jsonObject(with: a) as? [String: Any]
        let slugs = Set(((exported?["articles"] as? [[String: Any]]) ?? []).compactMap { $0["slug"] as? String })
        for file in json {
            for slug in ((try? JSONSerialization.jsonObject(with: Data(file.text.utf8)) as? [String: Any])?["articles"] as? [[String: Any]] ?? [])
                .compactMap({ $0["slug"] as? String }) {
                #expect(slugs.contains(slug), "\(file.location): article \(slug) was not imported")
            }
        }
        for file in markdown {
            let slug = file.text.firstMatch(of: /\nslug: *"?([a-z0-9-]+)/).map { String($0.output.1) }
                ?? String(file.name.dropLast(3))
            #expect(slugs.contains(slug), "\(file.location): article \(slug) was not imported")
        }
    }

    // MARK: Configuration

    @Test func configurationReferenceAndExampleAreAccepted() throws {
        let docs = try Self.docs()
        let tables = docs.flatMap { doc in doc.tables.filter { $0.marker.words.contains("configuration-reference") }.map { (doc, $0) } }
        let examples = docs.flatMap { $0.blocks.filter { $0.marker.words.contains("configuration") } }
        try #require(tables.count == 1 && examples.count == 1, "one configuration reference table and one complete configuration")
        let (doc, table) = tables[0]
        let newKeys = Set(table.marker.lists["requires-new-config"] ?? [])

        // The table: `key` | type | default | env | meaning.
        var rows: [String: [String]] = [:]
        for row in table.rows.dropFirst(2) {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let key = cells.first?.firstMatch(of: /^`([a-z_.]+)`$/)?.output.1 else {
                Issue.record("\(doc.name):\(table.line): a row must start with a `key`: \(row)")
                continue
            }
            rows[String(key)] = Array(cells)
        }
        let source = try Self.repositoryText("Sources/folio/Configuration.swift")
        let top = Self.literals(after: "static let topKeys: Set<String> = [", in: source)
        let limits = Self.literals(after: "static let limitKeys: Set<String> = [", in: source)
        #expect(top.count >= 14 && limits.count >= 12)
        let search = Self.literals(after: "static let searchKeys: Set<String> = [", in: source)
        #expect(search.count >= 9)
        for key in search { #expect(rows["search." + key] != nil, "\(doc.name): the configuration reference lacks search.\(key)") }
        let admin = Self.literals(after: "static let adminKeys: Set<String> = [", in: source)
        #expect(admin.count >= 4)
        for key in admin { #expect(rows["admin." + key] != nil, "\(doc.name): the configuration reference lacks admin.\(key)") }
        let tls = Self.literals(after: "static let tlsKeys: Set<String> = [", in: source)
        #expect(tls.count >= 6)
        for key in tls { #expect(rows["tls." + key] != nil, "\(doc.name): the configuration reference lacks tls.\(key)") }
        for (section, list) in [("editorial", "editorialKeys"), ("webhooks", "webhookKeys"), ("store", "storeKeys")] {
            let keys = Self.literals(after: "static let \(list): Set<String> = [", in: source)
            #expect(!keys.isEmpty)
            for key in keys { #expect(rows[section + "." + key] != nil, "\(doc.name): the configuration reference lacks \(section).\(key)") }
        }
        for key in top where !["limits", "response_cache", "search", "admin", "tls", "editorial", "webhooks", "store"].contains(key) {
            #expect(rows[key] != nil, "\(doc.name): the configuration reference lacks \(key)")
        }
        for key in limits { #expect(rows["limits." + key] != nil, "\(doc.name): the configuration reference lacks limits.\(key)") }
        for key in ["response_cache.max_entries", "response_cache.max_bytes"] { #expect(rows[key] != nil, "lacks \(key)") }

        // Environment variables named in the table exist in the command's source; defaults equal
        // Config/folio.json's values.
        var commandSource = ""
        for name in try FileManager.default.contentsOfDirectory(atPath: ServerProcess.repositoryRoot.appendingPathComponent("Sources/folio").path) {
            commandSource += try Self.repositoryText("Sources/folio/" + name)
        }
        let shipped = try JSONSerialization.jsonObject(with: Data(Self.repositoryText("Config/folio.json").utf8)) as? [String: Any] ?? [:]
        for (key, cells) in rows where !newKeys.contains(key) && cells.count >= 5 {
            for env in cells[3].matches(of: /FOLIO_[A-Z_]+/) {
                #expect(commandSource.contains("\"\(env.output)\""), "\(key): \(env.output) is not read by folio")
            }
            let parts = key.split(separator: ".").map(String.init)
            let value: Any? = parts.count == 1 ? shipped[parts[0]] : (shipped[parts[0]] as? [String: Any])?[parts[1]]
            if let value, let literal = cells[2].firstMatch(of: /^`(.+)`$/)?.output.1,
               let documented = try? JSONSerialization.jsonObject(with: Data(literal.utf8), options: [.fragmentsAllowed]) {
                func canonical(_ v: Any) -> Data? { try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys]) }
                #expect(canonical(documented) == canonical(value), "\(key): the default is \(literal) in docs, \(value) in Config/folio.json")
            }
        }

        // The complete configuration shows every key of the table, and `folio check` accepts it.
        let example = examples[0]
        let text = example.lines.joined(separator: "\n")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(example.location)")
        var shown = Set<String>()
        for (k, v) in config {
            if let nested = v as? [String: Any] { shown.formUnion(nested.keys.map { k + "." + $0 }) } else { shown.insert(k) }
        }
        #expect(shown == Set(rows.keys), "\(example.location): keys differ from the reference: \(shown.symmetricDifference(rows.keys).sorted())")
        for key in (example.marker.lists["requires-new-config"] ?? []) + Array(newKeys) { config[key] = nil }
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Tool.folio(["import", "--database", "check.sqlite", "Config/sample-content"], in: dir).status == 0)
        func check(_ settings: [String: Any]) throws -> Tool.Result {
            try JSONSerialization.data(withJSONObject: settings).write(to: dir.appendingPathComponent("config.json"))
            return try Tool.folio(["check", "--config", "config.json", "--database", "check.sqlite"], in: dir)
        }
        // The example names a CA's certificate files; `folio check` loads them, so point them at
        // a development pair, and see a missing one reported.
        if var tls = config["tls"] as? [String: Any] {
            #expect(try Tool.folio(["cert", "--self-signed", "--cert", "cert.pem", "--key", "key.pem"], in: dir).status == 0)
            tls["certificate"] = dir.appendingPathComponent("cert.pem").path
            tls["private_key"] = dir.appendingPathComponent("key.pem").path
            config["tls"] = tls
            var missing = config
            tls["certificate"] = dir.appendingPathComponent("missing.pem").path
            missing["tls"] = tls
            let refusedTLS = try check(missing)
            #expect(refusedTLS.status != 0 && refusedTLS.output.contains("tls: cannot read the TLS certificate"), "\(refusedTLS.output)")
        }
        let accepted = try check(config)
        #expect(accepted.status == 0 && accepted.output.hasPrefix("ok: config.json"), "\(example.location): \(accepted.output)")
        var unknown = config
        unknown["no_such_key"] = true
        let refused = try check(unknown)
        #expect(refused.status != 0 && refused.output.contains("unknown key \"no_such_key\""), "\(refused.output)")
        var unknownLimit = config
        var limitSettings = config["limits"] as? [String: Any] ?? [:]
        limitSettings["no_such_limit"] = 1
        unknownLimit["limits"] = limitSettings
        let refusedLimit = try check(unknownLimit)
        #expect(refusedLimit.status != 0 && refusedLimit.output.contains("unknown key \"limits.no_such_limit\""), "\(refusedLimit.output)")
    }

    // MARK: Shell sessions

    @Test func shellSessionsRun() throws {
        var ran = 0
        var skipped: [String] = []
        for doc in try Self.docs() {
            let imports = doc.blocks.compactMap { b in b.marker.importName.map { ($0, b.lines.joined(separator: "\n") + "\n") } }
            skipped += doc.blocks.filter { $0.marker.words.contains("shell") && $0.marker.requiresNewConfig }.map(\.location)
            for block in doc.blocks where block.marker.words.contains("shell") && !block.marker.requiresNewConfig {
                let session: ShellSession
                do { session = try ShellSession(block) } catch {
                    Issue.record("\(error)")
                    continue
                }
                let dir = try Tool.scratch()
                defer { try? FileManager.default.removeItem(at: dir) }
                for (name, text) in imports { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
                for problem in session.run(in: dir) { Issue.record(Comment(rawValue: problem)) }
                ran += 1
            }
        }
        #expect(ran >= 3, "shell sessions run: \(ran)")
        print("docs: \(ran) shell sessions run, \(skipped.count) marked requires-new-config: \(skipped.joined(separator: ", "))")
    }
    // MARK: Links

    /// Relative links in the README, DEVELOPERS.md and docs/ name files that exist and headings
    /// that exist; nothing refers to the design folder's files, which are not in the repository.
    @Test func linksPointIntoTheRepository() throws {
        let root = ServerProcess.repositoryRoot
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        func prose(_ path: String) throws -> [(Int, String)] {
            var fenced = false
            var out: [(Int, String)] = []
            for (n, line) in try Self.repositoryText(path).components(separatedBy: "\n").enumerated() {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { fenced.toggle(); continue }
                if !fenced { out.append((n + 1, line)) }
            }
            return out
        }
        /// GitHub's heading anchors: lowercase, punctuation other than `-` and `_` dropped, spaces to `-`.
        func anchors(_ path: String) throws -> Set<String> {
            Set(try prose(path).compactMap { _, line -> String? in
                guard let m = line.firstMatch(of: /^#+ (.*)$/) else { return nil }
                let text = m.output.1.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == " " }
                return text.replacingOccurrences(of: " ", with: "-")
            })
        }
        var links = 0
        for file in ["README.md", "DEVELOPERS.md"] + docs {
            for (n, line) in try prose(file) {
                for m in line.matches(of: /\]\(([^)\s]+)\)/) {
                    let target = String(m.output.1)
                    if target.firstMatch(of: /^[a-z]+:/) != nil { continue }
                    links += 1
                    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let folder = (file as NSString).deletingLastPathComponent
                    let path = parts[0].isEmpty ? file : ((folder as NSString).appendingPathComponent(String(parts[0])) as NSString).standardizingPath
                    guard FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) else {
                        Issue.record("\(file):\(n): \(target) does not exist")
                        continue
                    }
                    if parts.count == 2, path.hasSuffix(".md") {
                        #expect(try anchors(path).contains(String(parts[1])), "\(file):\(n): no heading for \(target)")
                    }
                }
            }
        }
        #expect(links > 20)
        for file in ["README.md", "DEVELOPERS.md", "Config/sample-content/README.txt"] + docs {
            let text = try Self.repositoryText(file)
            for name in ["DESIGN.md", "API.md", "sample-article.txt", "design folder"] {
                #expect(!text.contains(name), "\(file) refers to \(name), which is not in the repository")
            }
        }
    }
}
