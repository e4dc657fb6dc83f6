#!/usr/bin/env bash
# HTTPS: Folio against nginx with the same ECDSA P-256 certificate, protocols (TLS 1.2 and 1.3) and
# ciphers (Mozilla intermediate), one after the other in one run (issue 14). Each server on CPU 0
# with one loop/worker, the load on CPU 1, access logs off on both:
#   1. keep-alive slug reads: wrk -c64 over HTTPS (Folio's cached article; nginx the same JSON as a
#      static file), req/s, p99 and server CPU per request;
#   2. resumed handshakes/s: wrk -c16 with "Connection: close" (wrk resumes its TLS sessions; the
#      server's counters confirm it for Folio);
#   3. full handshakes/s: 4 parallel `openssl s_time -new` (one request each, no session reuse),
#      server CPU per handshake.
# And the plain-HTTP slug read's CPU per request, for comparison with a build before the change
# (BEFORE=/path/to/older/folio). NGINX_FIRST=1 runs nginx's phases first.
#   Benchmarks/tls-peers.sh          (needs nginx: apt-get install nginx-light; SECS=10 per phase)
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
SECS=${SECS:-10}
OUT=${OUT:-/tmp/folio-tls-bench}
mkdir -p "$OUT/nginx/api/v1/articles" "$OUT/nginx-tmp"
[ -x "$FOLIO" ] || (cd "$ROOT" && swift build -c release --product folio)
DB=$OUT/corpus-1000.sqlite
[ -f "$DB" ] || "$FOLIO" generate --articles 1000 --seed 7 --database "$DB" > /dev/null
"$FOLIO" cert --self-signed --host localhost --cert "$OUT/cert.pem" --key "$OUT/key.pem" > /dev/null
echo '{"access_log": false}' > "$OUT/folio.json"
FPORT=18440; FTLS=18441; NPORT=18442
trap 'stop_folio; [ -n "${NGINX_PID:-}" ] && kill $NGINX_PID 2>/dev/null || true' EXIT

start_folio "$DB" "$FPORT" --config "$OUT/folio.json" --tls-cert "$OUT/cert.pem" --tls-key "$OUT/key.pem" --tls-port "$FTLS"
SLUG=$(curl -sf "http://127.0.0.1:$FPORT/api/v1/articles?page=50&per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
curl -sf "http://127.0.0.1:$FPORT/api/v1/articles/$SLUG" -o "$OUT/nginx/api/v1/articles/$SLUG"
echo '{"status":"ok"}' > "$OUT/nginx/healthz"
cat > "$OUT/nginx.conf" <<NGINX
worker_processes 1;
master_process off;
daemon off;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $OUT/nginx-tmp; proxy_temp_path $OUT/nginx-tmp; fastcgi_temp_path $OUT/nginx-tmp;
  uwsgi_temp_path $OUT/nginx-tmp; scgi_temp_path $OUT/nginx-tmp;
  keepalive_requests 100000;
  default_type application/json;
  server {
    listen 127.0.0.1:$NPORT ssl;
    ssl_certificate $OUT/cert.pem;
    ssl_certificate_key $OUT/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:SSL:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets on;
    root $OUT/nginx;
  }
}
NGINX

# cpu_of PID: user+system ticks.  full_handshakes PORT: 4 parallel s_time -new for SECS seconds.
full_handshakes() {
  local port=$1 t0=$(date +%s%N) pids=() total=0
  for k in 1 2 3 4; do
    taskset -c 1 openssl s_time -connect 127.0.0.1:"$port" -new -www /healthz -time "$SECS" > "$OUT/stime-$k.txt" 2>&1 & pids+=($!)
  done
  wait "${pids[@]}"
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  for k in 1 2 3 4; do total=$(( total + $(grep -oP '^\d+(?= connections in \d+ real)' "$OUT/stime-$k.txt") )); done
  echo "$total $ms"
}

