#!/usr/bin/env bash
# Startup benchmark: time from launching `./flow serve` to the first "pong" from GET /ping,
#   cold: a brand-new data directory (embedded PostgreSQL initdb + unpack + migrations),
#   warm: restarting on a data directory that has already been used,
# then the idle memory of the server JVM and of its embedded PostgreSQL.
#
#   bench/startup.sh                          # RUNS=3 IDLE_SECS=10 by default
#   RUNS=5 FLOW_JAVA_OPTS="-XX:+UseSerialGC" bench/startup.sh
#
# Uses a free port on 127.0.0.1 and a temporary data dir, and leaves nothing behind (trap).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS="${RUNS:-3}"
IDLE_SECS="${IDLE_SECS:-10}"
START_TIMEOUT="${START_TIMEOUT:-180}"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-startup.XXXXXX")"
SERVER_PID=""
trap 'cleanup_all "$TMP"' EXIT
trap 'exit 130' INT TERM

ensure_jar_built
java_banner
echo "runs: $RUNS each; idle wait before memory: ${IDLE_SECS}s; temp dir: $TMP"

# one timed start: sets LAST_SECS, SERVER_PID and CUR_PORT. $1 data dir, $2 label
timed_start() {
  local data="$1" label="$2" logf t0 t1
  ensure_jar_built  # sources edited since the last run would make ./flow rebuild inside the timing
  CUR_PORT=$(free_port)
  logf="$TMP/$label.log"
  t0=$(now_ns)
  start_server "$data" "$CUR_PORT" "$logf"
  if ! wait_pong "$CUR_PORT" "$START_TIMEOUT"; then
    log "start failed; server log:"; sed 's/^/    /' "$logf" >&2; exit 1
  fi
  t1=$(now_ns)
  LAST_SECS=$(secs_between "$t0" "$t1")
  # when the server logged that its PostgreSQL was up (the rest is migrations + HTTP server start)
  local pgline pgms
  pgline=$(grep -m1 'embedded PostgreSQL .* on port' "$logf" | cut -d' ' -f1 || true)
  pgms=$(date -d "$pgline" +%s%3N 2>/dev/null || true)
  if [ -n "$pgms" ]; then LAST_PG=$(awk -v a="$t0" -v b="$pgms" 'BEGIN { printf "%.3f", b / 1e3 - a / 1e9 }'); else LAST_PG="?"; fi
  if grep -q "building the server jar" "$logf"; then log "WARNING: $label included a jar build (sources changed mid-run)"; fi
  LOGS+=("$logf")
}

stop_checked() {
  if ! stop_server "$1" "$CUR_PORT"; then log "WARNING: the stop had to be forced (see above)"; fi
  STOPS+=("$STOP_SECS")
}

COLD=(); WARM=(); STOPS=(); LOGS=(); COLD_PG=(); WARM_PG=()
for i in $(seq 1 "$RUNS"); do
  d="$TMP/cold-$i"
  timed_start "$d" "cold-$i"
  log "cold run $i: ${LAST_SECS}s, PostgreSQL up at ${LAST_PG}s (pid $SERVER_PID, port $CUR_PORT)"
  COLD+=("$LAST_SECS"); COLD_PG+=("$LAST_PG")
  stop_checked "$d"
done

WARM_DIR="$TMP/cold-$RUNS"
mem_report() {
  local d="$1" jpid="$SERVER_PID" jr jp pr=0 pp=0 n=0 p
  log "idle for ${IDLE_SECS}s before reading memory..."
  sleep "$IDLE_SECS"
  jr=$(rss_kb "$jpid"); jp=$(pss_kb "$jpid")
  for p in $(postgres_pids "$d"); do
    pr=$(( pr + $(rss_kb "$p") )); pp=$(( pp + $(pss_kb "$p") )); n=$(( n + 1 ))
  done
  MEM_LINES=(
    "$(printf '  %-38s RSS %5s MiB   PSS %5s MiB' "server JVM (pid $jpid)" "$(mib "$jr")" "$(mib "$jp")")"
    "$(printf '  %-38s RSS %5s MiB   PSS %5s MiB' "embedded PostgreSQL ($n processes)" "$(mib "$pr")" "$(mib "$pp")")"
    "$(printf '  %-38s RSS %5s MiB   PSS %5s MiB' "total" "$(mib $(( jr + pr )))" "$(mib $(( jp + pp )))")"
  )
}

MEM_LINES=()
for i in $(seq 1 "$RUNS"); do
  timed_start "$WARM_DIR" "warm-$i"
  log "warm run $i: ${LAST_SECS}s, PostgreSQL up at ${LAST_PG}s (pid $SERVER_PID, port $CUR_PORT)"
  WARM+=("$LAST_SECS"); WARM_PG+=("$LAST_PG")
  if [ "$i" = "$RUNS" ]; then mem_report "$WARM_DIR"; fi
  stop_checked "$WARM_DIR"
done

echo
echo "cold start (new data dir) to first pong: ${COLD[*]}  ->  $(min_median "${COLD[@]}")"
echo "warm start (same data dir) to first pong: ${WARM[*]}  ->  $(min_median "${WARM[@]}")"
echo "  of which until the server logged PostgreSQL up (unpack + initdb + pg start): cold ${COLD_PG[*]}; warm ${WARM_PG[*]}"
echo "SIGTERM to process exit:                 ${STOPS[*]}  ->  $(min_median "${STOPS[@]}")"
echo "idle memory ${IDLE_SECS}s after a warm start (PSS splits shared pages, e.g. PostgreSQL shared_buffers, among processes):"
printf '%s\n' "${MEM_LINES[@]}"

busy_warning
# log noise: WARN/ERROR lines the servers printed
noise=$(cat "${LOGS[@]}" | grep -cE ' (WARN|ERROR) |Exception' || true)
echo "server log lines with WARN/ERROR/Exception over all runs: $noise"
if [ "$noise" != 0 ]; then cat "${LOGS[@]}" | grep -E ' (WARN|ERROR) |Exception' | sed -E 's/^[0-9T:.Z-]+ //' | sort | uniq -c | sort -rn | head -n 10 | cut -c1-200; fi

# anything of ours still running? (the trap removes the temp dir after this)
left=$(pgrep -f -- "$TMP" || true)
if [ -n "$left" ]; then echo "LEFTOVER processes: $left"; else echo "no leftover processes"; fi
