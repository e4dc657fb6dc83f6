#!/usr/bin/env bash
# Long reliability runs, outside the default test suite (figures: Benchmarks/RELIABILITY.md).
#
#   Benchmarks/reliability.sh [slowloris] [slowbody] [flood] [soak]     (no argument: all four)
#
# slowloris / slowbody: slowhttptest -H / -B against the release build while wrk measures normal
#     traffic; reports wrk's p99 (target < 50 ms) and how slowhttptest's connections ended (closed
#     by the server's header/body timeouts).
# flood: FLOOD_CONNECTIONS idle keep-alive connections (Benchmarks/flood.py) against a server
#     whose max_connections is MAX_CONNECTIONS: those within the limit are held, the rest must get
#     503 and be closed; RSS and fds are sampled while they are held.
# soak: SOAK_SECONDS of mixed reads over every route at 64 connections (wrk + Lua), RSS and fd
#     count sampled every 10 s.
#
# Environment (defaults): SOAK_SECONDS (1800), SLOW_SECONDS (60), SLOW_CONNECTIONS (4000),
# SLOW_RATE (100/s), FLOOD_CONNECTIONS (15000), MAX_CONNECTIONS (12000), FLOOD_HOLD (20 s),
# ARTICLES (2000), FOLIO_BIN (.build/release/folio, built if missing), OUT (a new folder in /tmp).
# Everything listens on 127.0.0.1 only; every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SOAK_SECONDS=${SOAK_SECONDS:-1800}
SLOW_SECONDS=${SLOW_SECONDS:-60}
SLOW_CONNECTIONS=${SLOW_CONNECTIONS:-4000}
SLOW_RATE=${SLOW_RATE:-100}
FLOOD_CONNECTIONS=${FLOOD_CONNECTIONS:-15000}
MAX_CONNECTIONS=${MAX_CONNECTIONS:-12000}
FLOOD_HOLD=${FLOOD_HOLD:-20}
ARTICLES=${ARTICLES:-2000}
FOLIO_BIN=${FOLIO_BIN:-$ROOT/.build/release/folio}
OUT=${OUT:-$(mktemp -d /tmp/folio-reliability.XXXXXX)}
export SWIFT_BACKTRACE=enable=no
mkdir -p "$OUT"
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(slowloris slowbody flood soak)

for tool in wrk slowhttptest python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk slowhttptest)" >&2; exit 2; }
done
if [ ! -x "$FOLIO_BIN" ]; then
    swift build -c release --product folio
fi
# The flood needs more descriptors than the default soft limit, in this shell and its children.
ulimit -n "$(ulimit -Hn)"

