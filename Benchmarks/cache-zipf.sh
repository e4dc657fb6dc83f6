#!/usr/bin/env bash
# The response cache's hit ratio on a Zipf(0.99) stream of article reads over a generated corpus
# (issue 19), at the default cache size, against the ideal for the same capacity: the share of
# requests that go to the N most popular articles, N being the entries the cache holds when full.
# A warm-up of WARMUP seconds fills the cache; the ratio is measured over the next DURATION.
#
#   Benchmarks/cache-zipf.sh                      # 100,000 articles, 30 s warm-up, 60 s measured
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
ARTICLES=${ARTICLES:-100000}
WARMUP=${WARMUP:-30}
DURATION=${DURATION:-60}
PORT=${PORT:-18191}
WORK=${WORK:-/tmp/folio-zipf}
mkdir -p "$WORK"
[ -x "$FOLIO" ] || (cd "$ROOT" && swift build -c release --product folio)
DB=$WORK/corpus-$ARTICLES.sqlite
[ -f "$DB" ] || "$FOLIO" generate --articles "$ARTICLES" --seed 7 --database "$DB"
python3 -c "import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('select slug from articles order by id')]" "$DB" > "$WORK/slugs.txt"

# Started in $WORK (start_folio in scripts/lib.sh: CPU 0, one loop), so the repository's
# Config/folio.json is not read: every setting is its default.
trap stop_folio EXIT
pushd "$WORK" > /dev/null && start_folio "$DB" "$PORT" && popd > /dev/null

metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
SLUGS=$WORK/slugs.txt taskset -c 1 wrk -t1 -c16 -d"${WARMUP}s" -s "$(dirname "$0")/scripts/zipf.lua" "http://127.0.0.1:$PORT" > "$WORK/warmup.txt"
H0=$(metric folio_response_cache_hits_total); M0=$(metric folio_response_cache_misses_total)
SLUGS=$WORK/slugs.txt taskset -c 1 wrk -t1 -c16 -d"${DURATION}s" --latency -s "$(dirname "$0")/scripts/zipf.lua" "http://127.0.0.1:$PORT" > "$WORK/run.txt"
H1=$(metric folio_response_cache_hits_total); M1=$(metric folio_response_cache_misses_total)
ENTRIES=$(metric folio_response_cache_entries); BYTES=$(metric folio_response_cache_bytes); EVICTIONS=$(metric folio_response_cache_evictions_total)

python3 - "$ARTICLES" "$H0" "$M0" "$H1" "$M1" "$ENTRIES" "$BYTES" "$EVICTIONS" <<'PY'
import sys
n, h0, m0, h1, m1, entries, size, evictions = (float(x) for x in sys.argv[1:])
s = 0.99
weights = [1 / r ** s for r in range(1, int(n) + 1)]
total = sum(weights)
ideal = sum(weights[:int(entries)]) / total
hits, misses = h1 - h0, m1 - m0
ratio = hits / (hits + misses)
print(f"measured: {int(hits)} hits, {int(misses)} misses: hit ratio {ratio:.3f}")
print(f"cache at the end: {int(entries)} entries, {size / 1048576:.1f} MiB, {int(evictions)} evictions since start")
print(f"ideal for {int(entries)} entries (the {int(entries)} most popular of {int(n)} articles under Zipf({s})): {ideal:.3f}")
print(f"hit ratio / ideal: {ratio / ideal:.1%}")
PY
grep -E "Requests/sec|Latency|requests in" "$WORK/run.txt" | sed 's/^ *//'
