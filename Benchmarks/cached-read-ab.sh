#!/usr/bin/env bash
# A/B of the cached slug read's server CPU per request between two release builds: the sample
# content (a fresh SQLite store each run), `folio serve --threads 1` on CPU 0 with the access log
# off, `wrk -t1 -c64 -d10s` on CPU 1 after a 3 s warm-up; ROUNDS alternating rounds (default 3).
# Usage: Benchmarks/cached-read-ab.sh BEFORE_BINARY AFTER_BINARY
source "$(dirname "$0")/scripts/lib.sh"
BEFORE=${1:?before binary}; AFTER=${2:?after binary}
OUT=${OUT:-$ROOT/Benchmarks/out}; mkdir -p "$OUT"
PORT=${PORT:-18231}
echo '{"access_log": false}' > "$OUT/ab.json"
echo "| build | µs of server CPU per request | req/s |"
echo "|---|---|---|"
for round in $(seq 1 "${ROUNDS:-3}"); do
  for which in before after; do
    FOLIO=$([ $which = before ] && echo "$BEFORE" || echo "$AFTER")
    rm -f "$OUT"/ab.sqlite*
    start_folio "$OUT/ab.sqlite" "$PORT" --config "$OUT/ab.json"
    slug=$(curl -sf "http://127.0.0.1:$PORT/api/v1/articles?per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
    url="http://127.0.0.1:$PORT/api/v1/articles/$slug"
    taskset -c 1 wrk -t1 -c64 -d3s "$url" > /dev/null
    t0=$(cpu_ticks "$FOLIO_PID")
    out=$(taskset -c 1 wrk -t1 -c64 -d10s "$url")
    t1=$(cpu_ticks "$FOLIO_PID")
    reqs=$(echo "$out" | grep -oP '\d+(?= requests in)')
    rps=$(echo "$out" | grep -oP '(?<=Requests/sec:)\s*[\d.]+' | tr -d ' ')
    echo "| $which (round $round) | $(python3 -c "print(f'{($t1-$t0)*1e6/$TICKS/$reqs:.2f}')") | $rps |"
    stop_folio
  done
done
