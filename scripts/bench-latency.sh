#!/usr/bin/env bash
# Sync-invoke latency of a fresh `gale up`, for A/B comparisons between two checkouts.
#
#   scripts/bench-latency.sh SERVICE_DIR [BENCH_DIR] [LABEL] [RUNS]
#
# Starts `GALE_NO_BUILD=1 ./gale up --port $PORT` (default 18080) from SERVICE_DIR in a temporary
# GALE_HOME, waits for its workers, runs two untimed `gale bench latency --requests 3000` from
# BENCH_DIR (default: SERVICE_DIR) to warm both up, then RUNS (default 4) timed runs of 5,000
# requests, one line each (LABEL p50 p90 p99 max client), and stops the service. Alternate the
# two sides of an A/B and take medians over all lines: run-to-run noise on 2 cores is large.
# Both checkouts must be built (`mvn package -DskipTests`, `./gale cds`). UP_ARGS: more options
# for `gale up` (e.g. "--workers 1").
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 SERVICE_DIR [BENCH_DIR] [LABEL] [RUNS]" >&2
  exit 2
fi
SDIR=$(cd "$1" && pwd) BDIR=$(cd "${2:-$1}" && pwd) LABEL=${3:-run} RUNS=${4:-4}
PORT=${PORT:-18080}
export GALE_HOME
GALE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/gale-latency.XXXXXX")
LOG="$GALE_HOME/up.log"
(cd "$SDIR" && GALE_NO_BUILD=1 exec ./gale up --port "$PORT" ${UP_ARGS:-} >"$LOG" 2>&1) &
UP=$!
trap 'kill $UP 2>/dev/null; wait $UP 2>/dev/null; rm -rf "$GALE_HOME"' EXIT
for _ in $(seq 1 120); do
  grep -q "joined pool default" "$LOG" 2>/dev/null && break
  sleep 0.5
done
grep -q "joined pool default" "$LOG" || { echo "gale up did not get ready; see $LOG" >&2; exit 1; }
sleep 2
cd "$BDIR"
for _ in 1 2; do
  GALE_NO_BUILD=1 ./gale bench latency --url "http://127.0.0.1:$PORT" --requests 3000 --quiet >/dev/null
done
for _ in $(seq 1 "$RUNS"); do
  GALE_NO_BUILD=1 ./gale bench latency --url "http://127.0.0.1:$PORT" --requests 5000 --quiet |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1], "p50", d["p50Ms"], "p90", d["p90Ms"], "p99", d["p99Ms"], "max", d["maxMs"], d.get("client", "jdk-httpclient"))' "$LABEL"
done
