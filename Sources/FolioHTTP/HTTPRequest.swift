/// A request as handlers see it: method, path, query, header lookup and body.
/// Header bytes are held once in `head`; names and values are read from it on demand.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var version: HTTPVersion
    /// The buffer holding the raw head (request line and fields, no leading empty lines) from
    /// `headStart` on: usually the connection's input buffer itself, so the head is not copied.
    public var head: [UInt8]
    /// Where the head starts in `head`; field ranges are relative to it.
    public var headStart: Int
    public var fields: [HTTPFieldRange]
    /// Which field names may be present (`FieldNameSummary`; all bits set when not known).
    public var fieldNames: UInt64 = .max
    /// The path and query as ranges of `head` (absolute).
    var pathRange: Range<Int>
    var queryRange: Range<Int>
    public var body: [UInt8]
    /// Whether the connection stays open after this request (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// The index of the event loop handling the request, for lock-free per-loop state (metrics).
    public var loopIndex = 0
    /// When the request's head had arrived (`MonotonicClock.micros()` taken as the event loop
    /// began the batch of events that completed it), or 0 when not known.
    public var receivedMicros: Int64 = 0
    /// Where the connection came from.
    public var peer = PeerAddress.unknown

    /// `pathRange` and `queryRange` are relative to `headStart`, as the parser reports them.
    public init(
        method: HTTPMethod, version: HTTPVersion, head: [UInt8], headStart: Int = 0, fields: [HTTPFieldRange],
        pathRange: Range<Int>, queryRange: Range<Int>, body: [UInt8] = [], keepAlive: Bool = true
    ) {
        self.method = method
        self.version = version
        self.head = head
        self.headStart = headStart
        self.fields = fields
        self.pathRange = (headStart + pathRange.lowerBound)..<(headStart + pathRange.upperBound)
        self.queryRange = (headStart + queryRange.lowerBound)..<(headStart + queryRange.upperBound)
        self.body = body
        self.keepAlive = keepAlive
    }

    /// A request for tests and internal use, built from a target such as `/a/b?x=1`.
    public init(method: HTTPMethod, target: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        var text = "\(method.name) \(target) HTTP/1.1\r\n"
        for (n, v) in headers { text += "\(n): \(v)\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        var fields: [HTTPFieldRange] = []
        var head = HTTPRequestHead(
            method: method, version: .http11, start: 0, consumed: bytes.count, pathStart: 0, pathEnd: 0,
            queryStart: 0, queryEnd: 0, framing: .none, keepAlive: true, expectContinue: false)
        let limits = HTTPLimits()
        if case .complete(let h) = bytes.withUnsafeBytes({ HTTPHeadParser.parseComplete($0, start: 0, end: $0.count, limits: limits, fields: &fields) }) {
            head = h
        } else {
            let q = target.firstIndex(of: "?").map { target.utf8.distance(from: target.startIndex, to: $0) } ?? target.utf8.count
            let off = method.name.utf8.count + 1
            head.pathStart = off
            head.pathEnd = off + q
            head.queryStart = off + min(q + 1, target.utf8.count)
            head.queryEnd = off + target.utf8.count
        }
        self.init(method: method, version: .http11, head: bytes, fields: fields,
                  pathRange: head.pathStart..<head.pathEnd, queryRange: head.queryStart..<head.queryEnd, body: body)
        fieldNames = head.fieldNames
    }

    /// The request target's path, still percent-encoded, e.g. `/api/v1/articles/x`.
    public var path: String { String(decoding: head[pathRange], as: UTF8.self) }

    /// The raw query string after `?` (percent-encoded), empty when there is none.
    public var query: String { String(decoding: head[queryRange], as: UTF8.self) }

    /// The raw request target's bytes (path and query, as sent).
    public var targetBytes: ArraySlice<UInt8> {
        head[pathRange.lowerBound..<max(pathRange.upperBound, queryRange.upperBound)]
    }

    /// The raw path bytes.
    public var pathBytes: ArraySlice<UInt8> { head[pathRange] }

    /// The raw query bytes.
    public var queryBytes: ArraySlice<UInt8> { head[queryRange] }

    /// The first value of the header named `name` (compared case-insensitively; pass it in lowercase).
    public func header(_ name: StaticString) -> String? {
        headerBytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The first value's bytes of the header named `name` (lowercase).
    public func headerBytes(_ name: StaticString) -> ArraySlice<UInt8>? {
        if fieldNames & FieldNameSummary.bit(name) == 0 { return nil }
        let base = headStart
        return head.withUnsafeBytes { buf -> Range<Int>? in
            for f in fields where ByteClass.equalsLowercase(buf, base + Int(f.nameStart), base + Int(f.nameEnd), name) {
                return (base + Int(f.valueStart))..<(base + Int(f.valueEnd))
            }
            return nil
        }.map { head[$0] }
    }

    /// The values' bytes of every header line named `name` (lowercase), in order: a list-valued
    /// field (RFC 9110 §5.3) may come in several lines that mean the same as one joined by commas.
    public func headerValues(_ name: StaticString) -> [ArraySlice<UInt8>] {
        if fieldNames & FieldNameSummary.bit(name) == 0 { return [] }
        let base = headStart
        let ranges = head.withUnsafeBytes { buf -> [Range<Int>] in
            fields.filter { ByteClass.equalsLowercase(buf, base + Int($0.nameStart), base + Int($0.nameEnd), name) }
                .map { (base + Int($0.valueStart))..<(base + Int($0.valueEnd)) }
        }
        return ranges.map { head[$0] }
    }

    /// All header fields as strings, in order (for logging and tests; not for the hot path).
    public var headerPairs: [(name: String, value: String)] {
        fields.map {
            (String(decoding: head[(headStart + Int($0.nameStart))..<(headStart + Int($0.nameEnd))], as: UTF8.self),
             String(decoding: head[(headStart + Int($0.valueStart))..<(headStart + Int($0.valueEnd))], as: UTF8.self))
        }
    }
}
