#!/usr/bin/env bash
# Folio side by side with its peers (issue 7), in one run:
#   Folio (shipped defaults, and with the access log off), Hummingbird 2 and Vapor 4 peers
#   (Benchmarks/Package.swift), nginx serving Folio's responses pre-rendered as static files (the
#   "just bytes" bound), and a bare C epoll loop answering one fixed response (the CPU floor).
# Each server is pinned to CPU 0 (one loop/worker), wrk to CPU 1; per scenario a 2 s warm-up, then
# RUNS runs of SECS seconds, and the run with the median req/s is reported (errors: all runs).
# Server CPU per request = (utime+stime of the server process during the run) / requests.
# Appends a dated section to Benchmarks/RESULTS.md (other sections are left as they are).
# Besides the side-by-side scenarios: the slug read pipelined (PIPELINE requests per write, default
# 16, so that wrk is no longer the bottleneck), and INTERLEAVE rounds (default 5) in which the
# floor and both Folio configurations, all started at once, take turns on the slug read, so slow
# drift of this shared machine falls on all three alike when their CPU per request is compared.
# Usage: Benchmarks/run-peers.sh [SECS=10] [RUNS=3]
#   env: SKIP_BUILD=1, OUT=dir (default Benchmarks/out), NO_RESULTS=1 (print only),
#        ONLY="folio hummingbird vapor nginx floor" (subset of servers; "none": only the interleaved
#        rounds), PIPELINE=16, INTERLEAVE=5 (0: skip), LONG_TAIL=1 (then long-tail-peers.sh: the same
#        servers on 100,000 articles, uniform random slugs with and without gzip, filtered lists)
source "$(dirname "$0")/scripts/lib.sh"
SECS=${1:-10}
RUNS=${2:-3}
WARMUP=${WARMUP:-2}
BENCH=$ROOT/Benchmarks
OUT=${OUT:-$BENCH/out}
ONLY=${ONLY:-folio folio-nolog hummingbird vapor nginx floor}
PIPELINE=${PIPELINE:-16}
INTERLEAVE=${INTERLEAVE:-5}
mkdir -p "$OUT"
cd "$ROOT"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # wrk and the servers need > 1,000 fds
DB=${DB:-$OUT/corpus-10000.sqlite}
PORT=${PORT:-18180}
RAW=$OUT/peers-raw.tsv
: > "$RAW"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# ---- build -------------------------------------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building folio (release)"
  swift build -c release --product folio 2>&1 | tail -1
  log "building Benchmarks package (release): PeerHummingbird, PeerVapor, JSONBench"
  (cd "$BENCH" && swift build -c release 2>&1 | tail -1)
fi
PEERBIN=$BENCH/.build/release
gcc -O2 -Wall -o "$OUT/epoll_floor" "$BENCH/floor/epoll_floor.c"
command -v nginx > /dev/null || { log "installing nginx"; apt-get install -y -qq nginx-light > /dev/null || apt-get install -y -qq nginx > /dev/null; }

# ---- corpus, export, peer document, pre-rendered responses -------------------------------------
if [ ! -f "$DB" ]; then log "generating 10,000 articles (seed 42)"; "$FOLIO" generate --articles 10000 --seed 42 --database "$DB"; fi
[ -f "$OUT/export.json" ] || "$FOLIO" export --database "$DB" --output "$OUT/export.json"

python3 - "$ROOT/Config/folio.json" "$OUT/folio-nolog.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c["access_log"] = False
json.dump(c, open(sys.argv[2], "w"), indent=2)
EOF

