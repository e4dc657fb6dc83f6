import Testing
@testable import FolioHTTP

@Suite("Router")
struct RouterTests {
    static let router: Router<String> = {
        var r = Router<String>()
        r.add(.get, "/", "root")
        r.add(.get, "/api/v1/articles", "list")
        r.add(.post, "/api/v1/articles", "create")
        r.add(.get, "/api/v1/articles/new", "new-form")
        r.add(.get, "/api/v1/articles/:slug", "article")
        r.add(.put, "/api/v1/articles/:slug", "replace")
        r.add(.delete, "/api/v1/articles/:slug", "remove")
        r.add(.get, "/api/v1/articles/:slug/related", "related")
        r.add(.head, "/api/v1/ping", "ping-head")
        r.add(.get, "/api/v1/ping", "ping-get")
        r.add(.get, "/api/v1/authors/:id/cards/:format", "card")
        return r
    }()

    func found(_ method: HTTPMethod, _ path: String) -> (String, [String: String])? {
        guard case .found(let handler, let params, _) = Self.router.match(method, path: path) else { return nil }
        var dict: [String: String] = [:]
        for (n, v) in params.all { dict[n] = v }
        return (handler, dict)
    }

    @Test("static routes and the root")
    func staticRoutes() {
        #expect(found(.get, "/")?.0 == "root")
        #expect(found(.get, "/api/v1/articles")?.0 == "list")
        #expect(found(.post, "/api/v1/articles")?.0 == "create")
    }

    @Test("a static segment wins over a parameter")
    func staticBeforeParameter() {
        #expect(found(.get, "/api/v1/articles/new")?.0 == "new-form")
        #expect(found(.get, "/api/v1/articles/news")?.0 == "article")
        #expect(found(.get, "/api/v1/articles/news")?.1 == ["slug": "news"])
    }

    @Test("parameters are captured raw, in order")
    func parameters() {
        let m = found(.get, "/api/v1/articles/a%20b/related")
        #expect(m?.0 == "related")
        #expect(m?.1 == ["slug": "a%20b"])
        #expect(Self.router.match(.get, path: "/api/v1/authors/7/cards/vcf").parameters?["id"] == "7")
        #expect(Self.router.match(.get, path: "/api/v1/authors/7/cards/vcf").parameters?["format"] == "vcf")
        #expect(Self.router.match(.get, path: "/api/v1/authors/7/cards/vcf").parameters?["other"] == nil)
    }

    @Test("HEAD falls back to GET; an explicit HEAD route wins")
    func headFallback() {
        #expect(found(.head, "/api/v1/articles")?.0 == "list")
        #expect(found(.head, "/api/v1/articles/x")?.0 == "article")
        #expect(found(.head, "/api/v1/ping")?.0 == "ping-head")
        #expect(found(.get, "/api/v1/ping")?.0 == "ping-get")
    }

    @Test("405 lists the allowed methods, HEAD included with GET")
    func methodNotAllowed() {
        guard case .methodNotAllowed(let allow) = Self.router.match(.patch, path: "/api/v1/articles/x") else {
            Issue.record("expected 405"); return
        }
        #expect(allow == "GET, PUT, DELETE, HEAD")
        guard case .methodNotAllowed(let allow2) = Self.router.match(.delete, path: "/api/v1/articles") else {
            Issue.record("expected 405"); return
        }
        #expect(allow2 == "GET, POST, HEAD")
        guard case .methodNotAllowed(let allow3) = Self.router.match(.post, path: "/api/v1/ping") else {
            Issue.record("expected 405"); return
        }
        #expect(allow3 == "HEAD, GET")
    }

    @Test("404: trailing slash, empty segment, unknown paths, inner nodes", arguments: [
        "/api/v1/articles/", "/api//v1/articles", "//", "/api/v1/articles/x//related", "/nope",
        "/api", "/api/v1", "/api/v1/articles/x/related/more", "/api/v1/authors/7/cards",
    ])
    func notFound(path: String) {
        guard case .notFound = Self.router.match(.get, path: path) else {
            Issue.record("expected 404 for \(path)"); return
        }
    }

    @Test("routes are listed in registration order; re-adding replaces the handler")
    func routesAndReplace() {
        var r = Router<Int>()
        r.add(.get, "/a", 1)
        r.add(.get, "/a", 2)
        #expect(r.routes.map(\.pattern) == ["/a", "/a"])
        guard case .found(let h, _, let route) = r.match(.get, path: "/a") else { Issue.record("expected a match"); return }
        #expect(h == 2)
        #expect(r.routes[route.index].pattern == "/a")
        #expect(route.index == 1)
    }
}

