#!/usr/bin/env bash
# The long tail against the peers (issue 15), in one run: Folio and the Hummingbird 2 and Vapor 4
# peers (Benchmarks/Package.swift) serving the same 100,000 generated articles, the peers from
# memory with their own Codable encoding (a document made from Folio's own responses by
# scripts/peer-doc-api.py, so both sides serve the same JSON). Each server alone, pinned to CPU 0
# with one loop; wrk -c64 on CPU 1; per server the four scenarios of long-tail.sh: uniform random
# slugs without and with Accept-Encoding: gzip, random filtered lists (author x tag x page 1-3),
# and one repeated slug. Server CPU per request from /proc/PID/stat.
#
#   Benchmarks/long-tail-peers.sh                 # 100,000 articles, 15 s per scenario
#   env: ARTICLES, DURATION, ONLY="folio hummingbird vapor", SKIP_BUILD=1, WORK=/tmp/folio-zipf
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-15}
PORT=${PORT:-18195}
WORK=${WORK:-/tmp/folio-zipf}
ONLY=${ONLY:-folio hummingbird vapor}
BENCH=$ROOT/Benchmarks
S=$BENCH/scripts
mkdir -p "$WORK"
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && swift build -c release --product folio 2>&1 | tail -1)
  (cd "$BENCH" && swift build -c release --product PeerHummingbird 2>&1 | tail -1 && swift build -c release --product PeerVapor 2>&1 | tail -1)
fi
RUN_DB=$WORK/long-tail-peers-run.sqlite
long_tail_corpus "$RUN_DB"
DOC=$WORK/peer-longtail-$ARTICLES-$(stat -c %s "$DB").jsonl
trap 'stop_folio; [ -n "${SRV_PID:-}" ] && kill "$SRV_PID" 2>/dev/null; rm -f "$RUN_DB" "$RUN_DB"-wal "$RUN_DB"-shm' EXIT
if [ ! -f "$DOC" ]; then
  echo "making the peer document from Folio's responses ($ARTICLES articles)…" >&2
  start_folio "$RUN_DB" "$PORT"
  python3 "$S/peer-doc-api.py" "http://127.0.0.1:$PORT" "$WORK/slugs.txt" "$DOC.part" && mv "$DOC.part" "$DOC"
  stop_folio
fi

export SLUGS=$WORK/slugs.txt AUTHORS=$WORK/authors.txt TAGS=$WORK/tags.txt ZIPF_S=0
REPEATED=$(sed -n 500p "$SLUGS")
echo "$ARTICLES articles; $(git -C "$ROOT" rev-parse --short HEAD); $(date -u +%FT%TZ); ${DURATION}s per scenario"
echo "| server | scenario | conns | req/s | p50 | p99 | server CPU µs/req | non-2xx | RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|"
for server in $ONLY; do
  t0=$(date +%s%N)
  case $server in
    folio) pushd "$WORK" > /dev/null; start_folio "$RUN_DB" "$PORT"; popd > /dev/null; SRV_PID=$FOLIO_PID ;;
    hummingbird) taskset -c 0 "$BENCH/.build/release/PeerHummingbird" "$DOC" "$PORT" > "$WORK/peer-hb.log" 2>&1 & SRV_PID=$! ;;
    vapor) taskset -c 0 "$BENCH/.build/release/PeerVapor" "$DOC" "$PORT" > "$WORK/peer-vapor.log" 2>&1 & SRV_PID=$! ;;
  esac
  for _ in $(seq 1 6000); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/articles/$REPEATED" && break; sleep 0.05; done
  echo "$server: ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms, RSS $(rss_mb "$SRV_PID") MB" >&2
  FOLIO_PID=$SRV_PID
  bench "$server | uniform random slugs" "http://127.0.0.1:$PORT" 64 "$DURATION" -s "$S/zipf.lua"
  bench "$server | uniform random slugs, gzip" "http://127.0.0.1:$PORT" 64 "$DURATION" -s "$S/zipf.lua" -H "Accept-Encoding: gzip"
  bench "$server | random filtered lists" "http://127.0.0.1:$PORT" 64 "$DURATION" -s "$S/filtered-lists.lua"
  bench "$server | repeated slug (cached)" "http://127.0.0.1:$PORT/api/v1/articles/$REPEATED" 64 "$DURATION"
  kill -TERM "$SRV_PID" 2>/dev/null || true; wait "$SRV_PID" 2>/dev/null || true
  SRV_PID=
  sleep 1
done
