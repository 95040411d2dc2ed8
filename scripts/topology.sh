#!/usr/bin/env bash
# The topology the Helm chart (helm/gale) deploys, as separate processes on this machine:
# 3 `gale scheduler` members (a TCP-IP member list on loopback instead of the headless Service),
# 2 `gale gateway`s, 1 `gale scaler` whose pools file has one `local` pool, and the workers: the
# scaler's local-provider blocks, dialing a gateway.
#
#   scripts/topology.sh start  DIR   start everything, each role in the background, logs in DIR
#   scripts/topology.sh status DIR   roles, pids, addresses; exit 0 when every role runs
#   scripts/topology.sh stop   DIR   SIGTERM scaler, then gateways, then schedulers; SIGKILL what
#                                    did not exit in time (reported; exit 1 then)
#
# Each role is configured the way the chart configures its pod: through GALE_* environment
# variables (see DIR/env/ROLE.env), not command-line flags, with a clean environment (the caller's
# GALE_* variables do not leak in). Needs only the built repository (`mvn -B package -DskipTests`):
# the roles run `./gale` with GALE_NO_BUILD=1, as in the image.
#
# What DIR holds after `start`:
#   topology.env           CLUSTER_NAME, SCHEDULER_MEMBERS, GATEWAY_URLS, GATEWAY_URL_0/1, POOL,
#                          ADMIN_TOKEN_FILE (shell syntax; `. DIR/topology.env`)
#   secret/admin-token     the admin token every gateway registers (the chart's Secret; mode 0600)
#   pools.json             the scaler's pools file (the chart's ConfigMap)
#   env/ROLE.env           the environment of each role (without the secret)
#   logs/ROLE.log          stdout and stderr of each role; pids/ROLE.pid its process id
#   ROLE/                  GALE_HOME of each role (the scaler's local block logs are under it)
#
# Environment (all optional):
#   TOPOLOGY_TIMEOUT              seconds each role gets to say it is up (default 120)
#   TOPOLOGY_STOP_TIMEOUT         seconds each tier gets to exit after SIGTERM (default 60)
#   TOPOLOGY_POOL                 name of the local pool (default local)
#   TOPOLOGY_BLOCKS               blocks (worker processes) of the pool, min = init = max (default 2)
#   TOPOLOGY_SLOTS                slots per block (default 2)
#   TOPOLOGY_POOLS_FILE           a pools file to use instead of the generated one
#   TOPOLOGY_ADMIN_TOKEN_FILE     a file holding the admin token (the chart's auth.existingSecret);
#                                 default: a random token generated once into DIR/secret/admin-token
#   TOPOLOGY_JAVA_OPTS            JVM options of every role (GALE_JAVA_OPTS; default -Xmx384m)
#   TOPOLOGY_STORE_KIND           scheduler store: none (default, as the chart) or postgresql, with
#                                 TOPOLOGY_STORE_URL, TOPOLOGY_STORE_USER, TOPOLOGY_STORE_PASSWORD
#   TOPOLOGY_SCHEDULER_EXTRA_ENV  more NAME=VALUE pairs (whitespace-separated) for a role, as the
#   TOPOLOGY_GATEWAY_EXTRA_ENV    chart's <role>.extraEnv, e.g.
#   TOPOLOGY_SCALER_EXTRA_ENV     TOPOLOGY_GATEWAY_EXTRA_ENV="GALE_GATEWAY_HEARTBEAT_SECONDS=2"
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GALE="$ROOT/gale"
JAR="$ROOT/cli/target/gale-cli-0.1.0-SNAPSHOT.jar"
LIB="$ROOT/cli/target/lib"

SCHEDULERS=(scheduler-0 scheduler-1 scheduler-2)
GATEWAYS=(gateway-0 gateway-1)
SCALER=scaler
TIMEOUT="${TOPOLOGY_TIMEOUT:-120}"
STOP_TIMEOUT="${TOPOLOGY_STOP_TIMEOUT:-60}"

die() {
  echo "topology: error: $*" >&2
  exit 1
}

say() {
  echo "topology: $*"
}

usage() {
  echo "usage: $0 start|stop|status DIR" >&2
  exit 2
}

