#!/usr/bin/env bash
# A single-node Slurm (with the Torque-style qsub/qstat/qdel wrappers) for tests and demos,
# without systemd.
#
#   scripts/slurm-testbed.sh install          apt-get install slurm-wlm slurm-wlm-torque munge (root)
#   scripts/slurm-testbed.sh start  DIR       write DIR/slurm.conf, start the daemons, wait for the node
#   scripts/slurm-testbed.sh stop   DIR       stop the daemons of DIR by the pids in their pid files
#   scripts/slurm-testbed.sh status DIR       say whether the daemons of DIR run; exit 0 if they do
#
# Everything of one testbed lives in DIR: slurm.conf, state, spool, logs, pid files (and the munge
# key and socket with auth/munge). Point the client commands at it with SLURM_CONF=DIR/slurm.conf
# (`start` prints that line last). Several testbeds can run at once: each picks free ports.
#
# Environment:
#   SLURM_TESTBED_AUTH     none (default: auth/none + cred/none, nothing else to run) or munge
#                          (a private munged on DIR/munge.socket with its own key)
#   SLURM_TESTBED_TIMEOUT  seconds to wait for the node to become idle (default 30)
#   SLURM_TESTBED_PORTS    "CTLD_PORT SLURMD_PORT" instead of free ports picked at random
#
# Jobs run as the user who submits them when the daemons run as root; otherwise the daemons run as
# the current user and so do all jobs.
set -euo pipefail

PACKAGES=(slurm-wlm slurm-wlm-torque munge)
BINARIES=(slurmctld slurmd sbatch squeue scontrol scancel sinfo srun qsub qstat qdel)

die() {
  echo "slurm-testbed: $*" >&2
  exit 1
}

say() {
  echo "slurm-testbed: $*"
}

missing_binaries() {
  local b out=()
  for b in "${BINARIES[@]}"; do
    command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || out+=("$b")
  done
  if [ "${SLURM_TESTBED_AUTH:-none}" = munge ]; then
    command -v munged >/dev/null 2>&1 || [ -x /usr/sbin/munged ] || out+=(munged)
  fi
  echo "${out[*]:-}"
}

slurm_version() {
  dpkg-query -W -f='slurm-wlm ${Version}' slurm-wlm 2>/dev/null || echo "slurm"
}

cmd_install() {
  local missing
  missing=$(missing_binaries)
  if [ -z "$missing" ]; then
    say "already installed ($(slurm_version))"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    die "missing: $missing; run as root: apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null \
      || die "apt-get install ${PACKAGES[*]} failed"
  fi
  missing=$(missing_binaries)
  [ -z "$missing" ] || die "still missing after install: $missing"
  say "installed ($(slurm_version))"
}

need_dir() {
  [ -n "${1:-}" ] || die "usage: $0 ${2} DIR"
}

# pid from a pid file if that process is alive
live_pid() {
  local f=$1 pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' <"$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

port_free() {
  ! ss -Htan "sport = :$1" 2>/dev/null | grep -q .
}

pick_port() {
  local p i
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 30000))
    if port_free "$p" && port_free "$((p + 1))"; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

wait_for_file() {
  local f=$1 secs=$2 i
  for i in $(seq 1 $((secs * 10))); do
    [ -s "$f" ] && return 0
    sleep 0.1
  done
  return 1
}