start_folio "$DB" "$PORT"
base=http://127.0.0.1:$PORT
slug=$(curl -sf "$base/api/v1/articles?page=50&per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
author=$(curl -sf "$base/api/v1/authors?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
# the tag with the most articles: the filter then has a full page of matches (~80 in all)
tag=$(curl -sf "$base/api/v1/tags" | python3 -c 'import json,sys; print(max(json.load(sys.stdin)["data"], key=lambda t: t["article_count"])["slug"])')
P_SLUG="/api/v1/articles/$slug"
P_PAGE3="/api/v1/articles?page=3"
P_FILTER="/api/v1/articles?tag=$tag&author=$author"
if [ ! -f "$OUT/peer-doc.json" ]; then
  log "building the peer document (export + bodies + related feeds from Folio)"
  python3 "$BENCH/scripts/peer-doc.py" "$OUT/export.json" "$DB" "$base" "$OUT/peer-doc.json"
fi
# Folio's own bodies: the reference the peers are checked against and what nginx serves.
rm -rf "$OUT/static"; mkdir -p "$OUT/static/api/v1/articles" "$OUT/static/lists" "$OUT/ref"
curl -sf "$base$P_SLUG" -o "$OUT/static/api/v1/articles/$slug"
curl -sf "$base$P_PAGE3" -o "$OUT/static/lists/${P_PAGE3#*\?}.json"
curl -sf "$base$P_FILTER" -o "$OUT/static/lists/${P_FILTER#*\?}.json"
curl -sf "$base/api/v1/articles" -o "$OUT/page1.json"
cp "$OUT/static/api/v1/articles/$slug" "$OUT/ref/slug.json"
cp "$OUT/static/lists/${P_PAGE3#*\?}.json" "$OUT/ref/page3.json"
cp "$OUT/static/lists/${P_FILTER#*\?}.json" "$OUT/ref/filter.json"
SLUG_BYTES=$(stat -c %s "$OUT/ref/slug.json")
stop_folio
log "slug $slug ($SLUG_BYTES B), filter tag=$tag author=$author"

cat > "$OUT/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log warn;
events { worker_connections 4096; use epoll; multi_accept on; }
http {
  access_log off;
  # nginx's best here (measured on this loopback setup, 5 s wrk runs): sendfile off + tcp_nopush off
  # gave 84-95k req/s non-pipelined and 80k pipelined; sendfile + tcp_nopush (the usual static-file
  # advice) 77-78k and 26k pipelined (TCP_CORK stalls, p50 24 ms); sendfile alone 64k / 72k.
  sendfile off; tcp_nopush off; tcp_nodelay on;
  keepalive_timeout 60s;
  keepalive_requests 10000;  # as Folio's max_requests_per_connection
  open_file_cache max=100;
  open_file_cache_valid 60s;
  types { }
  default_type "application/json; charset=utf-8";
  server {
    listen 127.0.0.1:$PORT backlog=4096;
    root $OUT/static;
    location = /api/v1/articles { try_files /lists/\$args.json =404; }
    location /api/v1/articles/ { }
  }
}
EOF

# ---- servers -----------------------------------------------------------------------------------
wait_ready() {  # URL
  for _ in $(seq 1 600); do curl -s -o /dev/null --max-time 1 "$1" && return 0; sleep 0.1; done
  log "server did not answer $1"; return 1
}
SRV_PID=
start_server() {  # NAME
  case $1 in
    folio) start_folio "$DB" "$PORT"; SRV_PID=$FOLIO_PID ;;
    folio-nolog) start_folio "$DB" "$PORT" --config "$OUT/folio-nolog.json"; SRV_PID=$FOLIO_PID ;;
    hummingbird) taskset -c 0 "$PEERBIN/PeerHummingbird" "$OUT/peer-doc.json" "$PORT" > "$OUT/hummingbird.log" 2>&1 & SRV_PID=$! ;;
    vapor) taskset -c 0 "$PEERBIN/PeerVapor" "$OUT/peer-doc.json" "$PORT" > "$OUT/vapor.log" 2>&1 & SRV_PID=$! ;;
    nginx)
      taskset -c 0 nginx -c "$OUT/nginx.conf" -p "$OUT" > /dev/null 2>&1 &
      local master=$!
      wait_ready "http://127.0.0.1:$PORT$P_SLUG"
      NGINX_MASTER=$master
      SRV_PID=$(pgrep -P "$master" | head -1) ;;  # the worker does the serving
    floor-1k) taskset -c 0 "$OUT/epoll_floor" "$PORT" 1024 > /dev/null & SRV_PID=$! ;;
    floor-slug) taskset -c 0 "$OUT/epoll_floor" "$PORT" "$OUT/ref/slug.json" > /dev/null & SRV_PID=$! ;;
  esac
  wait_ready "http://127.0.0.1:$PORT$P_SLUG"
}
stop_server() {  # NAME
  if [ "$1" = nginx ]; then kill -TERM "$NGINX_MASTER" 2>/dev/null || true; wait "$NGINX_MASTER" 2>/dev/null || true
  else kill -TERM "$SRV_PID" 2>/dev/null || true; wait "$SRV_PID" 2>/dev/null || true; fi
  sleep 1
}

