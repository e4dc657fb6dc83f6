import Testing
@testable import FolioContent

/// The sanitizer for HTML given directly as an article body: an allow-list of formatting tags,
/// a few safe attributes, no scripts or unsafe URLs, balanced output, and idempotent.
@Suite("HTML sanitizer")
struct HTMLSanitizerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var output: String
        var testDescription: String { input.debugDescription }
        init(_ input: String, _ output: String) {
            self.input = input
            self.output = output
        }
    }

    static func check(_ c: Case, sourceLocation: SourceLocation = #_sourceLocation) {
        let clean = HTMLSanitizer.sanitize(c.input)
        #expect(clean == c.output, "\(c.input.debugDescription)", sourceLocation: sourceLocation)
        #expect(HTMLSanitizer.sanitize(clean) == clean, "not idempotent: \(clean.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        Case("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        Case("<SCRIPT type=\"text/javascript\">x()</SCRIPT>ok", "ok"),
        Case("<ScRiPt>x()</sCrIpT>ok", "ok"),
        Case("<script>if (a < b && c > d) { x('</p>') }</script>ok", "ok"),
        Case("<script>a</script >b", "b"),
        Case("<script>never closed <p>and everything after", ""),
        Case("<script><script>x</script>y</script>z", "yz"),  // the first </script> ends it, as in a browser
        Case("<script src=\"x.js\"/>after", "after"),
        Case("<style>p { color: red }</style><p>x</p>", "<p>x</p>"),
        Case("<STYLE media=\"all\">@import 'x.css';</STYLE>y", "y"),
        Case("<iframe src=\"https://evil.example\"></iframe>x", "x"),
        Case("<object data=\"x.swf\"><param name=\"a\"></object>x", "x"),
        Case("<svg><script>alert(1)</script><circle/></svg>x", "x"),
        Case("<math><mi>x</mi></math>y", "y"),
        Case("<template><img src=x onerror=alert(1)></template>z", "z"),
        Case("<noscript><p>t</p></noscript>z", "z"),
        Case("<textarea><script>x</script></textarea>z", "z"),
        Case("<select><option>o</option></select>z", "z"),
        Case("<title>t</title><head><meta charset=\"x\"></head>z", "z"),
        Case("</script></style>stray", "stray"),
    ])
    func scriptsAndStylesGoWithTheirContent(_ c: Case) { Self.check(c) }

    /// `embed` is a void element: it has no content and no end tag, so nothing after it may go.
    @Test func embedIsDroppedAloneWithoutItsFollowers() {
        Self.check(Case("<p>before<embed src=\"movie.swf\" type=\"application/x-shockwave-flash\">after</p>", "<p>beforeafter</p>"))
        Self.check(Case("<EMBED src=x>one<embed src=y />two</embed>", "onetwo"))
    }

    @Test(arguments: [
        Case("<p onclick=\"alert(1)\" class=\"x\" style=\"color:red\" id=\"i\">t</p>", "<p>t</p>"),
        Case("<img src=\"a.png\" onerror=\"alert(1)\" alt=\"A\">", "<img src=\"a.png\" alt=\"A\" />"),
        Case("<img src=x onerror=alert(1)//>", "<img src=\"x\" alt=\"\" />"),
        Case("<img/src=\"a.png\"/onerror=\"x\">", "<img src=\"a.png\" alt=\"\" />"),
        Case("<a href=\"/x\" onmouseover=alert(1)>t</a>", "<a href=\"/x\">t</a>"),
        Case("<a href=\"https://e.org\" title=\"t\" target=\"_blank\" rel=\"noopener\" ONCLICK=\"x\">x</a>",
             "<a href=\"https://e.org\" title=\"t\">x</a>"),
        Case("<b onmouseover='x' data-x=\"1\">b</b><em style=\"x\">e</em>", "<b>b</b><em>e</em>"),
        Case("<body onload=\"alert(1)\"><p>x</p></body>", "<p>x</p>"),
        Case("<div onclick=\"x\">kept text</div>", "kept text"),
        Case("<form action=\"https://evil\"><input value=\"v\"><button>go</button></form>", "go"),
    ])
    func eventHandlersAndOtherAttributesAreDropped(_ c: Case) { Self.check(c) }

    @Test(arguments: [
        Case("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"  javascript:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"java\tscript:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"java\nscript:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"\u{1}javascript:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"java&#x09;script:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"&#106;avascript:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"&#X6a;AVASCRIPT&#58;alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"javas&#99;ript:alert(1)\">x</a>", "<a>x</a>"),
        Case("<a href=javascript:alert(1)>x</a>", "<a>x</a>"),
        Case("<a href='javascript:alert(1)'>x</a>", "<a>x</a>"),
        Case("<a href=\"vbscript:msgbox(1)\">x</a>", "<a>x</a>"),
        Case("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", "<a>x</a>"),
        Case("<a href=\"DaTa:text/html,x\">x</a>", "<a>x</a>"),
        Case("<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">", "<img alt=\"\" />"),
        Case("<img src=\"&#100;ata:image/png;base64,AAAA\">", "<img alt=\"\" />"),
        Case("<img src=\"mailto:a@b.example\">", "<img alt=\"\" />"),
        Case("<a href=\"file:///etc/passwd\">x</a>", "<a>x</a>"),
        // The first href decides, as in a browser.
        Case("<a href=\"javascript:x\" href=\"https://ok.example\">x</a>", "<a>x</a>"),
        Case("<a href=\"https://ok.example\" href=\"javascript:x\">x</a>", "<a href=\"https://ok.example\">x</a>"),
        // Not decoded by the sanitizer, so written back escaped: the browser reads them literally
        // (one decoding), a relative URL without a scheme.
        Case("<a href=\"javascript&colon;alert(1)\">x</a>", "<a href=\"javascript&amp;colon;alert(1)\">x</a>"),
        Case("<a href=\"javascript&#58alert(1)\">x</a>", "<a href=\"javascript&amp;#58alert(1)\">x</a>"),
    ])
    func unsafeURLsAreRemoved(_ c: Case) { Self.check(c) }

    @Test(arguments: [
        Case("<a href=\"https://e.org/a?b=1&amp;c=2#d\">x</a>", "<a href=\"https://e.org/a?b=1&amp;c=2#d\">x</a>"),
        Case("<a href=\"HTTP://E.ORG\">x</a>", "<a href=\"HTTP://E.ORG\">x</a>"),
        Case("<a href=\"mailto:a@b.example\">m</a>", "<a href=\"mailto:a@b.example\">m</a>"),
        Case("<a href=\"/path?next=javascript:x\">x</a>", "<a href=\"/path?next=javascript:x\">x</a>"),
        Case("<a href=\"#top\">x</a>", "<a href=\"#top\">x</a>"),
        Case("<a href=\"page.html\">x</a>", "<a href=\"page.html\">x</a>"),
        Case("<a href=\"//cdn.example/x\">x</a>", "<a href=\"//cdn.example/x\">x</a>"),
        Case("<img src=\"https://e.org/i.png\" alt='a \"b\" <c> & d'>",
             "<img src=\"https://e.org/i.png\" alt=\"a &quot;b&quot; &lt;c&gt; &amp; d\" />"),
        Case("<a title='say \"hi\"' href=x>x</a>", "<a href=\"x\" title=\"say &quot;hi&quot;\">x</a>"),
    ])
    func safeURLsAreKeptAndEscaped(_ c: Case) { Self.check(c) }

    @Test(arguments: [
        Case("<b><i>x</b>y</i>", "<b><i>x</i></b>y"),
        Case("<p>open", "<p>open</p>"),
        Case("<p><b><em>deep", "<p><b><em>deep</em></b></p>"),
        Case("</p>stray</b>", "stray"),
        Case("<div><p>x</div>y", "<p>xy</p>"),
        Case("<ul><li>a</li><li>b</ul>", "<ul><li>a</li><li>b</li></ul>"),
        Case("<a href=\"x\"<script>alert(1)</script>", "<a href=\"x\">alert(1)</a>"),
        Case("text <b", "text &lt;b"),
        Case("<a href=\"x>text", "&lt;a href=&quot;x&gt;text"),
        Case("<p>1 < 2 and 3 > 2</p>", "<p>1 &lt; 2 and 3 &gt; 2</p>"),
        Case("<<b>>", "&lt;<b>&gt;</b>"),
        Case("<br><br/><hr></br>", "<br /><br /><hr />"),
        Case("<img src=\"a.png\"></img>", "<img src=\"a.png\" alt=\"\" />"),
        Case("<p/>x", "<p>x</p>"),
        Case("<?php echo 1; ?>", "&lt;?php echo 1; ?&gt;"),
        Case("< p>x", "&lt; p&gt;x"),
    ])
    func nestedAndUnclosedTagsAreBalanced(_ c: Case) { Self.check(c) }

    @Test(arguments: [
        Case("a<!-- comment -->b", "ab"),
        Case("a<!-- <script>alert(1)</script> -->b", "ab"),
        Case("a<!---->b", "ab"),
        Case("a<!--unterminated <script>x</script> <p>rest", "a"),
        Case("a<!--[if IE]><script>alert(1)</script><![endif]-->b", "ab"),
        Case("<!DOCTYPE html><p>x</p>", "<p>x</p>"),
        Case("a<!-- -- -> --!> -->b", "ab"),
    ])
    func commentsAreRemoved(_ c: Case) { Self.check(c) }

    @Test func allowedTagsAreKept() {
        let html = "<h1>1</h1><h2>2</h2><h3>3</h3><h4>4</h4><h5>5</h5><h6>6</h6><p><em>e</em> <strong>s</strong> <b>b</b> "
            + "<i>i</i> <u>u</u> <s>s</s> <code>c</code> <sup>1</sup><sub>2</sub></p><pre>p</pre><blockquote>q</blockquote>"
            + "<ul><li>a</li></ul><ol start=\"3\"><li>b</li></ol><figure><img src=\"/i.png\" alt=\"I\" /><figcaption>c</figcaption>"
            + "</figure><hr /><br /><a href=\"https://e.org\" title=\"t\">l</a>"
        Self.check(Case(html, html))
        Self.check(Case("<P>x</P><B>b</b><H2 class=\"c\">h</h2>", "<p>x</p><b>b</b><h2>h</h2>"))
        Self.check(Case("<ol start=\"-1\"><li>x</li></ol><ol start=\"x\"></ol><ol start=\"05\"></ol>",
                        "<ol><li>x</li></ol><ol></ol><ol start=\"5\"></ol>"))
    }

    @Test func textIsEscapedAndEntitiesKept() {
        Self.check(Case("a > b \"c\" 'd'", "a &gt; b &quot;c&quot; &#39;d&#39;"))
        Self.check(Case("&amp; &lt; &#169; &#xA9; &copy; &unknown; & ;", "&amp; &lt; &#169; &#xA9; &copy; &unknown; &amp; ;"))
        Self.check(Case("a\u{0}b<p\u{0}>c", "ab<p>c</p>"))
        Self.check(Case("ağdam ☕ — “q”", "ağdam ☕ — “q”"))
    }

    static let allowedTags: Set<String> = [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img", "sup", "sub", "figure", "figcaption",
    ]
    static let allowedAttributes: [String: Set<String>] = ["a": ["href", "title"], "img": ["src", "alt"], "ol": ["start"]]

    /// Problems with the tags of sanitized output, which writes each tag as `<name a="v" …>` or
    /// `</name>` and escapes every other `<`: a tag or attribute off the allow-list, or an unsafe URL.
    static func problems(_ html: String) -> [String] {
        var out: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { out.append("unclosed tag"); break }
            var tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasSuffix(" /") { tag = tag.dropLast(2) }
            if tag.hasPrefix("/") {
                if !allowedTags.contains(String(tag.dropFirst())) { out.append("end tag <\(tag)>") }
                continue
            }
            let name = String(tag.prefix { $0 != " " })
            guard allowedTags.contains(name) else { out.append("tag <\(tag)>"); continue }
            var attributes = tag.dropFirst(name.count)
            while !attributes.isEmpty {
                guard attributes.hasPrefix(" "), let eq = attributes.firstIndex(of: "="),
                      attributes[attributes.index(after: eq)...].hasPrefix("\""),
                      let end = attributes[attributes.index(eq, offsetBy: 2)...].firstIndex(of: "\"") else {
                    out.append("malformed attributes in <\(tag)>"); break
                }
                let attribute = String(attributes[attributes.index(after: attributes.startIndex)..<eq])
                let value = HTMLEscape.decode(attributes[attributes.index(eq, offsetBy: 2)..<end])
                if allowedAttributes[name]?.contains(attribute) != true { out.append("attribute \(attribute) in <\(tag)>") }
                let bare = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })).lowercased()
                if attribute == "href" || attribute == "src",
                   !SafeURL.isSafe(value) || ["javascript:", "data:", "vbscript:"].contains(where: bare.hasPrefix) {
                    out.append("unsafe URL \(value.debugDescription)")
                }
                attributes = attributes[attributes.index(after: end)...]
            }
        }
        if html.contains("\u{0}") { out.append("NUL") }
        return out
    }

    @Test func theCheckerSeesProblems() {
        #expect(Self.problems("<p>x</p><a href=\"https://e.org\" title=\"t\">y</a><img src=\"/i\" alt=\"\" /> &lt;script&gt;").isEmpty)
        #expect(!Self.problems("<script>").isEmpty)
        #expect(!Self.problems("<p onclick=\"x\">").isEmpty)
        #expect(!Self.problems("<a href=\"java&#115;cript:x\">").isEmpty)
        #expect(!Self.problems("<img src=\"data:x\" alt=\"\" />").isEmpty)
    }

    /// Random mixtures of hostile fragments: whatever the order, the output's tags are all on
    /// the allow-list with allowed attributes and safe URLs, and sanitizing it again changes
    /// nothing. (Hostile text may remain, escaped: it is text.)
    @Test func hostileMixturesStaySafe() {
        let fragments = [
            "<script>alert(1)</script>", "<SCRIPT>", "</script>", "<style>", "<p onclick=x>", "<a href=\"javascript:x\">",
            "<a href=\"&#106;avascript:x\">", "<img src=x onerror=alert(1)>", "<iframe>", "<!--", "-->", "<b>", "</b>", "<", ">",
            "\"", "'", "&", "&#x3A;", "<a href=\"https://ok.example\">", "</a>", "text", " ", "<svg onload=x>", "</svg>",
            "<p", "=", "<img src=\"data:x\">", "<![CDATA[", "]]>", "<embed>", "<ol start=2>", "</ol>", "\u{0}", "<a href=",
            "java", "script:", "&#58;", "<img src='", "' onerror='x'>", "<A HREF=\"JAVASCRIPT:x\">", "\t", "\n",
        ]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        for _ in 0..<1000 {
            let input = (0..<(1 + next() % 14)).map { _ in fragments[next() % fragments.count] }.joined()
            let clean = HTMLSanitizer.sanitize(input)
            let problems = Self.problems(clean)
            #expect(problems.isEmpty, "\(input.debugDescription) → \(clean.debugDescription): \(problems)")
            #expect(HTMLSanitizer.sanitize(clean) == clean, "\(input.debugDescription) → \(clean.debugDescription)")
        }
    }
}
