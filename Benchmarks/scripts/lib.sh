#!/usr/bin/env bash
# Shared helpers for the benchmark scripts: start a release server pinned to CPU 0, drive it with
# wrk pinned to CPU 1, and report req/s, latency and server CPU per request from /proc/PID/stat.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FOLIO=${FOLIO:-$ROOT/.build/release/folio}
TICKS=$(getconf CLK_TCK)

# start_folio DB PORT [extra args...]: starts the server, waits for /readyz, sets FOLIO_PID and
# STARTUP_MS (process start until /readyz answers 200).
start_folio() {
  local db=$1 port=$2; shift 2
  local t0=$(date +%s%N)
  taskset -c 0 "$FOLIO" serve --database "$db" --port "$port" --host 127.0.0.1 --threads 1 "$@" > /tmp/folio-bench-$port.log 2>&1 &
  FOLIO_PID=$!
  for _ in $(seq 1 6000); do  # up to 60 s: a first start may migrate a large store
    if curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1; then break; fi
    sleep 0.01
  done
  STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

stop_folio() { kill -TERM "$FOLIO_PID" 2>/dev/null || true; wait "$FOLIO_PID" 2>/dev/null || true; }

# long_tail_corpus RUN_DB: the generated corpus $DB (default $WORK/corpus-$ARTICLES.sqlite, made if
# missing, seed 7) copied to RUN_DB (a first start may migrate the copy's format; the corpus stays
# as generated), and its article, author and tag slugs in $WORK/{slugs,authors,tags}.txt for the
# wrk scripts. Sets DB.
long_tail_corpus() {
  local run_db=$1
  DB=${DB:-$WORK/corpus-$ARTICLES.sqlite}
  [ -f "$DB" ] || "$FOLIO" generate --articles "$ARTICLES" --seed 7 --database "$DB"
  rm -f "$run_db" "$run_db"-wal "$run_db"-shm
  cp "$DB" "$run_db"
  local q
  for q in "articles:slugs" "authors:authors" "tags:tags"; do
    python3 -c "import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(f'select slug from {sys.argv[2]} order by id')]" \
      "$DB" "${q%%:*}" > "$WORK/${q##*:}.txt"
  done
}

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$1/status; }

cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }

# bench NAME URL CONNECTIONS SECONDS [wrk args...]: prints one markdown table row.
bench() {
  local name=$1 url=$2 conns=$3 secs=$4; shift 4
  local before=$(cpu_ticks "$FOLIO_PID")
  local out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency "$@" "$url")
  local after=$(cpu_ticks "$FOLIO_PID")
  local reqs=$(echo "$out" | grep -oP '\d+(?= requests in)')
  local rps=$(echo "$out" | grep -oP '(?<=Requests/sec:)\s*[\d.]+' | tr -d ' ')
  local p50=$(echo "$out" | awk '/^ +50%/ {print $2}')
  local p99=$(echo "$out" | awk '/^ +99%/ {print $2}')
  local errors=$(echo "$out" | grep -oP '(?<=Non-2xx or 3xx responses: )\d+' || true)
  local sockerr=$(echo "$out" | grep -oP 'Socket errors: .*' || true)
  local us=$(python3 -c "print(f'{($after-$before)*1e6/$TICKS/max($reqs,1):.2f}')")
  echo "| $name | $conns | $rps | $p50 | $p99 | $us | ${errors:-0} ${sockerr} | $(rss_mb "$FOLIO_PID") |"
}

# write_phases PID PORT TOKEN AUTHOR SECONDS [PREFIX]: the write benchmark's phases against one
# server (write-load.sh for Folio, write-peer.sh for the peer), one line each: 10 creates/s on
# one connection; sustained writes with 16 connections (wrk with scripts/create-articles.lua: the
# Python writers top out near 1,100 writes/s on the load CPU, which both servers reached) and the
# server's CPU per write; 100 creates/s over 4 connections (scripts/write-load.py).
write_phases() {
  local pid=$1 port=$2 token=$3 author=$4 secs=$5 prefix=${6:-}
  local w="taskset -c 1 python3 $ROOT/Benchmarks/scripts/write-load.py $port $token $author"
  echo "${prefix}10 creates/s, one connection: $($w latency "$secs" 10)"
  local rate p99 bad cpu
  read -r rate p99 bad cpu <<< "$(sustained_writes "$pid" "$port" "$token" "$author" "$secs")"
  echo "${prefix}sustained writes, 16 connections (wrk): $rate writes/s, p99 $p99, non-2xx $bad, server CPU $cpu ms per write"
  echo "${prefix}100 creates/s over 4 connections: $($w latency "$secs" 100 4)"
}

# sustained_writes PID PORT TOKEN AUTHOR SECONDS: creates with `wrk -t1 -c16` and
# scripts/create-articles.lua on CPU 1; prints "writes/s p99 non-2xx ms-of-server-CPU-per-write".
sustained_writes() {
  local pid=$1 port=$2 token=$3 author=$4 secs=$5
  local before=$(cpu_ticks "$pid")
  local out=$(TOKEN=$token AUTHOR=$author taskset -c 1 wrk -t1 -c16 -d"${secs}s" --latency -s "$ROOT/Benchmarks/scripts/create-articles.lua" "http://127.0.0.1:$port")
  local after=$(cpu_ticks "$pid")
  local n=$(echo "$out" | grep -oP '\d+(?= requests in)') bad=$(echo "$out" | grep -oP '(?<=Non-2xx or 3xx responses: )\d+' || echo 0)
  echo "$(echo "$out" | grep -oP '(?<=Requests/sec:)\s*[\d.]+' | tr -d ' ') $(echo "$out" | awk '/^ +99%/ {print $2}') ${bad:-0} $(python3 -c "print(f'{($after - $before) * 1000 / $TICKS / max($n, 1):.2f}')")"
}

table_header() {
  echo "| route | conns | req/s | p50 | p99 | server CPU µs/req | non-2xx/errors | RSS MB |"
  echo "|---|---|---|---|---|---|---|---|"
}