# Checks that a server answers the three routes with the same JSON as Folio (parsed, compared).
check_same() {  # NAME
  python3 - "$1" "http://127.0.0.1:$PORT" "$P_SLUG" "$P_PAGE3" "$P_FILTER" "$OUT/ref" <<'EOF' >> "$OUT/peers-check.txt"
import json, sys, urllib.request
name, base, paths, ref = sys.argv[1], sys.argv[2], sys.argv[3:6], sys.argv[6]
out = []
for path, r in zip(paths, ["slug", "page3", "filter"]):
    body = urllib.request.urlopen(base + path).read()
    want = open(f"{ref}/{r}.json", "rb").read()
    same = json.loads(body) == json.loads(want)
    out.append(f"{r}: {'same JSON' if same else 'DIFFERENT'}{' (byte-identical)' if body == want else ''}, {len(body)} B")
print(f"{name}: " + "; ".join(out))
EOF
}

# CPU 0's busy ticks (user+nice+system+irq+softirq+steal): includes the softirq work of loopback
# TCP, which the kernel may not charge to the server process.
cpu0_ticks() { awk '$1 == "cpu0" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# One wrk run; appends a TSV row:
# server scenario conns run rps p50_ms p99_ms cpu_us errors rss_mb cpu0_us
run_wrk() {  # SERVER SCENARIO PATH CONNS RUN
  local before after out c0before c0after
  before=$(cpu_ticks "$SRV_PID"); c0before=$(cpu0_ticks)
  # shellcheck disable=SC2086 # WRK_EXTRA is empty or a script and its arguments
  out=$(taskset -c 1 wrk -t1 -c"$4" -d"${SECS}s" --latency ${WRK_EXTRA:-} "http://127.0.0.1:$PORT$3" ${WRK_ARGS:-})
  after=$(cpu_ticks "$SRV_PID"); c0after=$(cpu0_ticks)
  python3 - "$1" "$2" "$4" "$5" "$before" "$after" "$TICKS" "$(rss_mb "$SRV_PID")" "$out" "$c0before" "$c0after" <<'EOF' >> "$RAW"
import re, sys
srv, scen, conns, run, before, after, ticks, rss, out, c0b, c0a = sys.argv[1:12]
def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s); v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v * 60000 if m.group(2) == "m" else v
reqs = int(re.search(r"(\d+) requests in", out).group(1))
rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
errs = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
if m: errs += sum(int(x) for x in m.groups())
cpu = (int(after) - int(before)) * 1e6 / int(ticks) / max(reqs, 1)
cpu0 = (int(c0a) - int(c0b)) * 1e6 / int(ticks) / max(reqs, 1)
print("\t".join(map(str, [srv, scen, conns, run, f"{rps:.0f}", f"{p50:.3f}", f"{p99:.3f}", f"{cpu:.2f}", errs, rss, f"{cpu0:.2f}"])))
EOF
  tail -1 "$RAW" >&2
}

scenario() {  # SERVER SCENARIO PATH CONNS
  # shellcheck disable=SC2086
  taskset -c 1 wrk -t1 -c"$4" -d"${WARMUP}s" ${WRK_EXTRA:-} "http://127.0.0.1:$PORT$3" ${WRK_ARGS:-} > /dev/null
  for r in $(seq 1 "$RUNS"); do run_wrk "$1" "$2" "$3" "$4" "$r"; done
}

# The slug read with PIPELINE requests in flight per connection.
pipelined() {  # SERVER PATH
  WRK_EXTRA="-s $BENCH/scripts/pipeline.lua" WRK_ARGS="-- $PIPELINE" scenario "$1" "slug read, pipelined" "$2" 64
}

