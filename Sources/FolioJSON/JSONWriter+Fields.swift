extension JSONWriter {
    /// Writes `"name":"value"`.
    public mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// Writes `"name":value`.
    public mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        int(value)
    }

    /// Writes `"name":true` or `"name":false`.
    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// Writes `"name":"value"`, or `"name":null` when `value` is nil.
    public mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value {
            string(value)
        } else {
            null()
        }
    }

    /// Writes `"name":` followed by the value.
    @inlinable
    public mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.writeJSON(to: &self)
    }
}
