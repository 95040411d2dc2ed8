#!/usr/bin/env bash
# Burst to first task running: how long a pool scaled to zero takes to run a task that arrives.
#
#   scripts/bench-burst.sh URL TOKEN PROVIDER [OPTIONS_JSON] [RUNS]
#
# For each run: PUT /v1/pools/burst-N {"provider": PROVIDER, minBlocks 0, maxBlocks 1, options},
# wait until its scaler reported a decision with no block and then $SETTLE seconds more (default
# 5: a pool scaled to zero has been idle a while; a local pool's standby agent gets ready in that
# time, as it would between two bursts), submit one shell task (`true`), wait
# for it to end, and print created -> started (the task's own timestamps, taken by the scheduler
# and the worker, so polling does not add to them). Then DELETE the pool and wait until it is
# gone. Prints every run and the median. Needs curl and python3.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 URL TOKEN PROVIDER [OPTIONS_JSON] [RUNS]" >&2
  exit 2
fi
URL=$1 TOKEN=$2 PROVIDER=$3 OPTIONS=${4:-{\}} RUNS=${5:-5}
SETTLE=${SETTLE:-5}

api() { # METHOD PATH [BODY]
  curl -sS -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$URL$2"
}
field() { # JSON-POINTER-LIKE python expression on stdin's JSON
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

results=()
for run in $(seq 1 "$RUNS"); do
  pool="burst-$$-$run"
  api PUT "/v1/pools/$pool" "{\"provider\":\"$PROVIDER\",\"minBlocks\":0,\"initBlocks\":0,\"maxBlocks\":1,\"slotsPerNode\":1,\"maxIdleSeconds\":2,\"options\":$OPTIONS}" >/dev/null
  for _ in $(seq 1 300); do
    ready=$(api GET "/v1/pools/$pool" | field "1 if d.get('scaler',{}).get('decision') and not d['scaler'].get('blocks') else 0")
    [[ $ready == 1 ]] && break
    sleep 0.1
  done
  sleep "$SETTLE"
  fn=$(api POST /v1/functions "{\"name\":\"burst\",\"kind\":\"shell\",\"pool\":\"$pool\",\"spec\":{\"command\":[\"true\"]}}" | field "d['id']")
  task=$(api POST "/v1/functions/$fn/invoke" '{"args":{},"wait":120}')
  state=$(field "d['state']" <<<"$task")
  if [[ $state != succeeded ]]; then
    echo "run $run: task ended $state: $task" >&2
    exit 1
  fi
  ms=$(field "round((__import__('datetime').datetime.fromisoformat(d['startedAt'].replace('Z','+00:00')) - __import__('datetime').datetime.fromisoformat(d['createdAt'].replace('Z','+00:00'))).total_seconds()*1000)" <<<"$task")
  echo "run $run: created -> started ${ms} ms (worker $(field "d['worker']" <<<"$task"))"
  results+=("$ms")
  api DELETE "/v1/functions/$fn" >/dev/null || true
  api DELETE "/v1/pools/$pool" >/dev/null
  for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/v1/pools/$pool")
    [[ $code == 404 ]] && break
    sleep 0.1
  done
done
printf '%s\n' "${results[@]}" | sort -n | python3 -c "import sys,statistics; v=[int(x) for x in sys.stdin]; print(f'median {statistics.median(v):.0f} ms of {len(v)} runs (min {min(v)}, max {max(v)})')"
