#!/usr/bin/env python3
"""Differential check of Folio's HTML sanitizer against ammonia (PyPI nh3), on the same allow-list.

Reads JSON lines {"input": …, "ours": …} (ours: what Folio made of input) and prints one JSON
summary. The requirement: ammonia, given Folio's output and Folio's allow-list, finds nothing to
remove: canon(ours) == canon(ammonia(ours)), where canon parses and re-serialises with html5ever
(ammonia with a permissive configuration), so both sides are compared as the same kind of tree.
Any case that fails is listed in "unsafe". Reported, not required: how often Folio's output
equals ammonia's own cleaning of the input ("agree"): the two tokenise differently (ammonia builds
an HTML5 tree, Folio filters tokens), so mis-nested input is repaired differently.

usage: sanitizer-differential.py < cases.jsonl
"""
import json
import re
import sys

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "sup", "sub", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "input", "section",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label", "data-footnote-ref", "data-footnote-backref"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "li": {"id"},
    "section": {"data-footnotes"},
    "th": {"align"},
    "td": {"align"},
    "input": {"type", "checked", "disabled"},
    "code": {"class"},
}
ALLOWED_CLASSES = {"a": {"footnote-backref"}, "sup": {"footnote-ref"}, "section": {"footnotes"}}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "template", "noscript", "textarea", "title", "svg",
                     "math", "head", "select"}

# Parse-and-serialise only: every tag and attribute an attack could use is kept, so a difference
# between canon(ours) and canon(ammonia(ours)) is something ammonia removed.
EVERYTHING_TAGS = ALLOWED_TAGS | {
    "div", "span", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link", "frame", "frameset",
    "applet", "video", "audio", "source", "button", "textarea", "select", "option", "marquee", "body", "html",
    "details", "summary", "dialog", "template", "noscript", "xmp", "plaintext", "listing", "keygen", "isindex",
    "image", "animate", "set", "use", "foreignobject", "x", "bgsound", "layer", "ilayer", "xss", "label", "area", "map",
    "font", "center", "big", "small", "tt", "abbr", "q", "cite", "dfn", "kbd", "samp", "var", "mark", "ins", "caption",
    "col", "colgroup", "tfoot", "dl", "dt", "dd", "nav", "article", "aside", "header", "footer", "main", "picture",
    "canvas", "output", "progress", "meter", "time", "wbr", "ruby", "rt", "rp", "bdi", "bdo", "data", "slot",
}
EVENT_HANDLERS = {"on" + e for e in (
    "abort blur change click contextmenu copy cut dblclick drag dragend dragenter dragleave dragover dragstart "
    "drop error focus focusin focusout formchange forminput hashchange input invalid keydown keypress keyup load "
    "message mousedown mouseenter mouseleave mousemove mouseout mouseover mouseup mousewheel offline online "
    "pagehide pageshow paste pointerdown pointerup popstate progress readystatechange reset resize scroll search "
    "select show start storage submit toggle unload wheel begin end animationstart animationend transitionend "
    "beforeprint afterprint beforeunload"
).split()}
EVERYTHING_ATTRIBUTES = {"*": {
    "href", "src", "title", "alt", "id", "class", "style", "start", "align", "type", "checked", "disabled", "name",
    "value", "action", "formaction", "background", "dynsrc", "lowsrc", "data", "codebase", "xlink:href", "srcdoc",
    "srcset", "poster", "content", "http-equiv", "rel", "target", "width", "height", "aria-label", "data-footnote-ref",
    "data-footnote-backref", "data-footnotes", "lang", "dir", "for", "form", "autofocus", "open", "by", "to", "from",
    "values", "attributename", "xmlns", "ping", "download", "contenteditable", "sandbox", "allow",
} | EVENT_HANDLERS}
EVERY_SCHEME = {"http", "https", "mailto", "javascript", "vbscript", "data", "livescript", "file", "ftp", "jar",
                "feed", "about", "blob", "filesystem", "ws", "wss", "tel", "view-source"}


FOOTNOTE_ID = re.compile(r"fn(ref)?-[A-Za-z0-9_-]{1,64}")
LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,55}")


def value_rules(tag, attribute, value):
    """The allow-list's rules on values, as Folio applies them (ids and code classes by form,
    alignment by word, inputs only as checkboxes)."""
    if attribute == "id":
        return value if FOOTNOTE_ID.fullmatch(value) else None
    if tag == "code" and attribute == "class":
        return value if LANGUAGE_CLASS.fullmatch(value) else None
    if attribute == "align":
        return value if value in ("left", "center", "right") else None
    if tag == "input" and attribute == "type":
        return value if value.lower() == "checkbox" else None
    return value


def strict(html):
    return nh3.clean(html, tags=ALLOWED_TAGS, clean_content_tags=DROP_WITH_CONTENT,
                     attributes=ALLOWED_ATTRIBUTES, allowed_classes=ALLOWED_CLASSES, attribute_filter=value_rules,
                     url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True)


def canon(html):
    return nh3.clean(html, tags=EVERYTHING_TAGS, clean_content_tags=set(), attributes=EVERYTHING_ATTRIBUTES,
                     url_schemes=EVERY_SCHEME, link_rel=None, strip_comments=False)


def main():
    cases = agree = 0
    unsafe = []
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        cases += 1
        ours = case["ours"]
        c = canon(ours)
        if c != canon(strict(ours)):
            unsafe.append({"input": case["input"], "ours": ours, "ammonia_of_ours": strict(ours)})
        if c == canon(strict(case["input"])):
            agree += 1
    print(json.dumps({"cases": cases, "agree": agree, "unsafe": unsafe[:20], "unsafe_count": len(unsafe)}))


if __name__ == "__main__":
    main()
