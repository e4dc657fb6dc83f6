#!/usr/bin/env bash
# Connection floods (issue 14), release build, server on CPU 0 with one loop, load on CPU 1:
#   1. 12,000 idle plain connections (over the default limit of 10,000), then a normal client:
#      the time to its 200, and what the server reclaimed;
#   2. 2,000 TLS connections that send a ClientHello and stop (half-open handshakes), while wrk
#      reads over HTTPS with 16 connections: p99 against the same wrk without the flood.
#   Benchmarks/conn-floods.sh            (SECS=10)
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
SECS=${SECS:-10}
OUT=${OUT:-/tmp/folio-tls-bench}
mkdir -p "$OUT"
[ -x "$FOLIO" ] || (cd "$ROOT" && swift build -c release --product folio)
DB=$OUT/corpus-1000.sqlite
[ -f "$DB" ] || "$FOLIO" generate --articles 1000 --seed 7 --database "$DB" > /dev/null
"$FOLIO" cert --self-signed --host localhost --cert "$OUT/cert.pem" --key "$OUT/key.pem" > /dev/null
echo '{"access_log": false}' > "$OUT/folio.json"
PORT=18450; TLS=18451
ulimit -n "$(ulimit -Hn)"
trap 'stop_folio' EXIT
start_folio "$DB" "$PORT" --config "$OUT/folio.json" --tls-cert "$OUT/cert.pem" --tls-key "$OUT/key.pem" --tls-port "$TLS"
FLOOD="taskset -c 1 python3 $(dirname "$0")/scripts/flood.py"
metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

echo "## conn-floods: $(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD), ulimit -n $(ulimit -n)"
$FLOOD idle "$PORT" 12000 "$SECS" > "$OUT/idle.json" &
F=$!
for _ in $(seq 1 600); do grep -q opened "$OUT/idle.json" 2>/dev/null && break; sleep 0.05; done
echo "idle flood: $(head -1 "$OUT/idle.json"); server: open $(metric folio_open_connections), reclaimed $(metric folio_connections_reclaimed_total), refused $(metric folio_connections_refused_total)"
echo "normal client after the flood: $(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' "http://127.0.0.1:$PORT/api/v1/articles?per_page=1")"
wait $F
echo "idle flood: $(tail -1 "$OUT/idle.json")"

SLUG=$(curl -sf "http://127.0.0.1:$PORT/api/v1/articles?page=50&per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
URL="https://localhost:$TLS/api/v1/articles/$SLUG"
base=$(taskset -c 1 wrk -t1 -c16 -d"${SECS}s" --latency "$URL")
echo "HTTPS reads, 16 connections, no flood: $(echo "$base" | grep -oP '(?<=Requests/sec:)\s*[\d.]+') req/s, p99 $(echo "$base" | awk '/^ +99%/ {print $2}')"
$FLOOD handshakes "$TLS" 2000 12 > "$OUT/hs.json" &  # held past the 10 s handshake timeout
F=$!
during=$(taskset -c 1 wrk -t1 -c16 -d"${SECS}s" --latency "$URL")
wait $F
echo "HTTPS reads, 16 connections, during 2,000 half-open handshakes: $(echo "$during" | grep -oP '(?<=Requests/sec:)\s*[\d.]+') req/s, p99 $(echo "$during" | awk '/^ +99%/ {print $2}'), max $(echo "$during" | awk '/Latency/ {print $4}')"
echo "handshake flood: $(cat "$OUT/hs.json" | tr '\n' ' '); server: tls failed $(metric folio_tls_failed_total), timeouts $(metric folio_request_timeouts_total)"
