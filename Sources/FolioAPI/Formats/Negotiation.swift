import FolioContent
import FolioHTTP

/// Proactive content negotiation on `Accept` (RFC 9110 §12.5.1), over a short list of offers.
enum Negotiation {
    /// The offer to send, or nil (406) when the Accept header rules every offer out.
    /// No Accept header picks the first offer. Each offer takes the quality of the most specific
    /// range matching it (`type/subtype` > `type/*` > `*/*`); the highest quality wins, ties go
    /// to the earlier offer. Media-type parameters other than `q` are ignored.
    static func choose(_ accept: ArraySlice<UInt8>?, offers: [String]) -> Int? {
        guard let accept else { return 0 }
        // The common headers need no parsing.
        if accept.elementsEqual("*/*".utf8) || accept.elementsEqual("application/json".utf8) { return offers.firstIndex(of: "application/json") ?? 0 }
        // (type, subtype, q) per range; parsed from bytes, no regex.
        var ranges: [(type: Substring, subtype: Substring, q: Double)] = []
        let text = String(decoding: accept, as: UTF8.self)
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: ";", omittingEmptySubsequences: false)
            let media = trim(pieces[0]).lowercased()
            guard let slash = media.firstIndex(of: "/") else { continue }
            let type = Substring(media[..<slash]), subtype = Substring(media[media.index(after: slash)...])
            if type.isEmpty || subtype.isEmpty { continue }
            var q = 1.0
            for p in pieces.dropFirst() {
                let kv = trim(p)
                guard kv.count >= 2, kv.lowercased().hasPrefix("q=") else { continue }
                q = Double(kv.dropFirst(2)).map { min(1, max(0, $0)) } ?? 0
            }
            ranges.append((type, subtype, q))
        }
        if ranges.isEmpty { return text.allSatisfy({ $0 == " " || $0 == "\t" }) ? 0 : nil }
        var best: (index: Int, q: Double)?
        for (i, offer) in offers.enumerated() {
            let slash = offer.firstIndex(of: "/")!
            let type = offer[..<slash], subtype = offer[offer.index(after: slash)...]
            var specificity = -1
            var q = 0.0
            for r in ranges {
                let s: Int
                if r.type == type, r.subtype == subtype { s = 2 }
                else if r.type == type, r.subtype == "*" { s = 1 }
                else if r.type == "*", r.subtype == "*" { s = 0 }
                else { continue }
                if s > specificity { specificity = s; q = r.q }
            }
            if q > 0, best.map({ q > $0.q }) ?? true { best = (i, q) }
        }
        return best?.index
    }

    static func trim(_ s: Substring) -> Substring {
        var s = s
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}

extension FolioApp {
    static let authorOffers = ["application/json", "text/vcard", "application/ld+json"]
    static let articleOffers = ["application/json", "application/ld+json"]

    /// 406 problem+json naming what the resource can be had as.
    func notAcceptable(_ request: HTTPRequest, offers: [String]) -> HTTPResponse {
        var r = problem(APIError(406, "no acceptable representation; available: " + offers.joined(separator: ", ")), request)
        r.addHeader("Vary", "Accept")
        return r
    }
}
