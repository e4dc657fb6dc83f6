import Foundation
import Testing
@testable import FolioAPI
import FolioHTTP

/// Keeps /api/v1/openapi.json true to the router: every route, its path parameters and the
/// statuses it can answer with must be documented, and every documented path must be routed.
@Suite struct OpenAPITests {
    let f = Fixture.shared

    func document() throws -> [String: Any] {
        let r = f.get("/api/v1/openapi.json")
        #expect(r.status == 200)
        #expect(r.header("ETag") != nil)
        return try r.json()
    }

    /// `/api/v1/articles/:slug` → `/api/v1/articles/{slug}`.
    static func openAPIPath(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.first == ":" ? "{" + $0.dropFirst() + "}" : String($0) }.joined(separator: "/")
    }

    /// The statuses a route can answer with, from what its handler does.
    static func expectedStatuses(_ pattern: String, method: String = "GET") -> Set<String> {
        let refusals: Set<String> = ["400", "401", "403", "413", "415", "422", "429", "503"]
        if pattern.hasPrefix("/api/v1/webhooks") {
            switch method {
            case "POST": return ["201", "400", "401", "403", "413", "415", "422", "429", "503"]
            case "DELETE": return ["204", "401", "403", "404", "429", "503"]
            default: return pattern.hasSuffix("/deliveries") ? ["200", "400", "401", "403", "404", "429", "503"] : ["200", "401", "403", "429", "503"]
            }
        }
        if pattern.hasSuffix("/preview-links") { return ["201", "400", "401", "403", "404", "409", "415", "422", "429", "503"] }
        if pattern.hasPrefix("/api/v1/preview/") { return ["200", "404", "410", "503"] }
        if pattern.contains("/revisions") {
            return method == "POST" ? ["200", "401", "403", "404", "412", "422", "428", "429", "503"]
                                    : ["200", "401", "404", "429", "503"]
        }
        switch method {
        case "POST": return refusals.union(["201", "409"])
        case "PUT" where pattern == "/api/v1/site": return refusals.union(["200"])
        case "PUT": return refusals.union(["200", "201", "409", "412", "428"])
        case "PATCH": return refusals.union(["200", "404", "409", "412", "428"])
        case "DELETE": return ["204", "401", "403", "404", "412", "428", "429", "503"]
        default: break
        }
        switch pattern {
        case "/healthz", "/metrics": return ["200"]
        case "/readyz": return ["200", "503"]
        default: break
        }
        var s: Set<String> = ["200", "304", "400"]  // cached GETs: validators, unknown parameters
        if pattern.contains(":") || pattern.contains("/feed.") { s.insert("404") }  // unknown slug, feed page past the end
        if pattern == "/api/v1/articles/:slug" { s.formUnion(["301", "406"]) }
        if pattern == "/api/v1/authors/:slug" { s.insert("406") }
        if pattern == "/api/v1/search" || pattern == "/api/v1/articles" { s.insert("503") }
        return s
    }

    func resolve(_ parameter: Any, in doc: [String: Any]) -> [String: Any]? {
        guard let p = parameter as? [String: Any] else { return nil }
        guard let ref = p["$ref"] as? String else { return p }
        let name = String(ref.split(separator: "/").last ?? "")
        return ((doc["components"] as? [String: Any])?["parameters"] as? [String: Any])?[name] as? [String: Any]
    }

    @Test func everyRouteIsDocumented() throws {
        let doc = try document()
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: Any])
        // The responder's router: the app's routes plus /metrics.
        let routes = f.responder.router.routes
        #expect(routes.count >= 23)
        for route in routes {
            let path = Self.openAPIPath(route.pattern)
            let item = paths[path] as? [String: Any]
            #expect(item != nil, "route \(route.method.name) \(route.pattern) is not documented")
            let method = route.method.name.lowercased()
            guard let op = item?[method] as? [String: Any] else {
                Issue.record("\(route.method.name) \(route.pattern) has no \(method) operation")
                continue
            }
            let parameters = (op["parameters"] as? [Any] ?? []).compactMap { resolve($0, in: doc) }
            for segment in route.pattern.split(separator: "/") where segment.first == ":" {
                let name = String(segment.dropFirst())
                #expect(parameters.contains { $0["name"] as? String == name && $0["in"] as? String == "path" && $0["required"] as? Bool == true },
                        "\(route.pattern): path parameter \(name) is not documented")
            }
            let documented = Set((op["responses"] as? [String: Any] ?? [:]).keys)
            let missing = Self.expectedStatuses(route.pattern, method: route.method.name).subtracting(documented)
            #expect(missing.isEmpty, "\(route.pattern): statuses \(missing.sorted()) are not documented")
        }
        // And the other way: every documented path is served.
        let served = Set(routes.map { Self.openAPIPath($0.pattern) })
        for path in paths.keys {
            let routed = served.contains(path) || path.hasSuffix("}.vcf") && served.contains(String(path.dropLast(4)))
            #expect(routed, "documented path \(path) has no route")
        }
    }

    @Test func documentedQueryParametersAreTheOnesAccepted() throws {
        let doc = try document()
        let paths = try #require(doc["paths"] as? [String: Any])
        // Every documented query parameter is accepted (a typo in the document would be a 400 here).
        let samples: [String: String] = ["page": "1", "per_page": "5", "limit": "3", "sort": "title", "fields": "id",
                                         "include": "body", "author": "javid-valiyev", "tag": "azerbaijan", "q": "elections",
                                         "since": "2020-01-01", "until": "2030-01-01"]
        var checked = 0
        for (path, value) in paths {
            guard !path.contains("{"), let op = (value as? [String: Any])?["get"] as? [String: Any] else { continue }
            for p in (op["parameters"] as? [Any] ?? []).compactMap({ resolve($0, in: doc) }) where p["in"] as? String == "query" {
                let name = try #require(p["name"] as? String)
                var query = name + "=" + (path == "/api/v1/changes" && name == "since" ? "0" : samples[name] ?? "x")
                if path == "/api/v1/search", name != "q" { query += "&q=elections" }
                if name == "sort", path == "/api/v1/search" { continue }
                let r = f.get(path + "?" + query)
                checked += 1
                if name == "status" {
                    // The editors' list: accepted, and a 401 without a token (never a public answer).
                    #expect(r.status == 401 && r.text.contains("token"), "\(path)?\(query) → \(r.status) \(r.text)")
                } else if name == "cursor" {
                    // "x" is not a cursor the server issued: a 400 naming cursor, not an unknown parameter.
                    #expect(r.status == 400, "\(path)?\(query) → \(r.status) \(r.text)")
                    let errors = (try r.json()["errors"] as? [[String: Any]]) ?? []
                    #expect(errors.first?["parameter"] as? String == "cursor", "\(path)?\(query): \(r.text)")
                    #expect(!r.text.contains("unknown parameter"), "\(path)?\(query): \(r.text)")
                } else {
                    #expect(r.status == 200, "\(path)?\(query) → \(r.status) \(r.text)")
                    #expect(r.header("ETag") != nil, "\(path)?\(query)")
                }
            }
        }
        #expect(checked >= 20, "only \(checked) documented query parameters were tried")
    }

    /// A search miss is built off the event loop (a deferred response); the fixture runs it as the
    /// worker queue would, so the checks above see real statuses. Unresolved, the status is 0.
    @Test func searchMissesAreDeferredAndTheFixtureRunsThem() throws {
        let target = "/api/v1/search?q=azerbaijan&per_page=2&fields=slug"  // used by no other test: a cache miss
        let raw = f.responder.respond(to: HTTPRequest(method: .get, target: target, headers: []))
        #expect(raw.deferred != nil && raw.status == 0)
        let r = f.get(target)
        #expect(r.deferred == nil)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Content-Type") == "application/json; charset=utf-8")
        let data = try #require(try r.json()["data"] as? [[String: Any]])
        #expect(data.count == 2)
        #expect(data.allSatisfy { ($0["slug"] as? String)?.isEmpty == false })
        // A bad query is a 400 naming q, also computed off the loop.
        let bad = f.get("/api/v1/search?q=%22unbalanced")
        #expect(bad.status == 400)
        #expect(bad.header("Content-Type") == "application/problem+json")
        #expect(((try bad.json()["errors"] as? [[String: Any]])?.first?["parameter"] as? String) == "q")
    }

    /// Every operation has a summary and a description; every parameter, response, schema and
    /// schema property (nested ones too) a description.
    @Test func everythingIsDescribed() throws {
        let doc = try document()
        func described(_ value: Any?) -> Bool { ((value as? [String: Any])?["description"] as? String)?.isEmpty == false }
        let paths = try #require(doc["paths"] as? [String: Any])
        for (path, item) in paths {
            for (method, value) in item as? [String: Any] ?? [:] {
                let op = value as? [String: Any] ?? [:]
                #expect((op["summary"] as? String)?.isEmpty == false, "\(method) \(path) has no summary")
                #expect(described(op), "\(method) \(path) has no description")
                for p in (op["parameters"] as? [Any] ?? []).compactMap({ resolve($0, in: doc) }) {
                    #expect(described(p), "\(method) \(path): parameter \(p["name"] ?? "?") has no description")
                }
                for (status, response) in op["responses"] as? [String: Any] ?? [:] {
                    #expect(described(response), "\(method) \(path): response \(status) has no description")
                }
            }
        }
        let components = try #require(doc["components"] as? [String: Any])
        for (name, parameter) in components["parameters"] as? [String: Any] ?? [:] {
            #expect(described(parameter), "parameter \(name) has no description")
        }
        var properties = 0
        func walk(_ schema: Any, _ place: String) {
            guard let s = schema as? [String: Any] else { return }
            for (name, property) in s["properties"] as? [String: Any] ?? [:] {
                properties += 1
                #expect(described(property), "\(place).\(name) has no description")
                walk(property, place + "." + name)
            }
            if let items = s["items"] { walk(items, place + "[]") }
        }
        for (name, schema) in components["schemas"] as? [String: Any] ?? [:] {
            #expect(described(schema), "schema \(name) has no description")
            walk(schema, name)
        }
        #expect(properties > 100)
    }

    @Test func referencesResolve() throws {
        let doc = try document()
        let text = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
        let components = try #require(doc["components"] as? [String: Any])
        var scanner = Substring(text)
        while let r = scanner.range(of: "\"#/components/") {
            let rest = scanner[r.upperBound...]
            let end = rest.firstIndex(of: "\"")!
            let parts = rest[..<end].replacingOccurrences(of: "\\/", with: "/").split(separator: "/").map(String.init)
            #expect(parts.count == 2 && (components[parts[0]] as? [String: Any])?[parts[1]] != nil, "dangling $ref \(parts)")
            scanner = rest[end...]
        }
    }
}
