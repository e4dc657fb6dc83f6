#!/usr/bin/env bash
# User-space instructions per request for Folio's slug read, counted by callgrind (stable on a noisy
# machine), plus the top inclusive costs. valgrind 3.19 cannot read Swift 6.3's DWARF 5, so the
# binary is profiled with its debug info stripped (symbols stay).
# Usage: Benchmarks/scripts/profile-slug.sh [SLUG] [SECS=10]   (after run-peers.sh made the corpus)
# CALLGRIND_OPTS="--dump-instr=yes" adds per-instruction counts (see scripts/instr-costs.py).
# ACCESS_LOG=1 profiles the shipped configuration (access log on, written to /dev/null).
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-$ROOT/Benchmarks/out}
DB=${DB:-$OUT/corpus-10000.sqlite}
PORT=${PORT:-18190}
SECS=${2:-10}
objcopy --strip-debug "$FOLIO" "$OUT/folio-nodebug"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["access_log"]=sys.argv[3]=="1"; json.dump(c, open(sys.argv[2],"w"))' \
  "$ROOT/Config/folio.json" "$OUT/folio-nolog.json" "${ACCESS_LOG:-0}"
taskset -c 0 valgrind --tool=callgrind ${CALLGRIND_OPTS:-} --callgrind-out-file="$OUT/callgrind.out" "$OUT/folio-nodebug" serve \
  --database "$DB" --port "$PORT" --host 127.0.0.1 --threads 1 --config "$OUT/folio-nolog.json" > /dev/null 2> "$OUT/callgrind.log" &
PID=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/readyz" && break; sleep 0.5; done
slug=${1:-$(curl -sf "http://127.0.0.1:$PORT/api/v1/articles?page=50&per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')}
url="http://127.0.0.1:$PORT/api/v1/articles/$slug"
for _ in 1 2 3; do curl -s -o /dev/null "$url"; done   # fill the caches
callgrind_control -z "$PID" > /dev/null
reqs=$(taskset -c 1 wrk -t1 -c8 -d"${SECS}s" "$url" | grep -oP '\d+(?= requests in)')
callgrind_control -d "$PID" > /dev/null
kill -TERM "$PID"; wait "$PID" 2>/dev/null || true
dump=$(ls -t "$OUT"/callgrind.out.* | head -1)
total=$(callgrind_annotate "$dump" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "requests: $reqs; user-space instructions: $total; per request: $((total / reqs))"
echo "top inclusive costs (instructions per request):"
callgrind_annotate --inclusive=yes "$dump" | sed -n '/file:function/,$p' | python3 -c '
import re, sys
n = int(sys.argv[1])
for line in list(sys.stdin)[:400]:
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
    c = int(m.group(1).replace(",", "")) if m else 0
    if c >= n * 300:
        name = re.sub(r" \[/[^]]*\]$", "", m.group(2))[:150]
        print(f"{c // n:8d}  {name}")
' "$reqs"
