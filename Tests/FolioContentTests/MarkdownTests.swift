import Testing
@testable import FolioContent

@Suite struct MarkdownTests {
    func html(_ md: String) -> String { Markdown.html(from: md) }

    @Test func paragraphsAndHeadings() {
        #expect(html("Hello\nworld\n\nSecond") == "<p>Hello\nworld</p>\n<p>Second</p>\n")
        #expect(html("# One\n## Two ##\n###### Six") == "<h1>One</h1>\n<h2>Two</h2>\n<h6>Six</h6>\n")
        #expect(html("#NoSpace") == "<p>#NoSpace</p>\n")
        #expect(html("a\n\n---\n\nb") == "<p>a</p>\n<hr />\n<p>b</p>\n")
    }

    @Test func emphasis() {
        #expect(html("*em* and **strong** and ***both***") == "<p><em>em</em> and <strong>strong</strong> and <em><strong>both</strong></em></p>\n")
        #expect(html("_em_ __strong__") == "<p><em>em</em> <strong>strong</strong></p>\n")
        #expect(html("snake_case_word") == "<p>snake_case_word</p>\n")
        #expect(html("2 * 3 * 4") == "<p>2 * 3 * 4</p>\n")
        #expect(html("**unclosed") == "<p>**unclosed</p>\n")
    }

    @Test func code() {
        #expect(html("use `a <b>` here") == "<p>use <code>a &lt;b&gt;</code> here</p>\n")
        #expect(html("``a ` b``") == "<p><code>a ` b</code></p>\n")
        #expect(html("```swift\nlet x = \"<y>\"\n```") == "<pre><code class=\"language-swift\">let x = &quot;&lt;y&gt;&quot;\n</code></pre>\n")
        #expect(html("    indented\n    code") == "<pre><code>indented\ncode\n</code></pre>\n")
    }

    @Test func links() {
        #expect(html("[site](https://example.org \"Title\")") == "<p><a href=\"https://example.org\" title=\"Title\">site</a></p>\n")
        #expect(html("[rel](/about)") == "<p><a href=\"/about\">rel</a></p>\n")
        #expect(html("[*x*](http://a.b/c?d=1&e=2)") == "<p><a href=\"http://a.b/c?d=1&amp;e=2\"><em>x</em></a></p>\n")
        #expect(html("<https://example.org/a>") == "<p><a href=\"https://example.org/a\">https://example.org/a</a></p>\n")
        #expect(html("<me@example.org>") == "<p><a href=\"mailto:me@example.org\">me@example.org</a></p>\n")
        #expect(html("[not a link] (x)") == "<p>[not a link] (x)</p>\n")
        #expect(html("![alt *text*](/i.png)") == "<p><img src=\"/i.png\" alt=\"alt text\" /></p>\n")
    }

    /// A link or image to an unsafe scheme keeps its text (or alt) and loses its target.
    @Test func dangerousLinksAreDropped() {
        #expect(html("[click](javascript:alert(1))") == "<p><a>click</a></p>\n")
        #expect(html("[click](JaVaScRiPt:alert(1))") == "<p><a>click</a></p>\n")
        #expect(html("[click](java\\\tscript:alert(1))").contains("href") == false)
        #expect(html("[x](data:text/html;base64,AAAA)") == "<p><a>x</a></p>\n")
        #expect(html("<javascript:alert(1)>") == "<p><a>javascript:alert(1)</a></p>\n")
        #expect(html("![x](javascript:alert(1))") == "<p><img alt=\"x\" /></p>\n")
        #expect(html("[x](&#106;avascript:alert(1))") == "<p><a>x</a></p>\n")
        #expect(HTMLSanitizer.sanitize("<a href=\"javascript:&#x301;alert(1)\">x</a>") == "<a>x</a>", "a combining mark after the colon")
    }

