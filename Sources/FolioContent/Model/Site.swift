/// The publication itself.
public struct Site: Sendable, Hashable {
    public var name: String
    public var url: String
    public var description: String
    /// BCP 47 language tag, e.g. `en`.
    public var language: String
    public var contact: Contact

    public init(name: String, url: String, description: String, language: String, contact: Contact = Contact()) {
        self.name = name
        self.url = url
        self.description = description
        self.language = language
        self.contact = contact
    }

    /// Used until a site record is imported.
    public static let placeholder = Site(name: "Folio", url: "http://localhost:8080/", description: "", language: "en")

    /// Checks every field; throws one error listing all problems.
    public func validate() throws(ValidationError) {
        var v = Validator()
        v.required(name, field: "name", maxLength: 200)
        v.httpURL(url, field: "url")
        v.language(language, field: "language")
        if let email = contact.email { v.email(email, field: "contact.email") }
        if let phone = contact.phone, PhoneNumber.e164(phone) == nil {
            v.fail("contact.phone", "\"\(phone)\" is not a telephone number with a country code")
        }
        try v.finish()
    }
}

/// How to reach the publication.
public struct Contact: Sendable, Hashable {
    public var email: String?
    public var phone: String?
    public var address: String?
    public init(email: String? = nil, phone: String? = nil, address: String? = nil) {
        self.email = email
        self.phone = phone
        self.address = address
    }
}
