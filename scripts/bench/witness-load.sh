#!/usr/bin/env bash
# witness-load.sh [REQUESTS] [CLIENTS]: one witness under load (issue 11). Starts
# `auths witness serve` with a new key and log on a free port of 127.0.0.1, sends it REQUESTS
# (default 2,000) signed receipt requests for distinct commits from CLIENTS (default 8)
# concurrent clients (auths-witness-load, a test tool of a build with AUTHS_BUILD_TESTS=ON), then
# checks: no request failed, the log holds exactly REQUESTS entries (none lost), and
# `auths witness verify-log` verifies it (hash chain, every receipt's signature). Prints the
# requests per second. The server is stopped on exit, whatever happens.
#
# $AUTHS_BIN_DIR: the binaries (default build/bin). The ctest `witness-load` runs it on the
# test build (sanitizers on); measure with a Release build.
set -euo pipefail

REQUESTS=${1:-2000}
CLIENTS=${2:-8}
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${AUTHS_BIN_DIR:-$here/build/bin}
for tool in auths auths-witness-load; do
  [ -x "$bin/$tool" ] || { echo "error: $bin/$tool not found; build with -DAUTHS_BUILD_TESTS=ON first" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/auths-witness-load.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
did=$("$bin/auths" witness init --key "$work/key" 2>/dev/null)
"$bin/auths" witness serve --key "$work/key" --db "$work/log.sqlite" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 200); do
  grep -q 'listening on' "$work/serve.log" && break
  kill -0 "$server" 2>/dev/null || { echo "error: the witness exited: $(cat "$work/serve.log")" >&2; exit 1; }
  sleep 0.05
done
grep -q 'listening on' "$work/serve.log" || { echo "error: the witness did not start: $(cat "$work/serve.log")" >&2; exit 1; }

echo "witness $did at $url: $REQUESTS requests from $CLIENTS clients"
"$bin/auths-witness-load" "$url" "$REQUESTS" "$CLIENTS" | tee "$work/load.out"
read -r _ requests _ clients _ errors _ entries _ seconds _ rate _ <"$work/load.out"

"$bin/auths" witness verify-log --json "$url" >"$work/verify.json"
size=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["size"] if d["ok"] else -1)' "$work/verify.json")
if [ "$errors" != 0 ] || [ "$entries" != "$requests" ] || [ "$size" != "$REQUESTS" ]; then
  echo "FAIL: $errors errors, $entries distinct entries answered, the log holds $size (expected $REQUESTS)" >&2
  exit 1
fi
echo "PASS: $requests requests from $clients clients in $seconds s ($rate requests/s), no error, the log holds $size entries and verifies"