is_uint() {
  [[ "$1" =~ ^[0-9]+$ ]]
}

# --- processes -------------------------------------------------------------------------------

# The pid recorded for a role, or nothing.
pid_of() {
  local f="$DIR/pids/$1.pid"
  [ -f "$f" ] && tr -dc '0-9' <"$f"
  return 0
}

# True when pid $1 runs a Gale JVM (not a recycled pid of something else).
is_gale() {
  local pid="$1" cmd
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *dev.gale.cli.Main* ]]
}

# True when the role's recorded process runs.
running() {
  is_gale "$(pid_of "$1")"
}

# Free TCP ports on loopback, below the ephemeral range (so that no client socket takes them
# between now and the bind): $1 of them, printed space-separated.
pick_ports() {
  local n="$1" picked=() p tries=0
  while [ "${#picked[@]}" -lt "$n" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 500 ] || die "no free ports found on 127.0.0.1"
    p=$((20000 + RANDOM % 12000))
    [[ " ${picked[*]:-} " == *" $p "* ]] && continue
    # a successful connect means something listens there
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      continue
    fi
    picked+=("$p")
  done
  echo "${picked[*]}"
}

# Writes the role's environment file: the chart's common env, then the role's own pairs.
# usage: write_env ROLE NAME=VALUE...
write_env() {
  local role="$1"
  shift
  {
    # gale.commonEnv of the chart (GALE_HOME is the role's own directory here)
    echo "GALE_NO_BUILD=1"
    echo "GALE_HOME=$DIR/$role"
    echo "GALE_SCHEDULER_CLUSTER_NAME=$CLUSTER_NAME"
    echo "GALE_JAVA_OPTS=${TOPOLOGY_JAVA_OPTS:--Xmx384m}"
    local kv
    for kv in "$@"; do
      echo "$kv"
    done
  } >"$DIR/env/$role.env"
}

# Starts a role in the background from its environment file (plus extra NAME=VALUE pairs that
# are not written down, such as the secret), in its own session, with its log and pid file.
# usage: launch ROLE SUBCOMMAND [NAME=VALUE...]
launch() {
  local role="$1" sub="$2" pid
  shift 2
  local env=(PATH="$PATH" HOME="${HOME:-/root}" LANG="${LANG:-C.UTF-8}")
  [ -n "${JAVA_HOME:-}" ] && env+=(JAVA_HOME="$JAVA_HOME")
  [ -n "${TMPDIR:-}" ] && env+=(TMPDIR="$TMPDIR")
  local line
  while IFS= read -r line; do
    [ -n "$line" ] && env+=("$line")
  done <"$DIR/env/$role.env"
  env+=("$@")
  mkdir -p "$DIR/$role"
  : >"$DIR/logs/$role.log"
  # setsid: the role is not in the caller's process group (a Ctrl-C there does not reach it);
  # setsid and ./gale exec, so $! is the role's JVM
  env -i "${env[@]}" setsid "$GALE" "$sub" </dev/null >>"$DIR/logs/$role.log" 2>&1 &
  pid=$!
  echo "$pid" >"$DIR/pids/$role.pid"
}

# Waits until the role's log has a line matching the extended regex $2, or fails naming the
# role and its log. Prints the matching line.
await_line() {
  local role="$1" regex="$2" what="$3" deadline log pid line
  log="$DIR/logs/$role.log"
  pid="$(pid_of "$role")"
  deadline=$((SECONDS + TIMEOUT))
  while true; do
    line="$(grep -E -m1 -- "$regex" "$log" 2>/dev/null || true)"
    if [ -n "$line" ]; then
      echo "$line"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      fail_role "$role" "exited before it was $what"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail_role "$role" "not $what within ${TIMEOUT}s"
    fi
    sleep 0.2
  done
}

fail_role() {
  local role="$1" why="$2" log="$DIR/logs/$1.log"
  {
    echo "topology: error: $role (pid $(pid_of "$role")) $why; its log: $log"
    echo "--- last lines of $log ---"
    tail -n 25 "$log" 2>/dev/null || true
    echo "---"
    echo "topology: the roles that did start keep running; stop them with: $0 stop $DIR"
  } >&2
  exit 1
}