: > "$OUT/peers-check.txt"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(date -u +%Y-%m-%dT%H:%MZ)
for srv in $ONLY; do
  [ "$srv" = none ] && continue  # ONLY=none: the interleaved rounds alone
  if [ "$srv" = floor ]; then
    log "floor: epoll loop, 1 KiB body"
    start_server floor-1k; scenario floor-1k "fixed response" "/" 64; stop_server floor-1k
    log "floor: epoll loop, body as large as the slug response"
    start_server floor-slug
    scenario floor-slug "fixed response" "/" 64
    scenario floor-slug "fixed response, 1000 conns" "/" 1000
    [ "$PIPELINE" -gt 0 ] && pipelined floor-slug "/"
    stop_server floor-slug
    continue
  fi
  log "$srv: starting"
  start_server "$srv"
  check_same "$srv"
  scenario "$srv" "slug read" "$P_SLUG" 64
  scenario "$srv" "page-3 list" "$P_PAGE3" 64
  scenario "$srv" "filtered list" "$P_FILTER" 64
  scenario "$srv" "slug read, 1000 conns" "$P_SLUG" 1000
  [ "$PIPELINE" -gt 0 ] && pipelined "$srv" "$P_SLUG"
  stop_server "$srv"
done

# ---- interleaved CPU per request: floor, Folio, Folio without access log take turns -------------
if [ "$INTERLEAVE" -gt 0 ]; then
  log "interleaved slug reads: $INTERLEAVE rounds of floor / folio / folio-nolog"
  BASE_PORT=$PORT
  PORT=$((BASE_PORT + 1)); start_server floor-slug; IL_FLOOR=$SRV_PID
  PORT=$((BASE_PORT + 2)); start_server folio; IL_FOLIO=$SRV_PID
  PORT=$((BASE_PORT + 3)); start_server folio-nolog; IL_NOLOG=$SRV_PID
  for r in $(seq 1 "$INTERLEAVE"); do
    for srv in floor-slug folio folio-nolog; do
      case $srv in
        floor-slug) PORT=$((BASE_PORT + 1)); SRV_PID=$IL_FLOOR ;;
        folio) PORT=$((BASE_PORT + 2)); SRV_PID=$IL_FOLIO ;;
        folio-nolog) PORT=$((BASE_PORT + 3)); SRV_PID=$IL_NOLOG ;;
      esac
      taskset -c 1 wrk -t1 -c64 -d1s "http://127.0.0.1:$PORT$P_SLUG" > /dev/null
      run_wrk "$srv" "slug read, interleaved" "$P_SLUG" 64 "$r"
    done
  done
  for pid in $IL_FLOOR $IL_FOLIO $IL_NOLOG; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PORT=$BASE_PORT
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- FolioJSON vs JSONEncoder ------------------------------------------------------------------
log "JSONBench (page-1 list)"
if [ -x "$PEERBIN/JSONBench" ]; then
  taskset -c 0 "$PEERBIN/JSONBench" "$OUT/page1.json" 2000 > "$OUT/jsonbench.txt"
else
  echo "JSONBench not built" > "$OUT/jsonbench.txt"
fi
cat "$OUT/jsonbench.txt" >&2

# ---- report ------------------------------------------------------------------------------------
python3 "$BENCH/scripts/peers-report.py" "$RAW" "$OUT/peers-check.txt" "$OUT/jsonbench.txt" \
  "date=$T0" "commit=$(git rev-parse --short HEAD)" "nproc=$(nproc)" "kernel=$(uname -r)" \
  "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  "load_before=$LOAD_BEFORE" "load_after=$LOAD_AFTER" "secs=$SECS" "runs=$RUNS" \
  "slug=$slug" "slug_bytes=$SLUG_BYTES" "pipeline=$PIPELINE" "tag=$tag" "author=$author" > "$OUT/peers-section.md"
cat "$OUT/peers-section.md"
if [ -z "${NO_RESULTS:-}" ]; then
  [ -f "$BENCH/RESULTS.md" ] || echo "# Results" > "$BENCH/RESULTS.md"
  { echo; cat "$OUT/peers-section.md"; } >> "$BENCH/RESULTS.md"
  log "appended to Benchmarks/RESULTS.md"
fi

# ---- the long tail (issue 15) ------------------------------------------------------------------
# With LONG_TAIL=1: the same three servers on 100,000 generated articles, uniform random slugs
# (without and with gzip), random filtered lists and a repeated slug (long-tail-peers.sh).
if [ -n "${LONG_TAIL:-}" ]; then
  log "long tail: Folio, Hummingbird and Vapor on 100,000 articles"
  SKIP_BUILD=1 "$BENCH/long-tail-peers.sh"
fi
