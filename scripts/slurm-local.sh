#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for developing and testing Flow's `slurm` executor (FLOW_NEXTFLOW_EXECUTOR=slurm).
#
#   sudo scripts/slurm-local.sh          # = start: install if missing, configure, start; then `sinfo`, `srun hostname` work
#   sudo scripts/slurm-local.sh stop     # stops the daemons this script started (their pid files)
#   scripts/slurm-local.sh status        # sinfo and squeue
#
# Debian/Ubuntu, as root (it installs packages and writes /etc). Idempotent: what is installed, written or running
# already is left as it is, so running it again costs a second. What `start` does:
#   1. installs slurmctld, slurmd, slurm-client and munge with apt when a command of theirs is missing;
#   2. makes a munge key when there is none (/etc/munge/munge.key) and starts munged;
#   3. writes /etc/slurm/slurm.conf for this host: one node with the CPUs, sockets, cores and memory that `slurmd -C`
#      measures, one default partition `flow`, no accounting, no cgroups (works in containers and VMs without
#      systemd); the daemons run as root. A slurm.conf not written by this script is never replaced: its cluster is
#      used when it answers, else the script stops;
#   4. starts slurmctld and slurmd and waits (30 s at most) until the node is idle.
# A real cluster is the site's own; this one exists so that `FLOW_NEXTFLOW_EXECUTOR=slurm` can be tried on one machine
# (Flow's work directory is then trivially shared between the submitting host and the node).
set -euo pipefail

CONF=/etc/slurm/slurm.conf
MARK="# Written by Flow's scripts/slurm-local.sh"
STATE=/var/lib/slurm-local
LOGS=/var/log/slurm-local
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# waits up to $1 seconds for the command after it to succeed
wait_for() {
  local seconds=$1; shift
  for _ in $(seq $((seconds * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  return 1
}

need_root() { [ "$(id -u)" = 0 ] || { echo "$0 $1: run as root (it installs packages, writes /etc and starts daemons)" >&2; exit 1; }; }

install_packages() {
  local missing=()
  for tool_package in slurmctld:slurmctld slurmd:slurmd sinfo:slurm-client munged:munge; do
    command -v "${tool_package%%:*}" >/dev/null || missing+=("${tool_package#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]} (apt)..."
  local log; log="$(mktemp)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log"; rm -f "$log"; exit 1
  fi
  rm -f "$log"
}

start_munge() {
  if [ ! -s /etc/munge/munge.key ]; then
    install -d -o munge -g munge -m 0700 /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  if ! running "$MUNGE_PID"; then
    runuser -u munge -- munged --pid-file="$MUNGE_PID"
    wait_for 10 sh -c 'munge -n | unmunge' || { echo "munged did not start (see /var/log/munge/munged.log)" >&2; exit 1; }
  fi
}

write_conf() {
  if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    if sinfo >/dev/null 2>&1; then
      echo "$CONF was not written by this script and its cluster answers: using it as it is"
      sinfo
      exit 0
    fi
    echo "$CONF exists, was not written by this script and its cluster does not answer: not replacing it (move it away to use this script)" >&2
    exit 1
  fi
  local host node
  host="$(hostname -s)"
  # slurmd -C: this host's NodeName line with its real CPUs, sockets, cores, threads and RealMemory (MiB)
  node="$(slurmd -C | sed -n '/^NodeName=/p' | sed 's/ UpTime=.*//')"
  [ -n "$node" ] || { echo "slurmd -C did not describe this host" >&2; exit 1; }
  mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d" "$LOGS"
  local new; new="$(mktemp)"
  cat >"$new" <<EOF
$MARK: a one-node cluster on $host; run it again after a change of hardware.
ClusterName=flow-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
# no cgroups, no accounting daemon: works in containers and VMs without systemd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# CPUs are the consumable resource; memory requests are checked against the node's, not reserved
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# finished jobs stay visible to scontrol show job for 10 minutes
MinJobAge=600
$node State=UNKNOWN
PartitionName=flow Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  if ! cmp -s "$new" "$CONF"; then
    mv "$new" "$CONF"
    chmod 0644 "$CONF"
    # a running cluster reads the new configuration
    if running "$CTLD_PID"; then scontrol reconfigure || true; fi
  else
    rm -f "$new"
  fi
}

node_idle() { sinfo -h -N -o '%T' | grep -qE '^(idle|mixed|allocated)'; }

start() {
  need_root start
  install_packages
  start_munge
  write_conf
  running "$CTLD_PID" || slurmctld
  wait_for 15 scontrol ping || { echo "slurmctld did not answer (see $LOGS/slurmctld.log)" >&2; exit 1; }
  running "$SLURMD_PID" || slurmd
  if ! wait_for 30 node_idle; then
    # a node left down or drained by an earlier run of a different configuration
    scontrol update NodeName="$(hostname -s)" State=RESUME 2>/dev/null || true
    wait_for 10 node_idle || { sinfo -N -l >&2; echo "the node is not idle (see $LOGS/slurmd.log)" >&2; exit 1; }
  fi
  sinfo
}

stop_one() {
  local pidfile=$1 name=$2
  if running "$pidfile"; then
    local pid; pid="$(cat "$pidfile")"
    kill "$pid"
    wait_for 15 sh -c "! kill -0 $pid" || { echo "$name ($pid) did not stop within 15 s" >&2; return 1; }
    echo "stopped $name ($pid)"
  fi
}

stop() {
  need_root stop
  stop_one "$SLURMD_PID" slurmd
  stop_one "$CTLD_PID" slurmctld
  stop_one "$MUNGE_PID" munged
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) sinfo && squeue ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