# One HTTP/1.0 GET to 127.0.0.1 with the admin token, in bash only; prints the body.
http_get() {
  local port="$1" path="$2" token response
  token="$(head -n1 "$ADMIN_TOKEN_FILE")"
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nAuthorization: Bearer %s\r\n\r\n' \
    "$path" "$port" "$token" >&3
  response="$(cat <&3)" || true
  exec 3<&-
  printf '%s' "${response#*$'\r\n\r\n'}"
}

# Waits until the pool has $2 workers connected (its blocks have dialed a gateway).
await_workers() {
  local pool="$1" want="$2" port="$3" deadline body n=0
  deadline=$((SECONDS + TIMEOUT))
  while true; do
    body="$(http_get "$port" "/v1/pools/$pool" 2>/dev/null || true)"
    if [[ "$body" =~ \"workers\":([0-9]+) ]]; then
      n="${BASH_REMATCH[1]}"
      [ "$n" -ge "$want" ] && return 0
    fi
    running "$SCALER" || fail_role "$SCALER" "exited while its blocks were starting"
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail_role "$SCALER" "has $n of $want workers of pool $pool connected after ${TIMEOUT}s (block logs under $DIR/$SCALER)"
    fi
    sleep 0.5
  done
}

# Block ids and pids the scaler logged ("block ID of pool P started as pid N"): "ID PID" lines.
logged_blocks() {
  local log="$DIR/logs/$SCALER.log"
  [ -f "$log" ] || return 0
  sed -n -E 's/.*block ([^ ]+) of pool [^ ]+ started as pid ([0-9]+).*/\1 \2/p' "$log"
}

# True when pid $2 is the live process of block $1 (its command line names the block).
is_block() {
  local id="$1" pid="$2" cmd
  [ -r "/proc/$pid/cmdline" ] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"--worker-id $id"* ]]
}

# --- commands --------------------------------------------------------------------------------

