"""Reading Folio's stored bodies from Python (schema 10 and later): `register(connection)` adds
the SQL functions folio_body_html(served), folio_body_text(served) and folio_markdown(markdown)
to a sqlite3 connection, decoding the forms ServedBody and StoredMarkdown describe
(Sources/FolioContent/Store/): a 29-byte header, then the escaped JSON members
`"html":"…","text":"…"` as raw DEFLATE (format 1) or as they are (format 0); the Markdown as a
5-byte header and raw DEFLATE.
"""
import json, zlib


def members(served):
    payload = served[29:]
    raw = zlib.decompress(payload, -15) if served[0] == 1 else payload
    return json.loads(b"{" + raw + b"}")


def markdown(stored):
    if stored is None:
        return None
    return zlib.decompress(stored[5:], -15).decode("utf-8")


def register(connection):
    connection.create_function("folio_body_html", 1, lambda b: members(b)["html"], deterministic=True)
    connection.create_function("folio_body_text", 1, lambda b: members(b)["text"], deterministic=True)
    connection.create_function("folio_markdown", 1, markdown, deterministic=True)
