/// A person who writes for the publication: the contact card.
public struct Author: Sendable, Hashable {
    public var slug: String
    public var name: String
    public var role: String?
    public var organization: String?
    public var email: String?
    /// The telephone number as published, e.g. `(+994 12) 596-82-39`.
    public var phone: String?
    /// `phone` in E.164 (`+994125968239`) when it can be derived.
    public var phoneE164: String? { phone.flatMap(PhoneNumber.e164) }
    public var bio: String?
    public var imageURL: String?
    public var links: [Link]

    public init(
        slug: String, name: String, role: String? = nil, organization: String? = nil, email: String? = nil,
        phone: String? = nil, bio: String? = nil, imageURL: String? = nil, links: [Link] = []
    ) {
        self.slug = slug
        self.name = name
        self.role = role
        self.organization = organization
        self.email = email
        self.phone = phone
        self.bio = bio
        self.imageURL = imageURL
        self.links = links
    }

    /// Checks every field; throws one error listing all problems.
    public func validate() throws(ValidationError) {
        var v = Validator()
        v.slug(slug, field: "slug")
        v.required(name, field: "name", maxLength: 200)
        if let email { v.email(email, field: "email") }
        if let phone, PhoneNumber.e164(phone) == nil {
            v.fail("phone", "\"\(phone)\" is not a telephone number with a country code (e.g. +994 12 596 82 39)")
        }
        if let imageURL { v.httpURL(imageURL, field: "image_url") }
        for (i, link) in links.enumerated() {
            v.required(link.rel, field: "links[\(i)].rel", maxLength: 100)
            v.httpURL(link.url, field: "links[\(i)].url")
        }
        try v.finish()
    }
}

/// A typed link on an author's card (`rel` like `website`, `twitter`).
public struct Link: Sendable, Hashable {
    public var rel: String
    public var url: String
    public init(rel: String, url: String) {
        self.rel = rel
        self.url = url
    }
}
