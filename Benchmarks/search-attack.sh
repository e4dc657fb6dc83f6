#!/usr/bin/env bash
# Search and the response cache under hostile load (issue 19). A release server with one event
# loop over a generated corpus, pinned to CPU 0 (the clients get CPU 1, as in lib.sh, so they
# stand for clients on other machines); wrk sends the worst requests found (scripts/search-attack.lua)
# on 64 connections for DURATION seconds while scripts/attack-measure.py measures an ordinary
# reader and a health checker. Then the server's CPU is sampled every 100 ms for two seconds.
#
#   Benchmarks/search-attack.sh                 # 500 articles, 60 s
#   ARTICLES=100000 DURATION=30 Benchmarks/search-attack.sh
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
ARTICLES=${ARTICLES:-500}
DURATION=${DURATION:-60}
PORT=${PORT:-18190}
WORK=${WORK:-/tmp/folio-attack}
mkdir -p "$WORK"
[ -x "$FOLIO" ] || (cd "$ROOT" && swift build -c release --product folio)
DB=$WORK/corpus-$ARTICLES.sqlite
[ -f "$DB" ] || "$FOLIO" generate --articles "$ARTICLES" --seed 7 --database "$DB" > /dev/null

# Started in $WORK (start_folio in scripts/lib.sh: CPU 0, one loop), so the repository's
# Config/folio.json is not read: every setting is its default.
trap stop_folio EXIT
pushd "$WORK" > /dev/null && start_folio "$DB" "$PORT" && popd > /dev/null
AUTHOR=$(curl -s "http://127.0.0.1:$PORT/api/v1/authors" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')

taskset -c 1 python3 "$(dirname "$0")/scripts/attack-measure.py" "$PORT" "$DURATION" > "$WORK/measure.json" &
MEASURE=$!
ATTACK_AUTHOR=$AUTHOR taskset -c 1 wrk -t2 -c64 -d"${DURATION}s" --timeout 30s -s "$(dirname "$0")/scripts/search-attack.lua" \
  "http://127.0.0.1:$PORT" > "$WORK/wrk.txt"
CPU_AFTER=""
for _ in $(seq 1 20); do
  a=$(cpu_ticks $FOLIO_PID); sleep 0.1; b=$(cpu_ticks $FOLIO_PID)
  CPU_AFTER="$CPU_AFTER $(( (b - a) * 100 * 10 / TICKS ))%"
done
wait $MEASURE
curl -s "http://127.0.0.1:$PORT/metrics" > "$WORK/metrics.txt"

echo "## search-attack: $ARTICLES articles, 64 attacking connections, ${DURATION}s ($(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD))"
echo
echo '```'
grep -E "requests in|Requests/sec|Non-2xx|Socket errors|Latency" "$WORK/wrk.txt" | sed 's/^ *//'
echo "measured clients: $(cat "$WORK/measure.json")"
echo "server CPU in each 100 ms after the attack:$CPU_AFTER"
grep -E "^folio_(search|searches|response_cache|http_requests_total\{route=\"/api/v1/(search|articles)\")" "$WORK/metrics.txt" | grep -v "^#"
echo '```'
