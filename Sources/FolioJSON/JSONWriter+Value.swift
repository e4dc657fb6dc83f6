extension JSONWriter {
    /// Writes a parsed value back out (members in their order; numbers as they were written).
    public mutating func json(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let text): rawJSON(text.utf8)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { json(item) }
            endArray()
        case .object(let members):
            beginObject()
            for m in members {
                key(m.name)
                json(m.value)
            }
            endObject()
        }
    }
}
