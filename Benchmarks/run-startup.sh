#!/usr/bin/env bash
# Start-up until the server answers /readyz, and RSS then, for generated corpora (content issue).
# Usage: Benchmarks/run-startup.sh [ARTICLES...]   (default: 10000 100000; corpora are generated once)
source "$(dirname "$0")/scripts/lib.sh"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
echo "| articles | generate (s) | start-up until /readyz answers (ms) | server's own start-up line | RSS after start-up (MB) |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  db=${DB_DIR:-/tmp}/folio-bench-$n.sqlite
  gen="(existing)"
  if [ ! -f "$db" ]; then
    t0=$(date +%s%N); "$FOLIO" generate --articles "$n" --seed 42 --database "$db" > /dev/null
    gen=$(python3 -c "print(f'{($(date +%s%N)-$t0)/1e9:.1f}')")
  fi
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true   # cold OS cache where allowed
  start_folio "$db" 18070
  line=$(grep -o 'started in [0-9]* ms' /tmp/folio-bench-18070.log)
  echo "| $n | $gen | $STARTUP_MS | $line | $(rss_mb $FOLIO_PID) |"
  stop_folio
done
