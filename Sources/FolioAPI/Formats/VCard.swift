import FolioContent

/// vCard 4.0 (RFC 6350) for an author's contact card: CRLF lines folded at 75 octets (never inside
/// a UTF-8 sequence), text values escaped (`\` `,` `;` and newlines).
enum VCard {
    static let contentType = "text/vcard; charset=utf-8"

    static func write(_ a: Author, site: Site, urls: PublicURLs) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        line(&out, "BEGIN:VCARD")
        line(&out, "VERSION:4.0")
        line(&out, "KIND:individual")
        line(&out, "FN:" + text(a.name))
        let (family, given) = nameParts(a.name)
        line(&out, "N:" + text(family) + ";" + text(given) + ";;;")
        if let org = a.organization, !org.isEmpty { line(&out, "ORG:" + text(org)) }
        if let role = a.role, !role.isEmpty { line(&out, "TITLE:" + text(role)) }
        if let email = a.email, !email.isEmpty { line(&out, "EMAIL;TYPE=work:" + text(email)) }
        if let e164 = a.phoneE164 {
            line(&out, "TEL;VALUE=uri;TYPE=\"work,voice\":tel:" + e164)
        } else if let phone = a.phone, !phone.isEmpty {
            line(&out, "TEL;VALUE=text;TYPE=work:" + text(phone))
        }
        line(&out, "URL:" + uri(urls.authorLink(a.slug)))
        for link in a.links { line(&out, "URL;TYPE=" + paramValue(link.rel) + ":" + uri(link.url)) }
        if let image = a.imageURL, !image.isEmpty { line(&out, "PHOTO:" + uri(image)) }
        if let bio = a.bio, !bio.isEmpty { line(&out, "NOTE:" + text(bio)) }
        line(&out, "UID:" + uri(urls.authorAPI(a.slug) + ".vcf"))
        line(&out, "END:VCARD")
        return out
    }

    /// "Javid Valiyev" → ("Valiyev", "Javid"): the last word is the family name.
    static func nameParts(_ name: String) -> (String, String) {
        let words = name.split(separator: " ")
        guard words.count > 1 else { return (name, "") }
        return (String(words.last!), words.dropLast().joined(separator: " "))
    }

    /// RFC 6350 §3.4 text escaping.
    static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var lastWasCR = false
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case ",": out += "\\,"
            case ";": out += "\\;"
            case "\r": out += "\\n"
            case "\n": if !lastWasCR { out += "\\n" }
            case "\u{00}"..."\u{08}", "\u{0B}"..."\u{1F}", "\u{7F}": break
            default: out.unicodeScalars.append(c)
            }
            lastWasCR = c == "\r"
        }
        return out
    }

    /// A URI value: no escaping, but never a control character.
    static func uri(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
    }

    /// A TYPE parameter value: keep it to a token (letters, digits, hyphen); else "x-link".
    static func paramValue(_ s: String) -> String {
        let token = s.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        return token.isEmpty ? "x-link" : token
    }

    /// Appends `content` as one logical line: folded so no physical line exceeds 75 octets
    /// (continuations start with a space, which counts), then CRLF.
    static func line(_ out: inout [UInt8], _ content: String) {
        var width = 0
        for scalar in content.unicodeScalars {
            let n = UTF8.width(scalar)
            if width + n > 75 {
                out.append(0x0D)
                out.append(0x0A)
                out.append(0x20)
                width = 1
            }
            out.append(contentsOf: String(scalar).utf8)
            width += n
        }
        out.append(0x0D)
        out.append(0x0A)
    }
}
