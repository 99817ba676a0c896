#!/usr/bin/env bash
# Pipelines benchmark: starts Flow (temp data dir, free port on 127.0.0.1, FLOW_WORKERS=4), signs up
# a user, and with bench/pipelines.py:
#   1. makes BENCH_SAMPLES (20) samples of paired gzipped FASTQ and uploads them,
#   2. runs the shipped FASTQ QC on all of them through the API and times POST run -> `completed`,
#   3. runs `nextflow run` of the same pipeline directory, with the same Nextflow jars, samplesheet and parameters,
#      and times it: Flow's overhead must be at most 10 % + 3 s (the two summaries must be equal),
#   4. measures the latency from a task finishing (its .exitcode's mtime) to it showing as completed in
#      GET /executions/{id} polled every 100 ms: p50, p95,
#   5. submits 20 executions at once with 4 allowed to run: all must complete, and every GET /queue answer while
#      they wait must be right (positions, order, at most 4 running).
# Exits 1 when a target or a check is missed.
#
#   bench/pipelines.sh                                # BENCH_SAMPLES=20 BENCH_READS=20000 BENCH_QUEUE_EXECUTIONS=20
#   BENCH_READS=100000 bench/pipelines.sh             # heavier tasks
#   FLOW_REPO=/tmp/flow-snap bench/pipelines.sh       # another checkout (built with its Nextflow jars)
#
# Needs the server built with its Nextflow runtime (server/target/nextflow/lib, made by the build). Everything is
# removed at the end (trap), also on Ctrl-C.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export BENCH_MAX_RUNNING="${BENCH_MAX_RUNNING:-4}"
export FLOW_WORKERS="$BENCH_MAX_RUNNING"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-pipelines.XXXXXX")"
SERVER_PID=""
trap 'cleanup_all "$TMP"' EXIT
trap 'exit 130' INT TERM

ensure_jar_built
LIB="${FLOW_NEXTFLOW_LIB:-$REPO/server/target/nextflow/lib}"
if ! ls "$LIB"/nextflow-*.jar >/dev/null 2>&1; then
  log "no Nextflow jars in $LIB (the build puts them there: ./flow build)"; exit 1
fi
java_banner
echo "Nextflow: $(basename "$(ls "$LIB"/nextflow-[0-9]*.jar | head -n 1)" .jar); FLOW_WORKERS=$FLOW_WORKERS"

start_signed_in "$TMP"
mkdir -p "$TMP/work"
# the pipeline directory Flow registered for FASTQ QC (the shipped copy it extracted at start)
PIPELINE_DIR=$(find "$DATA/pipelines" -maxdepth 3 -name flow-pipeline.json -path '*fastq-qc*' -printf '%h\n' 2>/dev/null | head -n 1)
[ -n "$PIPELINE_DIR" ] || PIPELINE_DIR="$REPO/pipelines/fastq-qc"
echo "pipeline directory: $PIPELINE_DIR"

rc=0
python3 "$(dirname "${BASH_SOURCE[0]}")/pipelines.py" "$BASE" "$TOKEN" "$DATA" "$TMP/work" "$LIB" "$PIPELINE_DIR" || rc=$?

stop_server "$TMP/data" "$PORT" || log "WARNING: the stop had to be forced"
busy_warning
noise=$(grep -cE ' (WARN|ERROR) |Exception' "$LOGF" || true)
echo "server log lines with WARN/ERROR/Exception: $noise"
if [ "$noise" != 0 ]; then grep -E ' (WARN|ERROR) |Exception' "$LOGF" | sed -E 's/^[0-9T:.Z-]+ //' | sort | uniq -c | sort -rn | head -n 10 | cut -c1-200; fi
left=$(pgrep -f "nextflow.cli.Launcher.*$TMP" || true)
if [ -n "$left" ]; then echo "Nextflow processes left running: $left"; rc=1; fi
exit $rc
