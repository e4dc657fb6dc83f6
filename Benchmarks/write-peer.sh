#!/usr/bin/env bash
# The Hummingbird peer's write route under the same writers as Benchmarks/write-load.sh (issue 13):
# its store is filled from the same 100,000-article corpus (article rows and bodies, then the FTS5
# index rebuilt), the peer runs on CPU 0 with one NIO event loop, the writers (wrk and Python) on CPU 1.
# Prints: 10 creates/s on one connection; sustained writes with 16 connections (and server CPU per
# write); 100 creates/s over 4 connections.
#   Benchmarks/write-peer.sh           (needs the corpus of write-load.sh; DURATION=20 per phase)
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
DURATION=${DURATION:-20}
PORT=${PORT:-18300}
WORK=${WORK:-/tmp/folio-zipf}
DB=$WORK/corpus-100000.sqlite
# The peer's store is built once from the corpus (PEER_TEMPLATE) and copied per run, as write-load.sh
# copies Folio's: every write creates an article, and a grown store is slower.
PEER_TEMPLATE=$WORK/peer-template.sqlite
PEER_DB=$WORK/peer-writes.sqlite
PEERBIN=$ROOT/Benchmarks/.build/release/PeerHummingbird
[ -x "$PEERBIN" ] || (cd "$ROOT/Benchmarks" && swift build -c release --product PeerHummingbird)
if [ ! -f "$PEER_TEMPLATE" ]; then
  python3 - "$DB" "$PEER_TEMPLATE" "$(dirname "$0")/scripts" <<'PY'
import sqlite3, sys
sys.path.insert(0, sys.argv[3])
import folio_store
c = sqlite3.connect(sys.argv[2])
folio_store.register(c)
c.executescript("""
PRAGMA journal_mode=WAL;
CREATE TABLE articles (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
    excerpt TEXT NOT NULL, published_at TEXT NOT NULL, authors TEXT NOT NULL, tags TEXT NOT NULL, body TEXT NOT NULL);
CREATE VIRTUAL TABLE article_search USING fts5(title, excerpt, body, content = 'articles',
    content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3');
CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity_id INTEGER NOT NULL,
    slug TEXT NOT NULL, op TEXT NOT NULL, at INTEGER NOT NULL);
""")
c.execute("ATTACH ? AS f", (sys.argv[1],))
c.executescript("""
INSERT INTO articles SELECT a.id, a.slug, a.title, a.excerpt, a.published_at, '[]', '[]', coalesce(folio_markdown(b.markdown), folio_body_text(b.served))
  FROM f.articles a JOIN f.article_bodies b ON b.article_id = a.id WHERE a.slug NOT LIKE 'load-%';
INSERT INTO article_search(article_search) VALUES('rebuild');
""")
c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
PY
fi
rm -f "$PEER_DB" "$PEER_DB-wal" "$PEER_DB-shm"
cp "$PEER_TEMPLATE" "$PEER_DB"
echo '{"authors":[],"tags":[],"articles":[]}' > "$WORK/empty-doc.json"
PEER_SQLITE=$PEER_DB PEER_TOKEN=peer-bench taskset -c 0 "$PEERBIN" "$WORK/empty-doc.json" "$PORT" > "$WORK/peer.log" 2>&1 &
PEER_PID=$!
trap 'kill $PEER_PID 2>/dev/null || true; rm -f "$PEER_DB" "$PEER_DB-wal" "$PEER_DB-shm"' EXIT
for _ in $(seq 1 500); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.01; done
echo "## write-peer (Hummingbird): $(sqlite3 "$PEER_DB" 'select count(*) from articles' 2>/dev/null || echo '~100000') articles, ${DURATION}s phases ($(date -u +%FT%TZ))"
write_phases "$PEER_PID" "$PORT" peer-bench energy "$DURATION"
