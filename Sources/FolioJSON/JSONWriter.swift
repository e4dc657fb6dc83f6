/// Writes one JSON document as UTF-8 bytes into `bytes`, appending as it goes.
///
/// Commas and colons are inserted automatically: write a key, then its
/// value; write array elements one after another. The caller is trusted to
/// nest correctly: debug builds assert on misplaced keys, and an `end…`
/// call with no open container traps.
///
/// ```swift
/// var w = JSONWriter()
/// w.beginObject()
/// w.field("title", article.title)
/// w.key("tags"); w.value(article.tags)
/// w.endObject()
/// send(w.bytes)
/// ```
///
/// Apart from the growth of `bytes`, no call allocates (nesting deeper than
/// 64 levels uses a small side array).
public struct JSONWriter: Sendable {
    /// The encoded output so far.
    public var bytes: [UInt8]

    var commas = CommaStack()
    /// A key (and its colon) was just written; the next value belongs to it.
    var afterKey = false

    /// Creates a writer whose buffer can hold `capacity` bytes before growing.
    public init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the output and the nesting state, keeping the buffer's capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        commas.reset()
        afterKey = false
    }

    // MARK: Containers

    /// Writes `{`.
    public mutating func beginObject() {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        commas.push()
    }

    /// Writes `}`.
    public mutating func endObject() {
        assert(!afterKey, "JSONWriter: key without a value before endObject()")
        commas.pop()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes `[`.
    public mutating func beginArray() {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        commas.push()
    }

    /// Writes `]`.
    public mutating func endArray() {
        assert(!afterKey, "JSONWriter: key without a value before endArray()")
        commas.pop()
        bytes.append(UInt8(ascii: "]"))
    }

    // MARK: Keys

    /// Writes an object key known at compile time, copied without escaping.
    ///
    /// `name` must be ASCII with no control character, `"`, `\` or `</`
    /// (asserted in debug builds); use `key(_: String)` for anything else.
    public mutating func key(_ name: StaticString) {
        assert(JSONEscaping.isPlainKey(name), "JSONWriter.key(StaticString) needs escaping: \(name)")
        beginKey()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// Writes an object key, escaped as a JSON string.
    public mutating func key(_ name: String) {
        beginKey()
        writeQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    // MARK: Scalars

    /// Writes a JSON string, escaped.
    public mutating func string(_ value: String) {
        beginValue()
        writeQuoted(value)
    }

    /// Writes a JSON string, escaped.
    public mutating func string(_ value: Substring) {
        beginValue()
        writeQuoted(value)
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beginValue()
        appendASCII(value ? "true" : "false")
    }

    /// Writes `null`.
    public mutating func null() {
        beginValue()
        appendASCII("null")
    }

    /// Writes an already encoded JSON value (for example a cached fragment)
    /// as the next value, byte for byte. The bytes are not checked.
    public mutating func rawJSON(_ bytes: some Sequence<UInt8>) {
        beginValue()
        self.bytes.append(contentsOf: bytes)
    }

    /// Writes the next value by letting `append` add its encoded bytes to `bytes` directly (no
    /// intermediate buffer). The bytes are not checked.
    public mutating func rawJSON(appending append: (inout [UInt8]) -> Void) {
        beginValue()
        append(&bytes)
    }

    /// Writes already encoded object members (`"a":1,"b":2`, for example a body stored in its
    /// served form) as the next members of the open object, by letting `append` add them.
    /// They are not checked.
    public mutating func rawMembers(appending append: (inout [UInt8]) throws -> Void) rethrows {
        beginKey()
        try append(&bytes)
    }

    /// Writes a value that knows how to write itself.
    @inlinable
    public mutating func value(_ v: some JSONWritable) {
        v.writeJSON(to: &self)
    }

    // MARK: Internals

    /// Separates the next value from the previous one, unless it follows a key.
    @inline(__always)
    mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if commas.needsComma {
            bytes.append(UInt8(ascii: ","))
        } else {
            commas.setNeedsComma()
        }
    }

    /// Separates the next key from the previous member.
    @inline(__always)
    mutating func beginKey() {
        assert(!afterKey, "JSONWriter: two keys in a row")
        assert(commas.depth > 0, "JSONWriter: key outside an object")
        if commas.needsComma {
            bytes.append(UInt8(ascii: ","))
        } else {
            commas.setNeedsComma()
        }
    }

    @inline(__always)
    mutating func appendASCII(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
}
