#!/usr/bin/env bash
# The long tail (issue 15): uniform random slug reads over every article of a generated corpus,
# without and with Accept-Encoding: gzip, and random filtered lists (author x tag x page 1-3);
# one markdown table row each, with the server's CPU per request. Release build, server on CPU 0
# with one loop, wrk -c64 on CPU 1. A repeated (cached) slug read is the last row, for reference.
#
#   Benchmarks/long-tail.sh                       # 100,000 articles, 20 s per scenario
#   FOLIO=/path/to/other/folio Benchmarks/long-tail.sh    # the same against another build
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-20}
PORT=${PORT:-18192}
WORK=${WORK:-/tmp/folio-zipf}
mkdir -p "$WORK"
[ -x "$FOLIO" ] || (cd "$ROOT" && swift build -c release --product folio)
RUN_DB=$WORK/long-tail-run.sqlite
long_tail_corpus "$RUN_DB"

trap 'stop_folio; rm -f "$RUN_DB" "$RUN_DB"-wal "$RUN_DB"-shm' EXIT
pushd "$WORK" > /dev/null && start_folio "$RUN_DB" "$PORT" && popd > /dev/null
echo "start-up (including any migration of the copy): ${STARTUP_MS} ms; $(git -C "$ROOT" rev-parse --short HEAD); $(date -u +%FT%TZ)"
S=$(dirname "$0")/scripts
echo "| scenario | conns | req/s | p50 | p99 | server CPU µs/req | non-2xx | RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
export SLUGS=$WORK/slugs.txt AUTHORS=$WORK/authors.txt TAGS=$WORK/tags.txt ZIPF_S=0
bench "uniform random slugs" "http://127.0.0.1:$PORT" 64 "$DURATION" -s "$S/zipf.lua"
bench "uniform random slugs, gzip" "http://127.0.0.1:$PORT" 64 "$DURATION" -s "$S/zipf.lua" -H "Accept-Encoding: gzip"
bench "random filtered lists" "http://127.0.0.1:$PORT" 64 "$DURATION" -s "$S/filtered-lists.lua"
bench "repeated slug (cached)" "http://127.0.0.1:$PORT/api/v1/articles/$(sed -n 500p "$SLUGS")" 64 "$DURATION"
