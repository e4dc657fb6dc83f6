# Sourced by scripts/validate-openapi and scripts/schemathesis: builds `folio` (debug) when it is
# missing, starts `folio serve` on a free loopback port over a temporary database loaded with the
# sample content, and stops it on exit. Sets FOLIO_URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export SWIFT_BACKTRACE=enable=no
# FOLIO_BIN names a prebuilt binary; otherwise the debug build is brought up to date.
if [ -z "${FOLIO_BIN:-}" ]; then
  swift build --product folio >&2
  FOLIO_BIN=.build/debug/folio
fi
FOLIO_TMP=$(mktemp -d)
FOLIO_PID=
stop_folio() {
  if [ -n "$FOLIO_PID" ]; then kill "$FOLIO_PID" 2>/dev/null || true; wait "$FOLIO_PID" 2>/dev/null || true; fi
  rm -rf "$FOLIO_TMP"
}
trap stop_folio EXIT
"$FOLIO_BIN" serve --database "$FOLIO_TMP/folio.sqlite" --host 127.0.0.1 --port 0 >"$FOLIO_TMP/serve.log" 2>&1 &
FOLIO_PID=$!
FOLIO_URL=
for _ in $(seq 1 100); do
  FOLIO_URL=$(sed -n 's/^folio listening on \(http:\/\/[0-9.]*:[0-9]*\).*/\1/p' "$FOLIO_TMP/serve.log" | head -1)
  [ -n "$FOLIO_URL" ] && break
  kill -0 "$FOLIO_PID" 2>/dev/null || { cat "$FOLIO_TMP/serve.log" >&2; echo "folio serve exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$FOLIO_URL" ] || { cat "$FOLIO_TMP/serve.log" >&2; echo "folio serve did not start" >&2; exit 1; }
# A write token (for the write routes), in FOLIO_TOKEN.
FOLIO_TOKEN=$("$FOLIO_BIN" token create --name lib-serve --scope content:write --database "$FOLIO_TMP/folio.sqlite" 2>/dev/null)

# pip_need MODULE PACKAGE: installs PACKAGE from PyPI when MODULE cannot be imported.
pip_need() {
  python3 -c "import $1" 2>/dev/null && return 0
  python3 -m pip install -q "$2" 2>/dev/null || python3 -m pip install -q --break-system-packages "$2"
}
