#!/usr/bin/env bash
# Workers benchmark: execution throughput with one and with two `./flow worker` processes on the same inputs.
# Starts one API server (`./flow serve`, FLOW_WORKERS=0, temp data dir, free port on 127.0.0.1) whose embedded
# PostgreSQL is the deployment's one database: the workers reach it through FLOW_DATABASE_URL like any external
# PostgreSQL. All processes share FLOW_STORAGE_DIR, FLOW_WORK_DIR and FLOW_PIPELINES_DIR (folders under the temp
# dir), each has its own FLOW_DATA_DIR. Then, with bench/workers.py:
#   1. makes BENCH_EXECUTIONS (20) samples of paired gzipped FASTQ (BENCH_READS reads per file) and uploads them;
#   2. for each configuration of BENCH_CONFIGS ("1x2 2x2 1x4": worker processes x FLOW_WORKERS of each), starts the
#      workers, waits until each says it runs, submits BENCH_EXECUTIONS executions of the shipped FASTQ QC (one
#      sample each, at once) and times until GET /queue lists none of them: executions/minute, wall time; every one
#      must complete, with the same fastq_qc_summary.tsv as the first configuration made for its sample; then it
#      counts in the database which worker ran how many, and stops the workers (SIGTERM).
# Exits 1 when an execution fails or an output differs.
#
#   bench/workers.sh                                   # BENCH_EXECUTIONS=20 BENCH_READS=20000 BENCH_CONFIGS="1x2 2x2 1x4"
#   BENCH_CONFIGS="1x2 2x2 1x2 2x2" bench/workers.sh   # alternate, to see the noise
#   FLOW_REPO=/tmp/flow-snap bench/workers.sh          # another checkout (built with its Nextflow jars), e.g. while
#                                                      # editing this one (./flow worker rebuilds a stale jar)
#
# FASTQ QC needs only bash, coreutils, gzip and awk. Everything is removed at the end (trap), also on Ctrl-C.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONFIGS="${BENCH_CONFIGS:-1x2 2x2 1x4}"
export BENCH_EXECUTIONS="${BENCH_EXECUTIONS:-20}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-workers.XXXXXX")"
SERVER_PID=""
WORKER_PIDS=()

stop_workers() {
  local pid i
  for pid in "${WORKER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${WORKER_PIDS[@]}"; do
    for i in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "worker pid $pid alive 60 s after SIGTERM: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
  done
  WORKER_PIDS=()
}
trap 'stop_workers; cleanup_all "$TMP"' EXIT
trap 'exit 130' INT TERM

ensure_jar_built
if ! ls "$REPO"/server/target/nextflow/lib/nextflow-*.jar >/dev/null 2>&1; then
  log "no Nextflow jars in $REPO/server/target/nextflow/lib (the build puts them there: ./flow build)"; exit 1
fi
java_banner

# shared by every process, as on a shared file system
export FLOW_STORAGE_DIR="$TMP/shared/files" FLOW_WORK_DIR="$TMP/shared/runs" FLOW_PIPELINES_DIR="$TMP/shared/pipelines"
mkdir -p "$FLOW_STORAGE_DIR" "$FLOW_WORK_DIR" "$FLOW_PIPELINES_DIR"
export FLOW_WORKERS=0 # the server's; each worker is given its own
start_signed_in "$TMP"
PGPORT=$(pg_port)
DB_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres"
echo "API server: FLOW_WORKERS=0, $BASE; PostgreSQL: $DB_URL (the server's embedded one, reached by the workers over TCP)"

# start_workers N SLOTS: N ./flow worker processes of FLOW_WORKERS=SLOTS each; waits until each has said it runs
start_workers() {
  local n="$1" slots="$2" i logf deadline
  for i in $(seq 1 "$n"); do
    logf="$TMP/worker-$CONFIG-$i.log"
    (cd "$REPO" && FLOW_DATA_DIR="$TMP/worker-$CONFIG-$i" FLOW_WORKERS="$slots" FLOW_DATABASE_URL="$DB_URL" \
       FLOW_DATABASE_USER=postgres FLOW_DATABASE_PASSWORD="$(cat "$DATA/db-password")" exec ./flow worker) >>"$logf" 2>&1 &
    WORKER_PIDS+=($!)
  done
  for i in $(seq 1 "$n"); do
    logf="$TMP/worker-$CONFIG-$i.log"
    deadline=$(( $(date +%s) + 180 ))
    until grep -q "^Flow worker .* runs up to" "$logf" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "${WORKER_PIDS[$((i - 1))]}" 2>/dev/null; then
        log "worker $i of $CONFIG did not start; its log:"; sed 's/^/    /' "$logf" >&2; return 1
      fi
      sleep 0.2
    done
    log "  $(grep -m1 "^Flow worker .* runs up to" "$logf" | cut -c1-120)"
  done
}

python3 "$BENCH_DIR/workers.py" prepare "$BASE" "$TOKEN" "$TMP"
rc=0
results=()
for CONFIG in $CONFIGS; do
  n="${CONFIG%x*}"; slots="${CONFIG#*x}"
  log "$n worker process(es) x FLOW_WORKERS=$slots ..."
  start_workers "$n" "$slots"
  line=$(python3 "$BENCH_DIR/workers.py" run "$BASE" "$TOKEN" "$TMP" "$CONFIG" | grep '^RESULT') || { rc=1; stop_workers; break; }
  by_worker=$(PSQL -At -F ' ' -c "SELECT count(*) || ' by ' || worker FROM executions WHERE id IN ($(cat "$TMP/$CONFIG.ids")) GROUP BY worker ORDER BY worker" | paste -sd ';' -)
  echo "$line"
  echo "  ran: $by_worker"
  results+=("$line | $by_worker")
  stop_workers
done

stop_server "$TMP/data" "$PORT" || log "WARNING: the stop had to be forced"
echo
echo "FASTQ QC, $BENCH_EXECUTIONS executions of one sample each (2 x ${BENCH_READS:-20000} reads), on $(nproc) cores:"
printf '  %s\n' "${results[@]}"
busy_warning
noise=$(cat "$LOGF" "$TMP"/worker-*.log | grep -cE ' (WARN|ERROR) |Exception' || true)
echo "server and worker log lines with WARN/ERROR/Exception: $noise"
if [ "$noise" != 0 ]; then cat "$LOGF" "$TMP"/worker-*.log | grep -E ' (WARN|ERROR) |Exception' | sed -E 's/^[0-9T:.Z-]+ //' | sort | uniq -c | sort -rn | head -n 10 | cut -c1-200; fi
left=$(pgrep -f "nextflow.cli.Launcher.*$TMP" || true)
if [ -n "$left" ]; then echo "Nextflow processes left running: $left"; rc=1; fi
exit $rc
