import Foundation
import Testing
@testable import FolioAPI
import FolioContent
import FolioHTTP

/// A vCard parser that checks the physical form (CRLF, ≤ 75 octets, whole UTF-8 sequences),
/// unfolds continuation lines and splits properties into name, parameters and raw value.
struct ParsedVCard {
    struct Property {
        var name: String
        var parameters: [String]
        var value: String
    }

    var properties: [Property] = []

    init(_ bytes: [UInt8]) throws {
        var physical: [[UInt8]] = []
        var line: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else { throw XMLFailure(message: "bare CR at \(i)") }
                physical.append(line)
                line = []
                i += 2
                continue
            }
            if bytes[i] == 0x0A { throw XMLFailure(message: "bare LF at \(i)") }
            line.append(bytes[i])
            i += 1
        }
        guard line.isEmpty else { throw XMLFailure(message: "last line not terminated by CRLF") }
        var logical: [[UInt8]] = []
        for p in physical {
            guard p.count <= 75 else { throw XMLFailure(message: "line longer than 75 octets: \(p.count)") }
            guard String(validating: p, as: UTF8.self) != nil else { throw XMLFailure(message: "a fold split a UTF-8 sequence") }
            if p.first == 0x20 || p.first == 0x09 {
                guard !logical.isEmpty else { throw XMLFailure(message: "continuation first") }
                logical[logical.count - 1].append(contentsOf: p.dropFirst())
            } else {
                logical.append(p)
            }
        }
        for l in logical {
            let text = String(decoding: l, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { throw XMLFailure(message: "no colon in \(text)") }
            let head = text[..<colon].split(separator: ";").map(String.init)
            properties.append(Property(name: head[0].uppercased(), parameters: Array(head.dropFirst()),
                                       value: String(text[text.index(after: colon)...])))
        }
    }

    func all(_ name: String) -> [Property] { properties.filter { $0.name == name } }
    func value(_ name: String) -> String? { all(name).first?.value }

    /// RFC 6350 §3.4 unescaping of a text value.
    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                out.append(c == "n" || c == "N" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Splits a structured value on unescaped `;`.
    static func components(_ s: String) -> [String] {
        var parts: [String] = [""]
        var escaped = false
        for c in s {
            if escaped { parts[parts.count - 1].append(contentsOf: ["\\", c]); escaped = false }
            else if c == "\\" { escaped = true }
            else if c == ";" { parts.append("") }
            else { parts[parts.count - 1].append(c) }
        }
        return parts.map(unescape)
    }
}

@Suite struct VCardTests {
    let f = Fixture.shared

    @Test func vcfSuffixAndAcceptGiveTheSameCard() throws {
        let vcf = f.get("/api/v1/authors/ada-lovelace.vcf")
        #expect(vcf.status == 200)
        #expect(vcf.header("Content-Type") == "text/vcard; charset=utf-8")
        let negotiated = f.get("/api/v1/authors/ada-lovelace", [("Accept", "text/vcard")])
        #expect(negotiated.status == 200)
        #expect(negotiated.body == vcf.body)
        #expect(negotiated.header("Vary") == "Accept, Accept-Encoding")
        #expect(negotiated.header("Content-Type") == "text/vcard; charset=utf-8")
    }

    @Test func cardParsesUnfoldsAndUnescapes() throws {
        let card = try ParsedVCard(f.get("/api/v1/authors/ada-lovelace.vcf").body)
        #expect(card.properties.first?.name == "BEGIN" && card.properties.first?.value == "VCARD")
        #expect(card.properties.last?.name == "END" && card.properties.last?.value == "VCARD")
        #expect(card.value("VERSION") == "4.0")
        #expect(card.value("FN").map(ParsedVCard.unescape) == "Ada Lovelace")
        #expect(card.value("N").map(ParsedVCard.components) == ["Lovelace", "Ada", "", "", ""])
        #expect(card.value("ORG").map(ParsedVCard.components) == ["Analytical Engines, Ltd.; London"])
        #expect(card.value("TITLE").map(ParsedVCard.unescape) == ada.role)
        #expect(card.value("TITLE") == "Analyst\\; Writer\\, \\\\ Poet")
        #expect(card.value("EMAIL") == "ada@example.org")
        let tel = try #require(card.all("TEL").first)
        #expect(tel.parameters.contains("VALUE=uri"))
        #expect(tel.value == "tel:+442079460000")
        #expect(card.all("URL").map(\.value).contains("https://example.org/ada"))
        #expect(card.value("NOTE").map(ParsedVCard.unescape) == ada.bio)
        #expect(card.value("NOTE")?.contains("\\n") == true)
        // The bio is long and non-ASCII: the card really was folded.
        let raw = f.get("/api/v1/authors/ada-lovelace.vcf").text
        #expect(raw.contains("\r\n "))
    }

    @Test func sampleAuthor() throws {
        let card = try ParsedVCard(f.get("/api/v1/authors/javid-valiyev.vcf").body)
        #expect(card.value("FN") == "Javid Valiyev")
        #expect(card.value("ORG") == "Center of Analysis of International Relations")
        #expect(card.all("TEL").first?.value == "tel:+994125968239")
        #expect(f.get("/api/v1/authors/nobody.vcf").status == 404)
    }

