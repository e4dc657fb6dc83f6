#!/usr/bin/env bash
# Static-file benchmark (server-core issue): a 1 KiB JSON file from Public/, server pinned to
# CPU 0 with one event loop, wrk pinned to CPU 1. Prints req/s, latency, server CPU per request
# and RSS, then the same with 1,000 connections.
# Usage: Benchmarks/run-static.sh [SECONDS=10]
source "$(dirname "$0")/scripts/lib.sh"
SECS=${1:-10}
PORT=${PORT:-18090}
DB=$(mktemp -d)/static.sqlite
start_folio "$DB" "$PORT" --public "$ROOT/Public"
url=http://127.0.0.1:$PORT/bench-1k.json
curl -sf "$url" | wc -c | xargs echo "body bytes:"
taskset -c 1 wrk -t1 -c64 -d2s "$url" > /dev/null
table_header
bench "GET /bench-1k.json" "$url" 64 "$SECS"
bench "GET /bench-1k.json" "$url" 64 "$SECS"
bench "GET /bench-1k.json" "$url" 64 "$SECS"
bench "GET /bench-1k.json (1000 conns)" "$url" 1000 "$SECS"
stop_folio
