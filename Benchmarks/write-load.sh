#!/usr/bin/env bash
# Writes on a 100,000-article store (issue 13): server on CPU 0, load on CPU 1, release build.
#  1. write latency (10 creates/s on one connection) while 64 connections read (Zipf slugs);
#  2. sustained writes/s with 16 writing connections;
#  3. reads/s during 100 writes/s (16 connections), against reads/s without writes.
# Each phase DURATION seconds (default 20).
#   Benchmarks/write-load.sh            (needs the corpus: folio generate --articles 100000)
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-20}
PORT=${PORT:-18192}
WORK=${WORK:-/tmp/folio-zipf}
mkdir -p "$WORK"
[ -x "$FOLIO" ] || (cd "$ROOT" && swift build -c release --product folio)
DB=$WORK/corpus-$ARTICLES.sqlite
[ -f "$DB" ] || "$FOLIO" generate --articles "$ARTICLES" --seed 7 --database "$DB"
[ -f "$WORK/slugs.txt" ] || python3 -c "import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('select slug from articles order by id')]" "$DB" > "$WORK/slugs.txt"
TOKEN=$("$FOLIO" token create --name "load-$RANDOM$RANDOM" --scope content:write --database "$DB" 2>/dev/null)

# Started in $WORK (start_folio in scripts/lib.sh: CPU 0, one loop), so the repository's
# Config/folio.json is not read: every setting is its default.
trap stop_folio EXIT
pushd "$WORK" > /dev/null && start_folio "$DB" "$PORT" && popd > /dev/null
AUTHOR=$(curl -s "http://127.0.0.1:$PORT/api/v1/authors?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
W="taskset -c 1 python3 $(dirname "$0")/scripts/write-load.py $PORT $TOKEN $AUTHOR"
reads() { SLUGS=$WORK/slugs.txt taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" -s "$(dirname "$0")/scripts/zipf.lua" "http://127.0.0.1:$PORT" | awk '/Requests\/sec/ {print $2}'; }

echo "## write-load: $ARTICLES articles, ${DURATION}s phases ($(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD))"
SLUGS=$WORK/slugs.txt taskset -c 1 wrk -t1 -c64 -d10s -s "$(dirname "$0")/scripts/zipf.lua" "http://127.0.0.1:$PORT" > /dev/null  # warm-up
$W latency "$DURATION" 10 > "$WORK/latency.json" &
WRITER=$!
R_DURING_LAT=$(reads)
wait $WRITER
echo "write latency, 10 creates/s while 64 connections read: $(cat "$WORK/latency.json") (reads meanwhile: $R_DURING_LAT req/s)"
echo "sustained writes, 16 connections: $($W sustained "$DURATION" 16)"
R_ONLY=$(reads)
$W latency "$DURATION" 100 16 > "$WORK/w100.json" &
WRITER=$!
R_WITH=$(reads)
wait $WRITER
echo "reads without writes: $R_ONLY req/s; during 100 writes/s: $R_WITH req/s ($(python3 -c "print(f'{$R_WITH/$R_ONLY:.0%}')")); the writes: $(cat "$WORK/w100.json")"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E "^folio_response_cache_(hits|misses|invalidations|evictions)_total"
