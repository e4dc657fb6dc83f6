/// Values captured by `:name` segments of a route pattern, in order, kept as the request's raw
/// bytes and decoded to a String only when a handler asks. The first capture is held inline
/// (routes rarely have more), so matching a route allocates nothing.
public struct RouteParameters: Sendable {
    @usableFromInline var first: (name: String, value: ArraySlice<UInt8>)?
    @usableFromInline var rest: [(name: String, value: ArraySlice<UInt8>)] = []

    public init() {}

    @usableFromInline
    mutating func append(_ name: String, _ value: ArraySlice<UInt8>) {
        if first == nil { first = (name, value) } else { rest.append((name, value)) }
    }

    /// Every capture, in order, as (name, raw value).
    public var all: [(name: String, value: String)] {
        ((first.map { [$0] } ?? []) + rest).map { ($0.name, String(decoding: $0.value, as: UTF8.self)) }
    }

    /// The raw (still percent-encoded) value captured for `name`.
    public subscript(_ name: String) -> String? {
        if let first, first.name == name { return String(decoding: first.value, as: UTF8.self) }
        for p in rest where p.name == name { return String(decoding: p.value, as: UTF8.self) }
        return nil
    }
}

/// A method + path-segment router (a trie, no regular expressions), generic over the handler type
/// so each layer can choose its own handler signature. HEAD is answered by GET's handler unless
/// a HEAD handler is registered.
public struct Router<Handler: Sendable>: Sendable {
    /// One trie node; nodes live in an array and refer to each other by index (a value type).
    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var literal: [UInt8]
        @usableFromInline var children: [Int] = []
        @usableFromInline var parameter: (name: String, node: Int)?
        @usableFromInline var handlers: [(method: HTTPMethod, handler: Handler, route: Int)] = []
        @usableFromInline var allow = ""

        @usableFromInline init(literal: [UInt8]) { self.literal = literal }
    }

    /// A registered route for listing (documentation checks, metrics labels).
    public struct Route: Sendable {
        public let method: HTTPMethod
        public let pattern: String
    }

    /// A matched route: its pattern, and its index in `routes` (a cheap key for per-route state).
    public struct MatchedRoute: Sendable {
        public let pattern: String
        public let index: Int

        @usableFromInline init(pattern: String, index: Int) {
            self.pattern = pattern
            self.index = index
        }
    }

    /// The result of looking up a method and path.
    public enum Match: Sendable {
        case found(Handler, RouteParameters, route: MatchedRoute)
        case methodNotAllowed(allow: String)
        case notFound
    }

    @usableFromInline var nodes = [Node(literal: [])]
    public private(set) var routes: [Route] = []

    public init() {}

    /// Registers `handler` for `method` on `pattern` such as `/api/v1/articles/:slug/related`.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        var node = 0
        for segment in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.first == ":" {
                let name = String(segment.dropFirst())
                if let p = nodes[node].parameter {
                    precondition(p.name == name, "conflicting parameter names at \(pattern)")
                    node = p.node
                } else {
                    nodes.append(Node(literal: []))
                    nodes[node].parameter = (name, nodes.count - 1)
                    node = nodes.count - 1
                }
            } else if let child = nodes[node].children.first(where: { nodes[$0].literal.elementsEqual(segment.utf8) }) {
                node = child
            } else {
                nodes.append(Node(literal: Array(segment.utf8)))
                nodes[node].children.append(nodes.count - 1)
                node = nodes.count - 1
            }
        }
        nodes[node].handlers.removeAll { $0.method == method }
        nodes[node].handlers.append((method, handler, routes.count))
        var methods = nodes[node].handlers.map(\.method.name)
        if methods.contains("GET"), !methods.contains("HEAD") { methods.append("HEAD") }
        nodes[node].allow = methods.joined(separator: ", ")
        routes.append(Route(method: method, pattern: pattern))
    }

    /// Whether `literal` equals `path[start..<end]` (lengths first, then bytes).
    @inlinable
    static func literal(_ literal: [UInt8], equals path: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard literal.count == end - start else { return false }
        return literal.withUnsafeBufferPointer { l in
            for k in 0..<l.count where l[k] != path[start + k] { return false }
            return true
        }
    }

    @inlinable
    func found(_ handler: Handler, _ params: RouteParameters, _ route: Int) -> Match {
        .found(handler, params, route: MatchedRoute(pattern: routes[route].pattern, index: route))
    }

    /// Finds the handler for `method` on the raw `path` (which must start with `/`).
    public func match(_ method: HTTPMethod, path: String) -> Match {
        match(method, pathBytes: Array(path.utf8)[...])
    }

    /// Finds the handler for `method` on the raw path bytes (which must start with `/`), comparing
    /// bytes only: no String indexing on the request path.
    @inlinable
    public func match(_ method: HTTPMethod, pathBytes path: ArraySlice<UInt8>) -> Match {
        var params = RouteParameters()
        // Walk the trie over the path's raw bytes (no bounds checks in the segment scan).
        let node = path.withUnsafeBufferPointer { p -> Int in
            let end = p.count
            guard end > 0, p[0] == 0x2F else { return -1 }
            var node = 0
            var i = 1
            while i < end {
                var j = i
                while j < end, p[j] != 0x2F { j += 1 }
                if j == i { return -1 }  // empty segment
                if j < end, j + 1 == end { return -1 }  // trailing slash
                var next = -1
                for c in nodes[node].children where Self.literal(nodes[c].literal, equals: p, i, j) {
                    next = c
                    break
                }
                if next >= 0 {
                    node = next
                } else if let parameter = nodes[node].parameter {
                    params.append(parameter.name, path[(path.startIndex + i)..<(path.startIndex + j)])
                    node = parameter.node
                } else {
                    return -1
                }
                i = j + 1
            }
            return node
        }
        if node < 0 { return .notFound }
        let handlers = nodes[node].handlers
        if handlers.isEmpty { return .notFound }
        for h in handlers where h.method == method { return found(h.handler, params, h.route) }
        if method == .head {
            for h in handlers where h.method == .get { return found(h.handler, params, h.route) }
        }
        return .methodNotAllowed(allow: nodes[node].allow)
    }
}
