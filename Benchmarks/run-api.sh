#!/usr/bin/env bash
# Read-API benchmark on a generated corpus (issue 4): server on CPU 0, wrk on CPU 1.
# Usage: Benchmarks/run-api.sh [ARTICLES=10000] [SECONDS=10]
source "$(dirname "$0")/scripts/lib.sh"
ARTICLES=${1:-10000}
SECS=${2:-10}
DB=${DB:-/tmp/folio-bench-$ARTICLES.sqlite}
PORT=${PORT:-18080}
if [ ! -f "$DB" ]; then "$FOLIO" generate --articles "$ARTICLES" --seed 42 --database "$DB"; fi
start_folio "$DB" "$PORT"
echo "startup until /readyz: ${STARTUP_MS} ms, RSS after start: $(rss_mb $FOLIO_PID) MB"
base=http://127.0.0.1:$PORT
slug=$(curl -s "$base/api/v1/articles?page=50&per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
author=$(curl -s "$base/api/v1/authors?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
tag=$(curl -s "$base/api/v1/tags" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
# warm-up
taskset -c 1 wrk -t1 -c16 -d2s "$base/api/v1/articles/$slug" > /dev/null
taskset -c 1 wrk -t1 -c16 -d3s -s "$(dirname "$0")/scripts/rotate-search.lua" "$base" > /dev/null
table_header
bench "GET /api/v1/articles/{slug}" "$base/api/v1/articles/$slug" 64 "$SECS"
bench "GET /api/v1/articles/{slug} gzip" "$base/api/v1/articles/$slug" 64 "$SECS" -H "Accept-Encoding: gzip"
bench "GET /api/v1/articles?page=3" "$base/api/v1/articles?page=3" 64 "$SECS"
bench "GET /api/v1/articles?tag=X&author=Y" "$base/api/v1/articles?tag=$tag&author=$author" 64 "$SECS"
bench "GET /api/v1/search?q= (rotating)" "$base" 16 "$SECS" -s "$(dirname "$0")/scripts/rotate-search.lua"
bench "GET /api/v1/articles/{slug} (1000 conns)" "$base/api/v1/articles/$slug" 1000 "$SECS"
echo "RSS at end: $(rss_mb $FOLIO_PID) MB"
stop_folio
