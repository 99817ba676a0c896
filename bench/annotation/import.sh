#!/usr/bin/env bash
# The 10,000-row annotation import over HTTP against a started server (./flow serve on a fresh temp data dir):
#   - the user benchuser (signed up through the API) gets a project (POST /projects/new) and 20,000 ready FASTQ
#     records, s{i}_L{lane}_R{1,2}.fastq.gz for 5,000 samples x 2 lanes, inserted straight into the database with
#     psql (records only: no bytes in storage, which the import never reads);
#   - the sample template of GET /annotation/sample is filled with 10,000 rows (5,000 samples x 2 lanes, paired
#     reads) by FillSheet.java (POI from the server jar);
#   - POST /upload/annotation: dry run twice (cold, then warm JVM), then the real import; then the same sheet again
#     (dry run and import), where every sample exists and is updated and every read is already linked.
# For each request: wall time (curl), the server JVM's peak RSS during it (VmHWM of /proc/PID/status, reset
# before each request through /proc/PID/clear_refs), and the statements the database ran for it (pg_stat_statements,
# loaded for this run by ALTER SYSTEM and a restart of the server: top-level statements, so not the ones a trigger
# runs; reset before each request; the background workers' polling, BEGIN and COMMIT left out).
#
#   bench/annotation/import.sh                      # the server of this checkout
#   FLOW_REPO=/tmp/flow-before bench/annotation/import.sh   # another checkout's server (e.g. a git archive)
# Settings: SAMPLES=5000 LANES=2 FLOW_JAVA_OPTS (reaches the server). Needs root for clear_refs (else the peak
# is over the server's whole life, said in the output).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"

SAMPLES="${SAMPLES:-5000}"
LANES="${LANES:-2}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-import.XXXXXX")"
SERVER_PID=""
trap 'cleanup_all "$TMP"' EXIT

ensure_jar_built
java_banner
mkdir -p "$TMP/run"
start_signed_in "$TMP/run"
PGPORT=$(pg_port)
# pg_stat_statements must be preloaded: set it for this data dir (postgresql.auto.conf) and restart the server
PSQL -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
stop_server "$DATA" "$PORT"
start_server "$DATA" "$PORT" "$LOGF"
wait_pong "$PORT" 180 || { log "restart failed"; sed 's/^/    /' "$LOGF" >&2; exit 1; }
PGPORT=$(pg_port)
PSQL -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
read -r code body < <(post_json /login '{"username":"benchuser","password":"bench-password-123"}')
TOKEN=$(echo "$body" | token_of)
[ "$code" = 200 ] && [ -n "$TOKEN" ] || { log "login failed: HTTP $code $body"; exit 1; }
AUTH="Authorization: Bearer $TOKEN"

project=$(curl -s --max-time 30 -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"name":"Imported","description":"import bench","organism":"human","is_public":false}' "$BASE/projects/new" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t0=$(now_ns)
PSQL -v samples="$SAMPLES" -v lanes="$LANES" <<'SQL'
INSERT INTO data (filename, size, data_type, compression, owner_id, status)
SELECT 's' || i || '_L' || lane || '_R' || r || '.fastq.gz', 1000000, 'FASTQ', 'gzip',
       (SELECT id FROM users WHERE username = 'benchuser'), 'ready'
FROM generate_series(1, :samples) i, generate_series(1, :lanes) lane, generate_series(1, 2) r;
ANALYZE data;
SQL
log "$(PSQL -At -c "SELECT count(*) FROM data") FASTQ records inserted in $(secs_between "$t0" "$(now_ns)") s"

curl -s --max-time 60 -H "$AUTH" -o "$TMP/template.xlsx" "$BASE/annotation/sample"
java -cp "$JAR" "$HERE/FillSheet.java" "$TMP/template.xlsx" "$TMP/sheet.xlsx" "$SAMPLES" "$LANES" "Imported (#$project)"
log "sheet: $((SAMPLES * LANES)) rows, $(stat -c %s "$TMP/sheet.xlsx") bytes"

clear_refs_ok=1
# The statements of the request: not the server's background workers (which poll executions and archive jobs every
# half second), not BEGIN/COMMIT, not this script's own.
OURS="query !~* '(executions|archive_jobs|pg_stat_)' AND query !~* '^\s*(BEGIN|COMMIT|ROLLBACK)'"
# import NAME DRY_RUN: one POST /upload/annotation, measured
import() {
  local name="$1" dry="$2" t0 t1 code hwm statements
  if ! echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null; then clear_refs_ok=0; fi
  PSQL -At -c "SELECT pg_stat_statements_reset()" >/dev/null
  t0=$(now_ns)
  code=$(curl -s --max-time 600 -o "$TMP/$name.json" -w '%{http_code}' -H "$AUTH" -F "dry_run=$dry" \
    -F "file=@$TMP/sheet.xlsx;type=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "$BASE/upload/annotation")
  t1=$(now_ns)
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")
  statements=$(PSQL -At -c "SELECT sum(calls) FROM pg_stat_statements WHERE $OURS")
  PSQL -At -F ' | ' -c "SELECT calls, round(total_exec_time) || ' ms', left(regexp_replace(query, '\s+', ' ', 'g'), 100)
                        FROM pg_stat_statements WHERE $OURS ORDER BY total_exec_time DESC LIMIT 6" > "$TMP/$name.top"
  [ "$code" = 200 ] || { log "$name: HTTP $code: $(head -c 600 "$TMP/$name.json")"; exit 1; }
  printf '%-16s %7.2f s  peak RSS %5s MiB  statements %7s  %s  load %s\n' "$name" "$(secs_between "$t0" "$t1")" "$(mib "$hwm")" \
    "$statements" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["samples"]), "samples,", len(d["reads"]), "reads")' "$TMP/$name.json")" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  sed 's/^/      /' "$TMP/$name.top"
}
echo "server JVM pid $SERVER_PID, RSS before the first import $(mib "$(rss_kb "$SERVER_PID")") MiB"
import dry-run-cold true
import dry-run-warm true
import import false
# the same sheet again: every sample exists (updated), every read is already its sample's
import dry-run-update true
import reimport false
[ "$clear_refs_ok" = 1 ] || echo "(clear_refs refused: the peaks are over the server's whole life)"
echo "in the database: $(PSQL -At -c "SELECT count(*) FROM samples") samples, $(PSQL -At -c "SELECT count(*) FROM filesets") filesets \
($(PSQL -At -c "SELECT count(*) FROM filesets WHERE name = 'Paired-end reads'") paired-end), \
$(PSQL -At -c "SELECT count(*) FROM data WHERE sample_id IS NOT NULL") reads linked, \
$(PSQL -At -c "SELECT count(*) FROM activity WHERE action = 'sample_created'") sample_created entries"
uptime
stop_server "$DATA" "$PORT" || true
