#!/usr/bin/env python3
"""The long-tail peer document (issue 15): every article of a running Folio, as Folio serves it,
in the peer document's shape (Sources/PeerModel), one JSON text per line so that a 100,000-article
corpus (about 2 GB) is decoded line by line: the first line {"authors":[…],"tags":[…]}, then one
article per line with html, text and the slugs of its related feed (Folio's own, limit 5).
Usage: peer-doc-api.py FOLIO_BASE_URL SLUGS_FILE OUT.jsonl
"""
import datetime, http.client, json, sys, time, urllib.parse

base, slugs_path, out_path = sys.argv[1:4]
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port)


def get(path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status}")
    return json.loads(body)


def every(path):
    items, page = [], 1
    while True:
        d = get(f"{path}{'&' if '?' in path else '?'}per_page=100&page={page}")
        items += d["data"]
        if not d.get("meta", {}).get("pagination", {}).get("next"):
            return items
        page += 1


authors = [{"slug": a["slug"], "name": a["name"]} for a in every("/api/v1/authors")]
tags = [{"slug": t["slug"], "name": t["name"]} for t in get("/api/v1/tags")["data"]]
slugs = [l.strip() for l in open(slugs_path) if l.strip()]
started = time.time()
with open(out_path, "w", encoding="utf-8") as out:
    out.write(json.dumps({"authors": authors, "tags": tags}, ensure_ascii=False) + "\n")
    for n, slug in enumerate(slugs, 1):
        a = get(f"/api/v1/articles/{urllib.parse.quote(slug)}")["data"]
        epoch = int(datetime.datetime.fromisoformat(a["published_at"].replace("Z", "+00:00")).timestamp())
        line = {k: a[k] for k in ("id", "slug", "title", "excerpt", "published_at", "updated_at", "reading_time_minutes",
                                   "word_count", "language", "canonical_url", "html", "text")}
        line.update(published_epoch=epoch, authors=[x["slug"] for x in a["authors"]], tags=[x["slug"] for x in a["tags"]],
                    related=[x["slug"] for x in a["related"]])
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        if n % 10000 == 0:
            print(f"  {n} articles ({time.time() - started:.0f} s)", file=sys.stderr)
print(f"peer document: {len(slugs)} articles -> {out_path}", file=sys.stderr)
