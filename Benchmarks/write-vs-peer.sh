#!/usr/bin/env bash
# Sustained writes, Folio against the Hummingbird peer, in alternating rounds (issue 13's "Folio
# at least 3x the peer's writes/s"): each round copies each server's 100,000-article store fresh
# (as write-load.sh and write-peer.sh do), starts it on CPU 0 (Folio with one loop), and drives it
# with `wrk -t1 -c16` and scripts/create-articles.lua on CPU 1 for DURATION seconds. Alternating
# keeps a machine whose speed drifts (this one moves by ±30 % within minutes) from deciding the
# ratio. Prints one row per server and round, then the ratio of the medians.
#   Benchmarks/write-vs-peer.sh        (ROUNDS=3, DURATION=10; needs the stores of write-load.sh
#                                       and write-peer.sh: run each once first)
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WORK=${WORK:-/tmp/folio-zipf}
PORT=${PORT:-18320}
CORPUS=${CORPUS:-$WORK/corpus-100000.sqlite}
PEER_TEMPLATE=$WORK/peer-template.sqlite
PEERBIN=$ROOT/Benchmarks/.build/release/PeerHummingbird
[ -f "$CORPUS" ] && [ -f "$PEER_TEMPLATE" ] && [ -x "$PEERBIN" ] || { echo "run write-load.sh and write-peer.sh once first" >&2; exit 1; }
DB=$WORK/write-vs-peer.sqlite
trap 'kill $SERVER 2>/dev/null || true; rm -f "$DB" "$DB-wal" "$DB-shm"' EXIT
SERVER=

echo "## write-vs-peer: sustained writes, ${DURATION}s, $ROUNDS alternating rounds ($(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD))"
echo "| round | server | writes/s | ms of server CPU per write |"
echo "|---|---|---|---|"
FOLIO_RATES=(); PEER_RATES=()
for round in $(seq 1 "$ROUNDS"); do
  rm -f "$DB" "$DB-wal" "$DB-shm"
  cp "$PEER_TEMPLATE" "$DB"
  PEER_SQLITE=$DB PEER_TOKEN=peer-bench taskset -c 0 "$PEERBIN" "$WORK/empty-doc.json" "$PORT" > "$WORK/peer.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 500); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.01; done
  read -r rate _ _ cpu <<< "$(sustained_writes "$SERVER" "$PORT" peer-bench energy "$DURATION")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  PEER_RATES+=("$rate"); echo "| $round | Hummingbird peer | $rate | $cpu |"

  rm -f "$DB" "$DB-wal" "$DB-shm"
  sqlite3 "$CORPUS" ".backup '$DB'"
  TOKEN=$("$FOLIO" token create --name "vs-$RANDOM$RANDOM" --scope content:write --database "$DB" 2>/dev/null)
  pushd "$WORK" > /dev/null && start_folio "$DB" "$PORT" && popd > /dev/null
  SERVER=$FOLIO_PID
  AUTHOR=$(curl -s "http://127.0.0.1:$PORT/api/v1/authors?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
  read -r rate _ _ cpu <<< "$(sustained_writes "$SERVER" "$PORT" "$TOKEN" "$AUTHOR" "$DURATION")"
  stop_folio
  FOLIO_RATES+=("$rate"); echo "| $round | Folio | $rate | $cpu |"
done
python3 -c "
import statistics, sys
f = statistics.median([float(x) for x in sys.argv[1].split()]); p = statistics.median([float(x) for x in sys.argv[2].split()])
print(f'median writes/s: Folio {f:.0f}, peer {p:.0f}: {f / p:.2f}x')" "${FOLIO_RATES[*]}" "${PEER_RATES[*]}"
