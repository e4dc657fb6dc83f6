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

    /// A matched route: its index in `routes` (a cheap key for per-route state; the pattern is
    /// `routes[index].pattern`, not copied into every match).
    public struct MatchedRoute: Sendable {
        public let index: Int

        @usableFromInline init(index: Int) {
            self.index = index
        }
    }

    /// The result of looking up a method and path.
    public enum Match: Sendable {
        case found(Handler, RouteParameters, route: MatchedRoute)
        case methodNotAllowed(allow: String)
        case notFound
    }

    /// A trie edge in the flat tables `match` walks: a literal segment (bytes in `literalPool`)
    /// and the node it leads to. Plain integers, so walking the trie retains nothing.
    @usableFromInline
    struct Edge: Sendable {
        @usableFromInline var literalStart: Int32
        @usableFromInline var literalCount: Int32
        @usableFromInline var target: Int32
    }

    /// A node in the flat tables: its edges (`edges[firstEdge..<firstEdge + edgeCount]`) and the
    /// node a `:name` segment leads to (-1 when there is none).
    @usableFromInline
    struct FlatNode: Sendable {
        @usableFromInline var firstEdge: Int32
        @usableFromInline var edgeCount: Int32
        @usableFromInline var parameterNode: Int32
    }

    /// The trie as it is built (`add`), and the same trie flattened for `match`.
    @usableFromInline var nodes = [Node(literal: [])]
    @usableFromInline var flat: [FlatNode] = [FlatNode(firstEdge: 0, edgeCount: 0, parameterNode: -1)]
    @usableFromInline var edges: [Edge] = []
    @usableFromInline var literalPool: [UInt8] = []
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
        flatten()
    }

    /// Rebuilds the flat tables from `nodes` (at registration time only).
    mutating func flatten() {
        flat = []
        edges = []
        literalPool = []
        for n in nodes {
            flat.append(FlatNode(firstEdge: Int32(edges.count), edgeCount: Int32(n.children.count),
                                 parameterNode: Int32(n.parameter?.node ?? -1)))
            for c in n.children {
                edges.append(Edge(literalStart: Int32(literalPool.count), literalCount: Int32(nodes[c].literal.count), target: Int32(c)))
                literalPool.append(contentsOf: nodes[c].literal)
            }
        }
    }

    /// Whether `a[x..<x + n]` equals `b[y..<y + n]` (segments are short: a byte loop).
    @inlinable @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ x: Int, _ b: UnsafeBufferPointer<UInt8>, _ y: Int, _ n: Int) -> Bool {
        var k = 0
        while k < n {
            if a[x &+ k] != b[y &+ k] { return false }
            k &+= 1
        }
        return true
    }

    @inlinable
    func found(_ handler: Handler, _ params: RouteParameters, _ route: Int) -> Match {
        .found(handler, params, route: MatchedRoute(index: route))
    }

    /// Finds the handler for `method` on the raw `path` (which must start with `/`).
    public func match(_ method: HTTPMethod, path: String) -> Match {
        match(method, pathBytes: Array(path.utf8)[...])
    }

    /// Finds the handler for `method` on the raw path bytes (which must start with `/`), comparing
    /// bytes only: no String indexing on the request path.
    @inlinable
    public func match(_ method: HTTPMethod, pathBytes path: ArraySlice<UInt8>) -> Match {
        // Walk the flat trie over the path's raw bytes: integer tables only, no bounds checks in
        // the segment scan. A `:name` capture is remembered as a byte range.
        var captures: [(node: Int, start: Int, end: Int)] = []
        var firstCapture = (node: -1, start: 0, end: 0)
        let node = path.withUnsafeBufferPointer { p -> Int in
            flat.withUnsafeBufferPointer { flat in
                edges.withUnsafeBufferPointer { edges in
                    literalPool.withUnsafeBufferPointer { pool in
                        let end = p.count
                        guard end > 0, p[0] == 0x2F else { return -1 }
                        var node = 0
                        var i = 1
                        while i < end {
                            // A literal edge matches when its bytes are next and a "/" or the end
                            // follows (literals hold no "/"), so literal segments need no scan.
                            let f = flat[node]
                            var next = -1
                            var j = i
                            var e = Int(f.firstEdge)
                            let stop = e + Int(f.edgeCount)
                            while e < stop {
                                let edge = edges[e]
                                let n = Int(edge.literalCount)
                                if i &+ n <= end, i &+ n == end || p[i &+ n] == 0x2F,
                                   Self.equal(pool, Int(edge.literalStart), p, i, n) {
                                    next = Int(edge.target)
                                    j = i &+ n
                                    break
                                }
                                e &+= 1
                            }
                            if next < 0 {
                                guard f.parameterNode >= 0 else { return -1 }
                                j = ByteScan.firstOf(UnsafeRawBufferPointer(p), from: i, end: end, 0x2F, 0x2F)
                                if j == i { return -1 }  // empty segment
                                if firstCapture.node < 0 { firstCapture = (node, i, j) } else { captures.append((node, i, j)) }
                                next = Int(f.parameterNode)
                            }
                            if j < end, j &+ 1 == end { return -1 }  // trailing slash
                            node = next
                            i = j &+ 1
                        }
                        return node
                    }
                }
            }
        }
        if node < 0 { return .notFound }
        var params = RouteParameters()
        if firstCapture.node >= 0 {
            let base = path.startIndex
            params.append(nodes[firstCapture.node].parameter!.name, path[(base + firstCapture.start)..<(base + firstCapture.end)])
            for c in captures { params.append(nodes[c.node].parameter!.name, path[(base + c.start)..<(base + c.end)]) }
        }
        let handlers = nodes[node].handlers
        if handlers.isEmpty { return .notFound }
        for h in handlers where h.method == method { return found(h.handler, params, h.route) }
        if method == .head {
            for h in handlers where h.method == .get { return found(h.handler, params, h.route) }
        }
        return .methodNotAllowed(allow: nodes[node].allow)
    }
}
