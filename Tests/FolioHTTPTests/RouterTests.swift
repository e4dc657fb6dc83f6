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