cmd_start() {
  [[ -f "$JAR" && -d "$LIB" ]] || die "Gale is not built: $JAR is missing; run: (cd $ROOT && mvn -B package -DskipTests)"
  local r
  for r in "${SCHEDULERS[@]}" "${GATEWAYS[@]}" "$SCALER"; do
    if running "$r"; then
      die "$r already runs in $DIR (pid $(pid_of "$r")); stop it first: $0 stop $DIR"
    fi
  done
  local pool="${TOPOLOGY_POOL:-local}" blocks="${TOPOLOGY_BLOCKS:-2}" slots="${TOPOLOGY_SLOTS:-2}"
  [[ "$blocks" =~ ^[1-9][0-9]*$ ]] || die "TOPOLOGY_BLOCKS must be a positive integer, got '$blocks'"
  [[ "$slots" =~ ^[1-9][0-9]*$ ]] || die "TOPOLOGY_SLOTS must be a positive integer, got '$slots'"
  is_uint "$TIMEOUT" || die "TOPOLOGY_TIMEOUT must be a number of seconds, got '$TIMEOUT'"
  [[ "$pool" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "TOPOLOGY_POOL must be a pool name (a-z, 0-9, -), got '$pool'"
  mkdir -p "$DIR"/{env,logs,pids,secret}
  chmod 700 "$DIR/secret"

  # the Secret: an admin token every gateway registers
  if [ -n "${TOPOLOGY_ADMIN_TOKEN_FILE:-}" ]; then
    [ -r "$TOPOLOGY_ADMIN_TOKEN_FILE" ] || die "TOPOLOGY_ADMIN_TOKEN_FILE $TOPOLOGY_ADMIN_TOKEN_FILE is not readable"
    ADMIN_TOKEN_FILE="$(cd "$(dirname "$TOPOLOGY_ADMIN_TOKEN_FILE")" && pwd)/$(basename "$TOPOLOGY_ADMIN_TOKEN_FILE")"
  else
    ADMIN_TOKEN_FILE="$DIR/secret/admin-token"
    if [ ! -s "$ADMIN_TOKEN_FILE" ]; then
      (
        umask 077
        echo "gale_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')" >"$ADMIN_TOKEN_FILE"
      )
    fi
  fi
  local admin_token
  admin_token="$(head -n1 "$ADMIN_TOKEN_FILE")"
  [[ "$admin_token" =~ ^gale_[A-Za-z0-9_-]{43}$ ]] || die "the admin token in $ADMIN_TOKEN_FILE is not gale_ followed by 43 base64url characters"

  # the ConfigMap: the scaler's pools file
  local pools_file="$DIR/pools.json"
  if [ -n "${TOPOLOGY_POOLS_FILE:-}" ]; then
    [ -r "$TOPOLOGY_POOLS_FILE" ] || die "TOPOLOGY_POOLS_FILE $TOPOLOGY_POOLS_FILE is not readable"
    cp "$TOPOLOGY_POOLS_FILE" "$pools_file"
  else
    cat >"$pools_file" <<EOF
{"pools": {"$pool": {"provider": "local", "minBlocks": $blocks, "initBlocks": $blocks,
  "maxBlocks": $blocks, "nodesPerBlock": 1, "slotsPerNode": $slots, "maxIdleSeconds": 120,
  "options": {"gracePeriodSeconds": 10}}}}
EOF
  fi

  CLUSTER_NAME="gale-topology-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  local ports sched_ports gw_ports members="" gw_urls="" i
  read -r -a ports <<<"$(pick_ports 5)"
  [ "${#ports[@]}" -eq 5 ] || exit 1
  sched_ports=("${ports[@]:0:3}")
  gw_ports=("${ports[@]:3:2}")
  for i in 0 1 2; do
    members+="${members:+,}127.0.0.1:${sched_ports[$i]}"
  done
  for i in 0 1; do
    gw_urls+="${gw_urls:+,}http://127.0.0.1:${gw_ports[$i]}"
  done

  local store=(GALE_STORE_KIND="${TOPOLOGY_STORE_KIND:-none}")
  if [ "${TOPOLOGY_STORE_KIND:-none}" = postgresql ]; then
    [ -n "${TOPOLOGY_STORE_URL:-}" ] || die "TOPOLOGY_STORE_KIND=postgresql needs TOPOLOGY_STORE_URL"
    store+=(GALE_STORE_URL="$TOPOLOGY_STORE_URL" GALE_STORE_USER="${TOPOLOGY_STORE_USER:-}")
  elif [ "${TOPOLOGY_STORE_KIND:-none}" != none ]; then
    die "TOPOLOGY_STORE_KIND must be none or postgresql (several members cannot share an embedded store), got '$TOPOLOGY_STORE_KIND'"
  fi
  local extra
  local -a sched_extra gw_extra scaler_extra
  read -r -a sched_extra <<<"${TOPOLOGY_SCHEDULER_EXTRA_ENV:-}"
  read -r -a gw_extra <<<"${TOPOLOGY_GATEWAY_EXTRA_ENV:-}"
  read -r -a scaler_extra <<<"${TOPOLOGY_SCALER_EXTRA_ENV:-}"
  for extra in "${sched_extra[@]}" "${gw_extra[@]}" "${scaler_extra[@]}"; do
    [[ "$extra" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "extra env '$extra' is not NAME=VALUE"
  done

  # POOL: the generated pool (empty with a pools file of your own)
  local pool_env="$pool"
  if [ -n "${TOPOLOGY_POOLS_FILE:-}" ]; then
    pool_env=""
  fi
  cat >"$DIR/topology.env" <<EOF
CLUSTER_NAME=$CLUSTER_NAME
SCHEDULER_MEMBERS=$members
GATEWAY_URLS=$gw_urls
GATEWAY_URL_0=http://127.0.0.1:${gw_ports[0]}
GATEWAY_URL_1=http://127.0.0.1:${gw_ports[1]}
POOL=$pool_env
ADMIN_TOKEN_FILE=$ADMIN_TOKEN_FILE
EOF

  # schedulers: the StatefulSet, all at once (podManagementPolicy: Parallel)
  for i in 0 1 2; do
    write_env "${SCHEDULERS[$i]}" \
      GALE_SCHEDULER_HOST=127.0.0.1 \
      GALE_SCHEDULER_PORT="${sched_ports[$i]}" \
      GALE_SCHEDULER_MEMBERS="$members" \
      GALE_SCHEDULER_BACKUP_COUNT=1 \
      GALE_SCHEDULER_MAX_QUEUED_PER_POOL=1000000 \
      "${store[@]}" "${sched_extra[@]}"
    if [ "${TOPOLOGY_STORE_KIND:-none}" = postgresql ]; then
      launch "${SCHEDULERS[$i]}" scheduler GALE_STORE_PASSWORD="${TOPOLOGY_STORE_PASSWORD:-}"
    else
      launch "${SCHEDULERS[$i]}" scheduler
    fi
  done
  say "cluster $CLUSTER_NAME: starting scheduler members $members"
  for i in 0 1 2; do
    await_line "${SCHEDULERS[$i]}" "Gale scheduler member .* is up on" "up" >/dev/null
    say "${SCHEDULERS[$i]} is up on 127.0.0.1:${sched_ports[$i]} (pid $(pid_of "${SCHEDULERS[$i]}"), ${SECONDS}s)"
  done

  # gateways: the Deployment, pointing at every member (the chart: the headless Service's name)
  for i in 0 1; do
    write_env "${GATEWAYS[$i]}" \
      GALE_GATEWAY_HOST=127.0.0.1 \
      GALE_GATEWAY_PORT="${gw_ports[$i]}" \
      GALE_GATEWAY_SCHEDULER="$members" \
      "${gw_extra[@]}"
    launch "${GATEWAYS[$i]}" gateway GALE_GATEWAY_ADMIN_TOKEN="$admin_token"
  done
  # scaler, started with the gateways (it needs only the members): its workers dial gateway-0
  # and fall back to gateway-1 (on Kubernetes the gateway Service balances them instead); its
  # blocks stop with it (scale-in-on-exit), so that `stop` leaves no worker behind
  write_env "$SCALER" \
    GALE_SCALER_SCHEDULER="$members" \
    GALE_SCALER_GATEWAY_URL="http://127.0.0.1:${gw_ports[0]}" \
    GALE_SCALER_POOLS_FILE="$pools_file" \
    GALE_SCALER_SCALE_IN_ON_EXIT=true \
    GALE_RUNTIME_FALLBACK_URLS="http://127.0.0.1:${gw_ports[1]}" \
    "${scaler_extra[@]}"
  launch "$SCALER" scaler
  for i in 0 1; do
    await_line "${GATEWAYS[$i]}" "Gale gateway is up at" "up" >/dev/null
    say "${GATEWAYS[$i]} is up at http://127.0.0.1:${gw_ports[$i]} (pid $(pid_of "${GATEWAYS[$i]}"), ${SECONDS}s)"
  done

  await_line "$SCALER" "Gale scaler is up" "up" >/dev/null
  say "$SCALER is up (pid $(pid_of "$SCALER"), ${SECONDS}s), pools file $pools_file"

  if [ -z "${TOPOLOGY_POOLS_FILE:-}" ]; then
    await_workers "$pool" "$blocks" "${gw_ports[0]}"
    say "pool $pool: $blocks workers connected ($(logged_blocks | awk '{printf "%s%s pid %s", sep, $1, $2; sep=", "}'), ${SECONDS}s)"
  fi
  say "gateways: $gw_urls"
  say "admin token: $ADMIN_TOKEN_FILE"
  say "up; details in $DIR/topology.env"
}

cmd_status() {
  [ -d "$DIR/pids" ] || die "no topology in $DIR (no $DIR/pids)"
  local r pid ok=0 where envf
  # shellcheck disable=SC1091
  [ -f "$DIR/topology.env" ] && . "$DIR/topology.env"
  printf '%-12s %-8s %-8s %s\n' ROLE PID STATE ADDRESS
  for r in "${SCHEDULERS[@]}" "${GATEWAYS[@]}" "$SCALER"; do
    pid="$(pid_of "$r")"
    envf="$DIR/env/$r.env"
    where=""
    if [ -f "$envf" ]; then
      case "$r" in
        scheduler-*) where="127.0.0.1:$(sed -n 's/^GALE_SCHEDULER_PORT=//p' "$envf")" ;;
        gateway-*) where="http://127.0.0.1:$(sed -n 's/^GALE_GATEWAY_PORT=//p' "$envf")" ;;
        scaler) where="workers dial $(sed -n 's/^GALE_SCALER_GATEWAY_URL=//p' "$envf")" ;;
      esac
    fi
    if is_gale "$pid"; then
      printf '%-12s %-8s %-8s %s\n' "$r" "$pid" running "$where"
    else
      printf '%-12s %-8s %-8s %s\n' "$r" "${pid:--}" stopped "$where"
      ok=1
    fi
  done
  local id bpid
  while read -r id bpid; do
    [ -n "$id" ] || continue
    if is_block "$id" "$bpid"; then
      printf '%-12s %-8s %-8s %s\n' block "$bpid" running "$id (pool ${POOL:-?})"
    fi
  done < <(logged_blocks)
  [ -n "${CLUSTER_NAME:-}" ] && echo "cluster: $CLUSTER_NAME, members $SCHEDULER_MEMBERS"
  [ -n "${ADMIN_TOKEN_FILE:-}" ] && echo "admin token: $ADMIN_TOKEN_FILE"
  return "$ok"
}

# Sends SIGTERM to the running roles given, waits for them, SIGKILLs the ones still there.
# Sets FORCED=1 when one had to be killed.
stop_tier() {
  local r pid deadline left
  local -a pids=() names=()
  for r in "$@"; do
    pid="$(pid_of "$r")"
    if is_gale "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$r")
      say "SIGTERM $r (pid $pid)"
    elif [ -n "$pid" ]; then
      say "$r (pid $pid) was not running"
    fi
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  deadline=$((SECONDS + STOP_TIMEOUT))
  while true; do
    left=0
    for pid in "${pids[@]}"; do
      is_gale "$pid" && left=1
    done
    [ "$left" = 0 ] && break
    [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.2
  done
  local i
  for i in "${!pids[@]}"; do
    if is_gale "${pids[$i]}"; then
      echo "topology: ${names[$i]} (pid ${pids[$i]}) did not exit within ${STOP_TIMEOUT}s of SIGTERM: SIGKILL (log: $DIR/logs/${names[$i]}.log)" >&2
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      FORCED=1
    else
      say "${names[$i]} exited"
    fi
  done
}

cmd_stop() {
  [ -d "$DIR/pids" ] || die "no topology in $DIR (no $DIR/pids)"
  FORCED=0
  # the blocks the scaler started: it stops them itself on SIGTERM (scale-in-on-exit); any left
  # afterwards are reported and killed
  local -a blocks=()
  local id bpid
  while read -r id bpid; do
    [ -n "$id" ] && is_block "$id" "$bpid" && blocks+=("$id:$bpid")
  done < <(logged_blocks)
  stop_tier "$SCALER"
  stop_tier "${GATEWAYS[@]}"
  local b deadline left
  deadline=$((SECONDS + 15))
  while true; do
    left=0
    for b in "${blocks[@]}"; do
      is_block "${b%%:*}" "${b##*:}" && left=1
    done
    [ "$left" = 0 ] || [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.2
  done
  for b in "${blocks[@]}"; do
    if is_block "${b%%:*}" "${b##*:}"; then
      echo "topology: block ${b%%:*} (pid ${b##*:}) outlived the scaler: SIGKILL" >&2
      kill -KILL "${b##*:}" 2>/dev/null || true
      FORCED=1
    fi
  done
  stop_tier "${SCHEDULERS[@]}"
  if [ "$FORCED" = 1 ]; then
    echo "topology: stopped, but some processes had to be killed (see above)" >&2
    return 1
  fi
  say "stopped"
}

[ $# -eq 2 ] || usage
if [ "$1" = start ]; then
  mkdir -p "$2" 2>/dev/null || die "cannot create directory $2"
fi
[ -d "$2" ] || die "no topology in $2 (not a directory)"
DIR="$(cd "$2" && pwd)"
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