    @Test func foldingNeverSplitsUTF8() throws {
        for n in 60...80 {
            var out: [UInt8] = []
            VCard.line(&out, "NOTE:" + String(repeating: "ə", count: n) + String(repeating: "☕", count: n))
            let card = try ParsedVCard(out)
            #expect(card.value("NOTE") == String(repeating: "ə", count: n) + String(repeating: "☕", count: n))
        }
    }
}

@Suite struct NegotiationTests {
    let f = Fixture.shared

    @Test(arguments: [nil, "*/*", "application/*", "application/json", "text/html, application/json;q=0.9",
                      "text/vcard;q=0, */*;q=0.1", "application/json, text/vcard"])
    func jsonByDefault(_ accept: String?) throws {
        let r = f.get("/api/v1/authors/javid-valiyev", accept.map { [("Accept", $0)] } ?? [])
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json; charset=utf-8")
        #expect(r.header("Vary") == "Accept, Accept-Encoding")
        #expect(try r.json()["data"] != nil)
    }

    @Test(arguments: ["image/png", "text/html", "application/json;q=0", "application/xml, text/html;q=0.5"])
    func notAcceptable(_ accept: String) throws {
        for path in ["/api/v1/authors/javid-valiyev", "/api/v1/articles/illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community"] {
            let r = f.get(path, [("Accept", accept)])
            #expect(r.status == 406)
            #expect(r.header("Content-Type") == "application/problem+json")
            #expect(try r.json()["status"] as? Int == 406)
        }
    }

    @Test func variantsAreCachedApart() throws {
        let path = "/api/v1/authors/javid-valiyev"
        for _ in 0..<2 {
            #expect(f.get(path).header("Content-Type") == "application/json; charset=utf-8")
            #expect(f.get(path, [("Accept", "text/vcard")]).header("Content-Type") == "text/vcard; charset=utf-8")
            #expect(f.get(path, [("Accept", "application/ld+json")]).header("Content-Type") == "application/ld+json; charset=utf-8")
        }
        let json = f.get(path), vcard = f.get(path, [("Accept", "text/vcard")])
        #expect(json.header("ETag") != vcard.header("ETag"))
        #expect(f.get(path, [("Accept", "text/vcard"), ("If-None-Match", vcard.header("ETag")!)]).status == 304)
    }

    @Test func chooser() {
        let offers = ["application/json", "text/vcard", "application/ld+json"]
        func pick(_ s: String?) -> Int? { Negotiation.choose(s.map { Array($0.utf8)[...] }, offers: offers) }
        #expect(pick(nil) == 0)
        #expect(pick("text/vcard") == 1)
        #expect(pick("TEXT/VCARD; charset=utf-8") == 1)
        #expect(pick("application/ld+json;q=0.8, application/json;q=0.5") == 2)
        #expect(pick("application/*;q=0.2, text/vcard;q=0.3") == 1)
        #expect(pick("*/*;q=0") == nil)
        #expect(pick("image/png") == nil)
    }
}

@Suite struct JSONLDTests {
    let f = Fixture.shared

    struct Person: Decodable {
        var context: String?
        var type: String
        var name: String
        var jobTitle: String?
        var email: String?
        var telephone: String?
        var worksFor: Organization?
        enum CodingKeys: String, CodingKey {
            case context = "@context", type = "@type", name, jobTitle, email, telephone, worksFor
        }
    }

    struct Organization: Decodable {
        var type: String
        var name: String
        var url: String?
        enum CodingKeys: String, CodingKey { case type = "@type", name, url }
    }

    struct NewsArticle: Decodable {
        var context: String
        var type: String
        var headline: String
        var datePublished: String
        var dateModified: String
        var author: [Person]
        var publisher: Organization
        var keywords: [String]
        var articleBody: String
        enum CodingKeys: String, CodingKey {
            case context = "@context", type = "@type", headline, datePublished, dateModified, author, publisher, keywords, articleBody
        }
    }

    @Test func article() throws {
        let r = f.get("/api/v1/articles/illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community",
                      [("Accept", "application/ld+json")])
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/ld+json; charset=utf-8")
        #expect(r.header("Vary") == "Accept, Accept-Encoding")
        let a = try JSONDecoder().decode(NewsArticle.self, from: Data(r.body))
        #expect(a.context == "https://schema.org" && a.type == "NewsArticle")
        #expect(a.headline == "Illegal elections in Azerbaijan’s Karabakh Rejected by International Community")
        #expect(a.datePublished == "2023-09-18T10:56:00+04:00")
        #expect(a.author.first?.type == "Person" && a.author.first?.name == "Javid Valiyev")
        #expect(a.publisher.type == "Organization" && a.publisher.name == "Center of Analysis of International Relations")
        #expect(a.keywords.contains("Karabakh"))
        #expect(!a.articleBody.isEmpty)
        // The JSON representation is unchanged and cached apart.
        let json = f.get("/api/v1/articles/illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community")
        #expect(json.header("Content-Type") == "application/json; charset=utf-8")
        #expect(json.header("Vary") == "Accept, Accept-Encoding")
    }

    @Test func author() throws {
        let r = f.get("/api/v1/authors/ada-lovelace", [("Accept", "application/ld+json")])
        let p = try JSONDecoder().decode(Person.self, from: Data(r.body))
        #expect(p.context == "https://schema.org" && p.type == "Person" && p.name == "Ada Lovelace")
        #expect(p.jobTitle == ada.role)
        #expect(p.telephone == "+442079460000")
        #expect(p.worksFor?.type == "Organization" && p.worksFor?.name == ada.organization)
    }
}