write_conf() {
  local dir=$1 host=$2 ctld_port=$3 slurmd_port=$4 auth=$5
  local cpus mem user slurmd_user
  cpus=$(nproc)
  # RealMemory must not exceed what slurmd finds, or the node is drained ("Low RealMemory")
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  user=$(id -un)
  slurmd_user=root
  [ "$(id -u)" = 0 ] || slurmd_user=$user
  {
    echo "# written by scripts/slurm-testbed.sh: a one-node cluster, everything under $dir"
    echo "ClusterName=galetest"
    echo "SlurmctldHost=$host(127.0.0.1)"
    echo "SlurmctldPort=$ctld_port"
    echo "SlurmdPort=$slurmd_port"
    echo "SlurmUser=$user"
    echo "SlurmdUser=$slurmd_user"
    if [ "$auth" = munge ]; then
      echo "AuthType=auth/munge"
      echo "CredType=cred/munge"
      echo "AuthInfo=socket=$dir/munge/munge.socket"
    else
      echo "AuthType=auth/none"
      echo "CredType=cred/none"
    fi
    echo "StateSaveLocation=$dir/state"
    echo "SlurmdSpoolDir=$dir/spool"
    echo "SlurmctldPidFile=$dir/run/slurmctld.pid"
    echo "SlurmdPidFile=$dir/run/slurmd.pid"
    echo "SlurmctldLogFile=$dir/log/slurmctld.log"
    echo "SlurmdLogFile=$dir/log/slurmd.log"
    echo "SlurmctldDebug=info"
    echo "SlurmdDebug=info"
    echo "ProctrackType=proctrack/linuxproc"
    echo "TaskPlugin=task/none"
    echo "SelectType=select/cons_tres"
    echo "SelectTypeParameters=CR_Core"
    echo "SchedulerType=sched/backfill"
    # without batch_sched_delay=0 jobs start on a 3-second rhythm
    echo "SchedulerParameters=batch_sched_delay=0"
    echo "AccountingStorageType=accounting_storage/none"
    echo "JobCompType=jobcomp/none"
    echo "JobAcctGatherType=jobacct_gather/none"
    echo "MpiDefault=none"
    echo "SwitchType=switch/none"
    echo "MailProg=/bin/true"
    echo "ReturnToService=2"
    echo "InactiveLimit=0"
    echo "KillWait=5"
    # finished jobs stay visible to squeue/scontrol this long
    echo "MinJobAge=60"
    echo "NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN"
    echo "PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8"
  } >"$dir/slurm.conf"
}

start_munged() {
  local dir=$1 munged
  munged=$(command -v munged || echo /usr/sbin/munged)
  mkdir -p "$dir/munge"
  chmod 0700 "$dir/munge"
  if [ ! -s "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 0400 "$dir/munge/munge.key"
  fi
  if live_pid "$dir/munge/munged.pid" >/dev/null; then
    return 0
  fi
  "$munged" --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/munged.seed" \
    || die "munged failed to start; see $dir/munge/munged.log"
  wait_for_file "$dir/munge/munged.pid" 5 || die "munged wrote no pid file; see $dir/munge/munged.log"
}

node_state() {
  SLURM_CONF=$1/slurm.conf sinfo --noheader -N -o '%T' 2>/dev/null | head -n 1 || true
}

cmd_start() {
  local dir=$1 auth=${SLURM_TESTBED_AUTH:-none} timeout=${SLURM_TESTBED_TIMEOUT:-30}
  local missing host ctld_port slurmd_port state i ctld slurmd
  missing=$(missing_binaries)
  [ -z "$missing" ] || die "missing: $missing; install with: $0 install (as root), or apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  case "$auth" in none | munge) ;; *) die "SLURM_TESTBED_AUTH must be none or munge, got '$auth'" ;; esac
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  case "$dir" in *[[:space:]]*) die "DIR must not contain white space (slurm.conf cannot hold it): '$dir'" ;; esac
  if live_pid "$dir/run/slurmctld.pid" >/dev/null && live_pid "$dir/run/slurmd.pid" >/dev/null; then
    say "already running in $dir"
    echo "SLURM_CONF=$dir/slurm.conf"
    return 0
  fi
  # half a testbed (one daemon died): start afresh
  cmd_stop "$dir" >/dev/null
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
  host=$(hostname -s)
  if ! getent hosts "$host" >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      echo "127.0.0.1 $host" >>/etc/hosts
      say "added '127.0.0.1 $host' to /etc/hosts"
    else
      die "host name '$host' does not resolve; add '127.0.0.1 $host' to /etc/hosts"
    fi
  fi
  if [ -n "${SLURM_TESTBED_PORTS:-}" ]; then
    read -r ctld_port slurmd_port <<<"$SLURM_TESTBED_PORTS"
  else
    ctld_port=$(pick_port)
    slurmd_port=$((ctld_port + 1))
  fi
  write_conf "$dir" "$host" "$ctld_port" "$slurmd_port" "$auth"
  [ "$auth" = munge ] && start_munged "$dir"
  ctld=$(command -v slurmctld || echo /usr/sbin/slurmctld)
  slurmd=$(command -v slurmd || echo /usr/sbin/slurmd)
  # -c: a fresh testbed forgets the jobs of an earlier run in the same DIR
  SLURM_CONF=$dir/slurm.conf "$ctld" -c -f "$dir/slurm.conf" \
    || die "slurmctld failed to start; see $dir/log/slurmctld.log"
  wait_for_file "$dir/run/slurmctld.pid" 10 || die "slurmctld wrote no pid file; see $dir/log/slurmctld.log"
  SLURM_CONF=$dir/slurm.conf "$slurmd" -f "$dir/slurm.conf" -N "$host" \
    || die "slurmd failed to start; see $dir/log/slurmd.log"
  # slurmd writes its pid file a moment after it forks
  wait_for_file "$dir/run/slurmd.pid" 10 || die "slurmd wrote no pid file; see $dir/log/slurmd.log"
  for i in $(seq 1 $((timeout * 10))); do
    state=$(node_state "$dir")
    case "$state" in
      idle* | mixed* | allocated*)
        say "node $host is $state (slurmctld :$ctld_port, slurmd :$slurmd_port, auth/$auth) in $dir"
        echo "SLURM_CONF=$dir/slurm.conf"
        return 0
        ;;
    esac
    live_pid "$dir/run/slurmctld.pid" >/dev/null || die "slurmctld exited; see $dir/log/slurmctld.log"
    live_pid "$dir/run/slurmd.pid" >/dev/null || die "slurmd exited; see $dir/log/slurmd.log"
    sleep 0.1
  done
  die "node $host not idle after ${timeout}s (state: '${state:-unknown}'); see $dir/log/"
}