    /// Raw HTML in Markdown goes through the same allow-list as an `html` body.
    @Test func rawHTMLIsSanitised() {
        #expect(html("<script>alert('x')</script>") == "\n")
        #expect(html("<div onclick=\"x\">hi</div>") == "hi\n")
        #expect(html("a <b>bold</b> c") == "<p>a <b>bold</b> c</p>\n")
        #expect(html("a <img src=x onerror=alert(1)> b") == "<p>a <img src=\"x\" alt=\"\" /> b</p>\n")
        #expect(html("<a href=\"javascript:x\" style=\"color:red\">t</a>") == "<p><a>t</a></p>\n")
        #expect(html("AT&T &amp; &copy; &#169;") == "<p>AT&amp;T &amp; © ©</p>\n")
        #expect(html("\\*not em\\* \\<b>") == "<p>*not em* &lt;b&gt;</p>\n")
    }

    /// GitHub Flavored Markdown: tables with alignment, strikethrough, extended autolinks, task
    /// lists and footnotes, as cmark-gfm renders them, through the sanitizer unchanged.
    @Test func githubFlavouredMarkdown() {
        let table = html("| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | *b* | `c` |\n")
        #expect(table == """
            <table>
            <thead>
            <tr>
            <th align="left">Left</th>
            <th align="center">Centre</th>
            <th align="right">Right</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td align="left">a</td>
            <td align="center"><em>b</em></td>
            <td align="right"><code>c</code></td>
            </tr>
            </tbody>
            </table>

            """)
        #expect(html("~~gone~~ and ~one~") == "<p><del>gone</del> and <del>one</del></p>\n")
        #expect(html("see www.example.org and https://example.org/a.") ==
                "<p>see <a href=\"http://www.example.org\">www.example.org</a> and <a href=\"https://example.org/a\">https://example.org/a</a>.</p>\n")
        let tasks = html("- [x] done\n- [ ] to do")
        #expect(tasks.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" /> done"), "\(tasks)")
        #expect(tasks.contains("<input type=\"checkbox\" disabled=\"\" /> to do"), "\(tasks)")
        let notes = html("Claim.[^1]\n\n[^1]: The source.")
        #expect(notes.contains("<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref=\"\">1</a></sup>"), "\(notes)")
        #expect(notes.contains("<section class=\"footnotes\" data-footnotes=\"\">") && notes.contains("<li id=\"fn-1\">"), "\(notes)")
        #expect(notes.contains("class=\"footnote-backref\""), "\(notes)")
        // The sanitizer keeps GFM's markup as cmark-gfm writes it, and nothing else of the kind.
        #expect(HTMLSanitizer.sanitize(Markdown.render("| a |\n|---|\n| b |")) == html("| a |\n|---|\n| b |"))
        #expect(HTMLSanitizer.sanitize("<input type=\"text\" value=\"x\"><input type=checkbox onclick=x>") == "<input type=\"checkbox\" disabled=\"\" />")
        #expect(HTMLSanitizer.sanitize("<li id=\"login\" class=\"x\">a</li><code class=\"language-js x\">b</code>") == "<li>a</li><code>b</code>")
        #expect(HTMLSanitizer.sanitize("<table><tr><td align=\"justify\" style=\"x\">c</td></tr></table>") == "<table><tr><td>c</td></tr></table>")
        #expect(HTMLSanitizer.sanitize("<td>stray</td><tr>row</tr>") == "strayrow", "table parts outside a table are dropped, as a browser drops them")
    }

    @Test func lists() {
        #expect(html("- a\n- b\n- c") == "<ul>\n<li>a</li>\n<li>b</li>\n<li>c</li>\n</ul>\n")
        #expect(html("3. three\n4. four") == "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n")
        #expect(html("1. one\n\n2. two") == "<ol>\n<li>\n<p>one</p>\n</li>\n<li>\n<p>two</p>\n</li>\n</ol>\n")
        #expect(html("- a\n  - nested\n- b") == "<ul>\n<li>a\n<ul>\n<li>nested</li>\n</ul>\n</li>\n<li>b</li>\n</ul>\n")
        #expect(html("- a\ncontinued") == "<ul>\n<li>a\ncontinued</li>\n</ul>\n")
        #expect(html("para\n- item") == "<p>para</p>\n<ul>\n<li>item</li>\n</ul>\n")
    }

    @Test func blockquotesAndBreaks() {
        #expect(html("> quoted\n> more\n\nafter") == "<blockquote>\n<p>quoted\nmore</p>\n</blockquote>\n<p>after</p>\n")
        #expect(html("> # h\n> - x") == "<blockquote>\n<h1>h</h1>\n<ul>\n<li>x</li>\n</ul>\n</blockquote>\n")
        #expect(html("line one  \nline two") == "<p>line one<br />\nline two</p>\n")
        #expect(html("line one\\\nline two") == "<p>line one<br />\nline two</p>\n")
    }

    @Test func plainText() {
        let text = PlainText.from(html: html("# Title\n\nSome *text* &amp; more.\n\n- a\n- b"))
        #expect(text == "Title\n\nSome text & more.\n\na\n\nb")
        #expect(PlainText.from(html: "<p>a<br>b</p><script>x</script>") == "a\nb")
    }

    @Test func sanitizer() {
        let dirty = "<p onclick=\"x\">Hi <a href=\"javascript:alert(1)\">x</a> <a href=\"https://e.org\" target=_blank>y</a><script>bad()</script><iframe src=x></iframe><b>open"
        let clean = HTMLSanitizer.sanitize(dirty)
        #expect(clean == "<p>Hi <a>x</a> <a href=\"https://e.org\">y</a><b>open</b></p>")
        #expect(HTMLSanitizer.sanitize(clean) == clean)
        #expect(HTMLSanitizer.sanitize("1 < 2 & 3 > 2") == "1 &lt; 2 &amp; 3 &gt; 2")
        #expect(HTMLSanitizer.sanitize("<a href=\"jav&#x61;script:x\">z</a>") == "<a>z</a>")
    }

    @Test func generatorBodiesMatchTheRenderer() {
        let gen = CorpusGenerator(.init(articles: 20, seed: 42))
        let authors = gen.authors().map(\.slug), tags = gen.tags().map(\.slug)
        for i in 0..<20 {
            let r = gen.article(i, authorSlugs: authors, tagSlugs: tags)
            #expect(Markdown.html(from: r.body.markdown) == r.body.html)
            #expect(PlainText.from(html: r.body.html) == r.body.text)
            #expect(TextStats.wordCount(r.body.text) == r.article.wordCount)
            #expect((600...2500).contains(r.article.wordCount))
        }
        #expect(gen.article(3, authorSlugs: authors, tagSlugs: tags) == gen.article(3, authorSlugs: authors, tagSlugs: tags))
    }

    /// `bodyWords` (`folio generate --body-words`): every body has exactly that many words, still
    /// what the renderer makes of its Markdown; the other fields are those of the default corpus.
    @Test func generatorHonoursBodyWords() {
        let full = CorpusGenerator(.init(articles: 10, seed: 42))
        let authors = full.authors().map(\.slug), tags = full.tags().map(\.slug)
        for words in [1, 7, 61, 300] {
            let short = CorpusGenerator(.init(articles: 10, seed: 42, bodyWords: words))
            for i in 0..<10 {
                let r = short.article(i, authorSlugs: authors, tagSlugs: tags)
                let f = full.article(i, authorSlugs: authors, tagSlugs: tags)
                #expect(r.article.wordCount == words && TextStats.wordCount(r.body.text) == words, "\(words) words, article \(i)")
                #expect(Markdown.html(from: r.body.markdown) == r.body.html)
                #expect(PlainText.from(html: r.body.html) == r.body.text)
                #expect(r.article.slug == f.article.slug && r.article.authors == f.article.authors && r.article.tags == f.article.tags)
            }
        }
    }
}
