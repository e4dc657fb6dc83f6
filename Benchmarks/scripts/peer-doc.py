#!/usr/bin/env python3
"""Builds the document the framework peers load: Folio's own export (`folio export`) extended with
what the export leaves to the server, so every peer serves exactly Folio's content:
  html, text, word_count, reading_time_minutes  (from Folio's store, as Folio renders them)
  published_epoch                                (for the keyset cursor in meta.pagination)
  related                                        (slugs of Folio's related feed, limit 5, read from
                                                  a running Folio: GET /api/v1/articles/{slug}/related)
body_markdown is dropped (the peers do not render Markdown).
Usage: peer-doc.py EXPORT.json DATABASE.sqlite FOLIO_BASE_URL OUT.json
"""
import http.client, json, os, sqlite3, sys, urllib.parse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import folio_store

export_path, db_path, base, out_path = sys.argv[1:5]
doc = json.load(open(export_path, encoding="utf-8"))
db = sqlite3.connect(db_path)
folio_store.register(db)
rows = {r[0]: r[1:] for r in db.execute(
    "SELECT a.slug, a.published_at, a.reading_time, a.word_count, folio_body_html(b.served), folio_body_text(b.served) "
    "FROM articles a JOIN article_bodies b ON b.article_id = a.id")}
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
for a in doc["articles"]:
    epoch, reading, words, html, text = rows[a["slug"]]
    a.pop("body_markdown", None)
    a.update(published_epoch=epoch, reading_time_minutes=reading, word_count=words, html=html, text=text)
    conn.request("GET", f"/api/v1/articles/{a['slug']}/related?limit=5")
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"related for {a['slug']}: HTTP {r.status}")
    a["related"] = [x["slug"] for x in json.loads(body)["data"]]
    a.setdefault("canonical_url", None)
with open(out_path, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False)
print(f"peer document: {len(doc['articles'])} articles -> {out_path}")
