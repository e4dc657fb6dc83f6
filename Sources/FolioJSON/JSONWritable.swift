/// A value that writes itself as one JSON value (scalar, array or object).
///
/// Models adopt it to encode straight into a `JSONWriter`:
///
/// ```swift
/// extension Author: JSONWritable {
///     func writeJSON(to writer: inout JSONWriter) {
///         writer.beginObject()
///         writer.field("name", name)
///         writer.field("email", email)
///         writer.endObject()
///     }
/// }
/// ```
public protocol JSONWritable {
    /// Writes exactly one JSON value.
    func writeJSON(to writer: inout JSONWriter)
}

extension String: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) { writer.string(self) }
}

extension Substring: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) { writer.string(self) }
}

extension Int: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) { writer.int(self) }
}

extension Int64: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) { writer.int64(self) }
}

extension Double: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) { writer.double(self) }
}

extension Bool: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) { writer.bool(self) }
}

/// `nil` is written as `null`.
extension Optional: JSONWritable where Wrapped: JSONWritable {
    @inlinable
    public func writeJSON(to writer: inout JSONWriter) {
        if let self {
            self.writeJSON(to: &writer)
        } else {
            writer.null()
        }
    }
}

/// Written as a JSON array of its elements.
extension Array: JSONWritable where Element: JSONWritable {
    @inlinable
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginArray()
        for element in self {
            element.writeJSON(to: &writer)
        }
        writer.endArray()
    }
}