measure() {  # NAME PID PORT URL_PATH
  local name=$1 pid=$2 port=$3 path=$4
  local b=$(cpu_ticks "$pid")
  local out=$(taskset -c 1 wrk -t1 -c64 -d"${SECS}s" --latency "https://localhost:$port$path")
  local a=$(cpu_ticks "$pid")
  local reqs=$(echo "$out" | grep -oP '\d+(?= requests in)') rps=$(echo "$out" | grep -oP '(?<=Requests/sec:)\s*[\d.]+' | tr -d ' ')
  local p99=$(echo "$out" | awk '/^ +99%/ {print $2}')
  echo "| $name | keep-alive HTTPS slug read, 64 connections | $rps req/s | p99 $p99 | $(python3 -c "print(f'{($a-$b)*1e6/$TICKS/$reqs:.1f}')") µs CPU/req |"
  b=$(cpu_ticks "$pid")
  out=$(taskset -c 1 wrk -t1 -c16 -d"${SECS}s" -H "Connection: close" "https://localhost:$port/healthz")
  a=$(cpu_ticks "$pid")
  reqs=$(echo "$out" | grep -oP '\d+(?= requests in)'); rps=$(echo "$out" | grep -oP '(?<=Requests/sec:)\s*[\d.]+' | tr -d ' ')
  echo "| $name | resumed handshakes (wrk, Connection: close, 16 connections) | $rps /s | | $(python3 -c "print(f'{($a-$b)*1e6/$TICKS/$reqs:.1f}')") µs CPU/handshake |"
  b=$(cpu_ticks "$pid")
  read -r n ms < <(full_handshakes "$port")
  a=$(cpu_ticks "$pid")
  echo "| $name | full handshakes (4 × openssl s_time -new) | $(python3 -c "print(f'{$n*1000/$ms:.0f}')") /s | | $(python3 -c "print(f'{($a-$b)*1e6/$TICKS/max($n,1):.1f}')") µs CPU/handshake |"
}

# plain_read NAME: the slug read over plain HTTP against the running Folio, one table row.
plain_read() {
  local b=$(cpu_ticks "$FOLIO_PID")
  local out=$(taskset -c 1 wrk -t1 -c64 -d"${SECS}s" "http://127.0.0.1:$FPORT/api/v1/articles/$SLUG")
  local a=$(cpu_ticks "$FOLIO_PID")
  local reqs=$(echo "$out" | grep -oP '\d+(?= requests in)')
  echo "| $1 | plain HTTP slug read, 64 connections | $(echo "$out" | grep -oP '(?<=Requests/sec:)\s*[\d.]+' | tr -d ' ') req/s | | $(python3 -c "print(f'{($a-$b)*1e6/$TICKS/$reqs:.2f}')") µs CPU/req |"
}

echo "## tls-peers: ${SECS}s phases, $(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD), $(openssl version)"
echo "| server | workload | rate | latency | server CPU |"
echo "|---|---|---|---|---|"
# nginx (the idle Folio process waits meanwhile); NGINX_FIRST=1 measures it before Folio, so
# that a drift of the machine's speed within a run does not always favour the same server.
run_nginx() {
  taskset -c 0 nginx -c "$OUT/nginx.conf" -p "$OUT" &
  NGINX_PID=$!
  for _ in $(seq 1 100); do curl -sk -o /dev/null "https://localhost:$NPORT/healthz" && break; sleep 0.05; done
  measure "nginx $(nginx -v 2>&1 | grep -oP '[\d.]+$')" "$NGINX_PID" "$NPORT" "/api/v1/articles/$SLUG"
  kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=
}
if [ -n "${NGINX_FIRST:-}" ]; then run_nginx; fi
for _ in 1 2 3; do curl -s --cacert "$OUT/cert.pem" -o /dev/null "https://localhost:$FTLS/api/v1/articles/$SLUG"; done
measure "Folio" "$FOLIO_PID" "$FTLS" "/api/v1/articles/$SLUG"
echo "Folio TLS counters: $(curl -s "http://127.0.0.1:$FPORT/metrics" | grep '^folio_tls' | tr '\n' ' ')"
plain_read "Folio"
stop_folio
if [ -n "${BEFORE:-}" ]; then
  FOLIO=$BEFORE start_folio "$DB" "$FPORT" --config "$OUT/folio.json"
  curl -s -o /dev/null "http://127.0.0.1:$FPORT/api/v1/articles/$SLUG"
  plain_read "Folio before ($BEFORE)"
  stop_folio
fi
if [ -z "${NGINX_FIRST:-}" ]; then run_nginx; fi
