/// A subject label articles carry.
public struct Tag: Sendable, Hashable {
    public var slug: String
    public var name: String
    public init(slug: String, name: String) {
        self.slug = slug
        self.name = name
    }

    /// Checks slug and name.
    public func validate() throws(ValidationError) {
        var v = Validator()
        v.slug(slug, field: "slug")
        v.required(name, field: "name", maxLength: 200)
        try v.finish()
    }
}