# stops the daemons of the given pid files together: TERM to all, up to 10 s, then KILL
stop_pidfiles() {
  local f pid i name alive pids=() names=()
  for f in "$@"; do
    name=$(basename "$f" .pid)
    if pid=$(live_pid "$f"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    fi
    rm -f "$f"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for i in $(seq 1 100); do
    alive=0
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      say "${names[$i]} (pid ${pids[$i]}) did not stop in 10 s; killed"
    else
      say "stopped ${names[$i]} (pid ${pids[$i]})"
    fi
  done
}

cmd_stop() {
  local dir=$1
  [ -d "$dir" ] || {
    say "nothing to stop: no directory $dir"
    return 0
  }
  # jobs first: their step daemons outlive slurmd, so cancel them through this testbed's
  # controller and give them a moment to go
  if live_pid "$dir/run/slurmctld.pid" >/dev/null && [ -f "$dir/slurm.conf" ]; then
    local jobs i
    jobs=$(SLURM_CONF=$dir/slurm.conf squeue --noheader --format=%i 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      SLURM_CONF=$dir/slurm.conf scancel $jobs 2>/dev/null || true
      for i in $(seq 1 100); do
        [ -z "$(SLURM_CONF=$dir/slurm.conf squeue --noheader --format=%i 2>/dev/null)" ] && break
        sleep 0.1
      done
      say "cancelled job(s) $(echo $jobs)"
    fi
  fi
  stop_pidfiles "$dir/run/slurmd.pid" "$dir/run/slurmctld.pid"
  stop_pidfiles "$dir/munge/munged.pid"
}

cmd_status() {
  local dir=$1 ok=0 pid name f
  for name in slurmctld slurmd munged; do
    f=$dir/run/$name.pid
    [ "$name" = munged ] && f=$dir/munge/munged.pid
    if pid=$(live_pid "$f"); then
      say "$name running (pid $pid)"
    elif [ "$name" != munged ]; then
      say "$name not running"
      ok=1
    fi
  done
  if [ "$ok" = 0 ]; then
    say "node: $(node_state "$dir")"
    echo "SLURM_CONF=$dir/slurm.conf"
  fi
  return "$ok"
}

case "${1:-}" in
  install) cmd_install ;;
  start)
    need_dir "${2:-}" start
    cmd_start "$2"
    ;;
  stop)
    need_dir "${2:-}" stop
    cmd_stop "$2"
    ;;
  status)
    need_dir "${2:-}" status
    cmd_status "$2"
    ;;
  *) die "usage: $0 {install|start DIR|stop DIR|status DIR}" ;;
esac
