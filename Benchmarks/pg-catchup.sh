#!/usr/bin/env bash
# A PostgreSQL replica catching up with 10,000 changes (issue 17): a throw-away PostgreSQL server
# (initdb on a temporary folder, random port, as the postgres user when root) holding 1,000
# generated articles; one replica (`folio serve --database-url`, CPU 0) running; then
# `folio import` of 10,000 more articles in one transaction (10,000 rows of the changes log
# committed at once). Measured: the import's time, and the time from the import's exit (its
# commit) until the replica serves all 11,000 articles (polling its list's total every 5 ms);
# then the same replica's cached slug reads still answer.
#   Benchmarks/pg-catchup.sh          (CHANGES=10000)
source "$(dirname "$0")/scripts/lib.sh"
CHANGES=${CHANGES:-10000}
OUT=${OUT:-/tmp/folio-pg-catchup}
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 777 "$OUT"
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGPORT=$((20000 + RANDOM % 20000))
as_pg "$BIN/initdb" -D "$OUT/data" -A trust -U folio -E UTF8 > /dev/null
as_pg "$BIN/pg_ctl" -D "$OUT/data" -l "$OUT/pg.log" -w -o "-p $PGPORT -k $OUT -c listen_addresses=127.0.0.1" start > /dev/null
trap 'stop_folio 2>/dev/null; as_pg "$BIN/pg_ctl" -D "$OUT/data" -m fast -w stop > /dev/null' EXIT
as_pg "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U folio -d postgres -q -c "CREATE DATABASE folio" > /dev/null
URL="postgres://folio@127.0.0.1:$PGPORT/folio"
"$FOLIO" generate --articles 1000 --seed 7 --database "$OUT/base.sqlite" > /dev/null 2>&1
"$FOLIO" generate --articles "$CHANGES" --seed 8 --database "$OUT/more.sqlite" > /dev/null 2>&1
"$FOLIO" export --database "$OUT/base.sqlite" --output "$OUT/base.json"
"$FOLIO" export --database "$OUT/more.sqlite" --output "$OUT/more.json"
# The second corpus's articles are new ones: slugs of their own, no ids (an id would update the
# first corpus's article of that id).
python3 - "$OUT/more.json" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
for a in d.get("articles", []):
    a["slug"] = "more-" + a["slug"]
    a.pop("id", None)
json.dump(d, open(p, "w"))
PY
"$FOLIO" import --database-url "$URL" "$OUT/base.json" > /dev/null
PORT=18470
taskset -c 0 "$FOLIO" serve --database-url "$URL" --port "$PORT" --host 127.0.0.1 --threads 1 > "$OUT/serve.log" 2>&1 &
FOLIO_PID=$!
for _ in $(seq 1 3000); do curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && break; sleep 0.01; done
total() { curl -sf "http://127.0.0.1:$PORT/api/v1/articles?per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["pagination"]["total"])'; }
before=$(total)
t0=$(date +%s%N)
taskset -c 1 "$FOLIO" import --database-url "$URL" "$OUT/more.json" > /dev/null
t1=$(date +%s%N)
want=$((before + CHANGES))
while [ "$(total)" -lt "$want" ]; do sleep 0.005; done
t2=$(date +%s%N)
echo "## pg-catchup: $(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD), $("$BIN/postgres" --version)"
echo "replica served $before articles; import of $CHANGES more (one transaction): $(( (t1 - t0) / 1000000 )) ms"
echo "from the import's exit to the replica serving all $want: $(( (t2 - t1) / 1000000 )) ms"
echo "replica RSS after: $(rss_mb "$FOLIO_PID") MB; cached slug read after: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/articles/$(curl -sf "http://127.0.0.1:$PORT/api/v1/articles?per_page=1&fields=slug" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')")"