extension Router.Match {
    var parameters: RouteParameters? {
        if case .found(_, let p, _) = self { return p }
        return nil
    }
}

/// The flat-table router against a naive reference (a String trie walked the same way: a literal
/// segment wins over a parameter, no backtracking) on many generated paths.
@Suite("Router against a reference")
struct RouterReferenceTests {
    final class RefNode {
        var children: [String: RefNode] = [:]
        var parameter: (name: String, node: RefNode)?
        var handlers: [(HTTPMethod, String)] = []
    }

    static let routes: [(HTTPMethod, String)] = [
        (.get, "/"), (.get, "/api/v1/articles"), (.post, "/api/v1/articles"), (.get, "/api/v1/articles/new"),
        (.get, "/api/v1/articles/:slug"), (.put, "/api/v1/articles/:slug"), (.get, "/api/v1/articles/:slug/related"),
        (.head, "/api/v1/ping"), (.get, "/api/v1/ping"), (.get, "/api/v1/authors/:id/cards/:format"),
        (.get, "/api/v1/authors/:id"), (.get, "/feed.json"), (.get, "/api/v1/news/:a/new"),
    ]

    static func reference(_ method: HTTPMethod, _ path: String, _ root: RefNode) -> String {
        guard path.first == "/" else { return "404" }
        let parts = path == "/" ? [] : path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.contains("") { return "404" }
        var node = root
        var captures: [String] = []
        for part in parts {
            if let child = node.children[part] {
                node = child
            } else if let p = node.parameter {
                captures.append("\(p.name)=\(part)")
                node = p.node
            } else {
                return "404"
            }
        }
        if node.handlers.isEmpty { return "404" }
        if let h = node.handlers.first(where: { $0.0 == method }) ?? (method == .head ? node.handlers.first(where: { $0.0 == .get }) : nil) {
            return ([h.1] + captures).joined(separator: " ")
        }
        return "405"
    }

    @Test("20,000 generated paths give the reference's answers")
    func generatedPaths() {
        var router = Router<String>()
        let root = RefNode()
        for (method, pattern) in Self.routes {
            router.add(method, pattern, "\(method.name) \(pattern)")
            var node = root
            for seg in pattern.split(separator: "/").map(String.init) {
                if seg.hasPrefix(":") {
                    if node.parameter == nil { node.parameter = (String(seg.dropFirst()), RefNode()) }
                    node = node.parameter!.node
                } else {
                    if node.children[seg] == nil { node.children[seg] = RefNode() }
                    node = node.children[seg]!
                }
            }
            node.handlers.append((method, "\(method.name) \(pattern)"))
        }
        let words = ["api", "v1", "articles", "new", "news", "authors", "cards", "related", "ping", "feed.json",
                     "x", "", "ap", "api2", "a%20b", "v", "newer", "relate", "json"]
        let methods: [HTTPMethod] = [.get, .head, .post, .put, .delete]
        var rng = SplitMix64(seed: 7)
        var mismatches = 0
        var outcomes: [String: Int] = [:]
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 6)
            var path = ""
            for k in 0..<count {
                // Mostly walk the registered prefixes, sometimes stray.
                let w = rng.next() % 3 == 0 ? words[Int(rng.next() % UInt64(words.count))]
                    : ["api", "v1", ["articles", "authors", "ping", "news"][Int(rng.next() % 4)], "some-slug", "cards", "vcf"][min(k, 5)]
                path += "/" + w
            }
            if path.isEmpty || rng.next() % 10 == 0 { path += "/" }
            let method = methods[Int(rng.next() % UInt64(methods.count))]
            let expected = Self.reference(method, path, root)
            outcomes[expected == "404" || expected == "405" ? expected : "found", default: 0] += 1
            let got: String
            switch router.match(method, path: path) {
            case .found(let h, let p, _): got = ([h] + p.all.map { "\($0.name)=\($0.value)" }).joined(separator: " ")
            case .methodNotAllowed: got = "405"
            case .notFound: got = "404"
            }
            if got != expected {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(method.name) \(path): router \(got), reference \(expected)") }
            }
        }
        #expect(mismatches == 0)
        // The generator reaches every outcome often.
        #expect(outcomes["found", default: 0] > 1_500, "\(outcomes)")
        #expect(outcomes["404", default: 0] > 2_000, "\(outcomes)")
        #expect(outcomes["405", default: 0] > 500, "\(outcomes)")
    }
}

/// A small deterministic generator for test inputs.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