SERVER_PID=""
BACKGROUND=()
cleanup() {
    for p in "${BACKGROUND[@]}"; do kill "$p" 2>/dev/null || true; done
    if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/summary.txt"; }

# One generated corpus for every step.
DB="$OUT/folio.sqlite"
"$FOLIO_BIN" generate --articles "$ARTICLES" --database "$DB" >"$OUT/generate.log" 2>&1

# start_server NAME LIMITS_JSON: starts folio on a free port; sets SERVER_PID and PORT.
start_server() {
    local name=$1 limits=$2
    printf '{"access_log": false, "sample_content": "%s/Config/sample-content", "limits": %s}\n' "$ROOT" "$limits" >"$OUT/$name.json"
    "$FOLIO_BIN" serve --config "$OUT/$name.json" --database "$DB" --host 127.0.0.1 --port 0 \
        --public "$ROOT/Public" >"$OUT/$name-server.log" 2>&1 &
    SERVER_PID=$!
    PORT=""
    for _ in $(seq 1 200); do
        PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$OUT/$name-server.log" 2>/dev/null | grep -o '[0-9]*$' || true)
        [ -n "$PORT" ] && break
        sleep 0.1
    done
    [ -n "$PORT" ] || { echo "server did not start:"; cat "$OUT/$name-server.log"; exit 1; }
    log "$name: folio pid $SERVER_PID on port $PORT ($(head -1 "$OUT/$name-server.log"))"
}

stop_server() {
    kill -TERM "$SERVER_PID"
    local status=0
    wait "$SERVER_PID" || status=$?
    log "server exited with status $status: $(tail -1 "$OUT/$1-server.log")"
    SERVER_PID=""
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
fd_count() { ls "/proc/$SERVER_PID/fd" | wc -l; }
http_status() { curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$PORT$1" || true; }

# wrk's p99 from --latency output, in ms.
wrk_p99_ms() {
    awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub("us", "", v); v /= 1000 } else if (v ~ /ms$/) { sub("ms", "", v) } else if (v ~ /s$/) { sub("s", "", v); v *= 1000 }; print v }' "$1"
}

slow_attack() {
    local name=$1 mode=$2
    start_server "$name" '{"header_timeout": 10, "body_timeout": 10, "idle_timeout": 60, "max_connections": 12000}'
    local rss0; rss0=$(rss_kb)
    local extra=()
    [ "$mode" = "-B" ] && extra=(-s 8192 -t POST)
    timeout $((SLOW_SECONDS + 60)) slowhttptest "$mode" -c "$SLOW_CONNECTIONS" -r "$SLOW_RATE" -i 10 -l "$SLOW_SECONDS" "${extra[@]}" \
        -u "http://127.0.0.1:$PORT/healthz" -g -o "$OUT/$name" -p 3 >"$OUT/$name-slowhttptest.log" 2>&1 &
    local attacker=$!
    BACKGROUND+=("$attacker")
    sleep 12  # the attack ramps up and the first slow connections reach the timeout
    local conns_mid; conns_mid=$(($(fd_count) - 10))
    timeout $((SLOW_SECONDS + 30)) wrk -t1 -c32 -d"$((SLOW_SECONDS - 20))s" --latency \
        "http://127.0.0.1:$PORT/api/v1/articles?per_page=10" >"$OUT/$name-wrk.log" 2>&1
    local rss_peak; rss_peak=$(rss_kb)
    wait "$attacker" || true
    local p99; p99=$(wrk_p99_ms "$OUT/$name-wrk.log")
    local rps; rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name-wrk.log")
    local errors; errors=$(grep -E 'Socket errors|Non-2xx' "$OUT/$name-wrk.log" | tr '\n' ' ' || true)
    # slowhttptest's CSV: seconds,closed,pending,connected,service available
    local csv="$OUT/$name.csv"
    local max_connected; max_connected=$(awk -F, 'NR > 1 && $4 > m { m = $4 } END { print m + 0 }' "$csv")
    local final; final=$(tail -1 "$csv")
    log "$name ($mode, $SLOW_CONNECTIONS connections at $SLOW_RATE/s, 10 s between slow sends, server timeouts 10 s):"
    log "  wrk -c32 on /api/v1/articles during the attack: p99 ${p99} ms, ${rps} req/s ${errors:-no errors}"
    log "  slowhttptest: at most $max_connected attacker connections open at once; last sample (s,closed,pending,connected,available): $final"
    log "  server fds during the attack ~$conns_mid; RSS ${rss0} kB before, ${rss_peak} kB during; /healthz after: $(http_status /healthz)"
    sed 's/\x1b\[[0-9;]*m//g' "$OUT/$name-slowhttptest.log" | grep -E 'Exit status|service available' | tail -2 \
        | sed 's/^/  slowhttptest: /' | tee -a "$OUT/summary.txt"
    stop_server "$name"
}

flood() {
    start_server flood "{\"header_timeout\": 60, \"idle_timeout\": 600, \"max_connections\": $MAX_CONNECTIONS}"
    local rss0 fds0; rss0=$(rss_kb); fds0=$(fd_count)
    timeout $((FLOOD_HOLD + 600)) python3 "$ROOT/Benchmarks/flood.py" "$PORT" "$FLOOD_CONNECTIONS" "$FLOOD_HOLD" \
        >"$OUT/flood.json" 2>"$OUT/flood.err" &
    local client=$!
    BACKGROUND+=("$client")
    for _ in $(seq 1 6000); do grep -q holding "$OUT/flood.err" 2>/dev/null && break; sleep 0.1; done
    sleep 2
    local rss_held fds_held during; rss_held=$(rss_kb); fds_held=$(fd_count); during=$(http_status /healthz)
    wait "$client" || true
    sleep 3
    local after; after=$(http_status /healthz)
    log "flood: $FLOOD_CONNECTIONS connections against max_connections $MAX_CONNECTIONS: $(cat "$OUT/flood.json")"
    log "  server RSS ${rss0} kB idle -> ${rss_held} kB holding; fds ${fds0} -> ${fds_held}; a new /healthz while full: $during"
    log "  after the client closed everything: /healthz $after, fds $(fd_count), RSS $(rss_kb) kB"
    stop_server flood
}

soak() {
    start_server soak '{"max_connections": 12000}'
    # Every route, with real slugs from the API.
    python3 - "$PORT" >"$OUT/soak.lua" <<'EOF'
import json, sys, urllib.request
port = sys.argv[1]
base = f"http://127.0.0.1:{port}"
get = lambda p: json.load(urllib.request.urlopen(base + p, timeout=10))
articles = [a["slug"] for a in get("/api/v1/articles?per_page=50")["data"]]
authors = [a["slug"] for a in get("/api/v1/authors?per_page=10")["data"]]
tags = [t["slug"] for t in get("/api/v1/tags")["data"]][:10]
paths = ["/healthz", "/readyz", "/api/v1/site", "/api/v1/tags", "/api/v1/authors",
         "/api/v1/articles", "/api/v1/articles?page=3&per_page=20", "/api/v1/articles?per_page=5&sort=-published_at",
         "/", "/index.html"]
paths += [f"/api/v1/articles/{s}" for s in articles]
paths += [f"/api/v1/articles/{s}/related" for s in articles[:20]]
paths += [f"/api/v1/articles?tag={t}" for t in tags]
paths += [f"/api/v1/authors/{s}" for s in authors] + [f"/api/v1/authors/{s}/articles" for s in authors]
paths += ["/api/v1/search?q=trade", "/api/v1/search?q=railway+valley"]
ok = []
for p in paths:
    try:
        urllib.request.urlopen(base + p, timeout=10).read()
        ok.append(p)
    except Exception as e:  # a route that does not answer 2xx stays out of the mix
        print(f"-- skipped {p}: {e}", file=sys.stderr)
print("local paths = {" + ",".join(json.dumps(p) for p in ok) + "}")
print("local i = 0")
print("request = function() i = i + 1; return wrk.format('GET', paths[(i % #paths) + 1]) end")
EOF
    log "soak: $(grep -c '' "$OUT/soak.lua") lines of Lua, $(grep -o '"/' "$OUT/soak.lua" | wc -l) paths; ${SOAK_SECONDS} s at 64 connections"
    echo "seconds,rss_kb,fds,threads" >"$OUT/soak.csv"
    timeout $((SOAK_SECONDS + 120)) wrk -t2 -c64 -d"${SOAK_SECONDS}s" --latency -s "$OUT/soak.lua" \
        "http://127.0.0.1:$PORT" >"$OUT/soak-wrk.log" 2>&1 &
    local load=$!
    BACKGROUND+=("$load")
    local t=0
    while kill -0 "$load" 2>/dev/null; do
        echo "$t,$(rss_kb),$(fd_count),$(awk '/^Threads/ {print $2}' "/proc/$SERVER_PID/status")" >>"$OUT/soak.csv"
        sleep 10
        t=$((t + 10))
    done
    wait "$load" || true
    echo "$t,$(rss_kb),$(fd_count),$(awk '/^Threads/ {print $2}' "/proc/$SERVER_PID/status")" >>"$OUT/soak.csv"
    local summary
    local warmup=$((SOAK_SECONDS >= 180 ? 60 : 10))
    summary=$(awk -F, -v w="$warmup" 'NR == 1 { next }
        { n++; if ($1 == w) warm = $2
          if ($1 >= w) { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2
                         if (fmin == "" || $3 < fmin) fmin = $3; if ($3 > fmax) fmax = $3 }
          last = $2; lastfd = $3 }
        END { printf "RSS after %d s warm-up %d kB, then min %d / max %d kB, last sample %d kB; fds after warm-up %d..%d (last %d); %d samples",
                     w, warm, min, max, last, fmin, fmax, lastfd, n }' "$OUT/soak.csv")
    log "  $summary"
    log "  wrk: $(awk '/requests in/ {print $1, "requests in", $4}' "$OUT/soak-wrk.log") $(awk '/Requests\/sec/ {print $2, "req/s"}' "$OUT/soak-wrk.log"), p99 $(wrk_p99_ms "$OUT/soak-wrk.log") ms; $(grep -E 'Socket errors|Non-2xx' "$OUT/soak-wrk.log" | tr '\n' ' ' || true)"
    stop_server soak
}

log "reliability run: ${steps[*]}; output in $OUT; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for step in "${steps[@]}"; do
    case "$step" in
        slowloris) slow_attack slowloris -H ;;
        slowbody) slow_attack slowbody -B ;;
        flood) flood ;;
        soak) soak ;;
        *) echo "unknown step $step" >&2; exit 2 ;;
    esac
done
log "done; summary in $OUT/summary.txt"
