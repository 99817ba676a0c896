#!/usr/bin/env bash
# Listings benchmark: 1,000 users, 10,000 projects, 1,000,000 samples, grants spread among them (fill.sql),
# then GET /samples/owned, /samples/shared, /projects/owned, /projects/shared, /projects/public (first page and
# a mid-list page), and GET /samples/{id} over real HTTP on 127.0.0.1. For each endpoint:
#   serial:   SERIAL_SECS seconds with 1 connection (the unloaded latency of one request),
#   warm-up:  WARMUP seconds with CONNECTIONS connections, not measured,
#   measured: DURATION seconds with CONNECTIONS connections: requests/s and latency p50/p90/p99/max.
# Requests rotate over USERS users (each with their own token, logged in through POST /login) and, for
# GET /samples/{id}, over samples each of them may read. Default page (limit 20). Prints a table and, for a
# typical user, the execution time of every statement the endpoints run (EXPLAIN ANALYZE of explain.sql).
#
#   bench/listings/run.sh                              # fresh temp data dir, filled (under a minute), removed at the end
#   DATA_DIR=/tmp/flow-listings bench/listings/run.sh  # keep the filled data dir: later runs skip the fill
#   AFTER_SQL=try-index.sql bench/listings/run.sh     # measure, apply that SQL to the database, measure again
#   FLOW_REPO=/tmp/flow-patched DATA_DIR=... bench/listings/run.sh   # benchmark another checkout's server
#   BENCH_URL=http://127.0.0.1:8080 DATA_DIR=/its/data/dir bench/listings/run.sh   # use a running server
#
# Settings (environment): CONNECTIONS=50 WARMUP=5 DURATION=15 SERIAL_SECS=3 USERS=40 PUBLIC_OFFSET=500
# JVM_WARMUP=20 (seconds of all endpoints mixed before the first pass, not measured)
# WRK_THREADS=1 ENDPOINTS="samples_owned samples_shared projects_owned projects_shared projects_public
# projects_public_mid sample_get" OUT=<dir to keep the full EXPLAIN output, raw wrk lines and server log in>
# EXPLAIN_PREVIOUS=1: explain the listing SQL from before commit 71259fa (when FLOW_REPO is such a checkout).
# QUIET_WAIT=120 QUIET_CORES=0.25: before each endpoint, wait up to QUIET_WAIT s for other processes to use
# less than QUIET_CORES cores (the table shows what they used during each measurement anyway).
# FLOW_JAVA_OPTS and FLOW_DATABASE_POOL_SIZE reach the server. Changes made by AFTER_SQL stay in DATA_DIR.
#
# wrk is the load generator (apt-get install -y wrk is tried when it is missing and we are root); it runs on
# the same machine and competes with the server and PostgreSQL for the CPUs. Everything goes to 127.0.0.1
# only, every step is bounded in time, and the trap stops the server and removes the temp dir.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"

CONNECTIONS="${CONNECTIONS:-50}"
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-15}"
SERIAL_SECS="${SERIAL_SECS:-3}"
USERS="${USERS:-40}"
PUBLIC_OFFSET="${PUBLIC_OFFSET:-500}"
WRK_THREADS="${WRK_THREADS:-1}"
ENDPOINTS="${ENDPOINTS:-samples_owned samples_shared projects_owned projects_shared projects_public projects_public_mid sample_get}"
TARGET_P99_MS="${TARGET_P99_MS:-50}"
QUIET_WAIT="${QUIET_WAIT:-120}"
QUIET_CORES="${QUIET_CORES:-0.25}"
AFTER_SQL="${AFTER_SQL:-}"
OUT="${OUT:-}"
BENCH_URL="${BENCH_URL:-}"
DATA_DIR="${DATA_DIR:-}"
PASSWORD="bench-listings-password"
SEED=lb0001

[ -z "$AFTER_SQL" ] || AFTER_SQL="$(cd "$(dirname "$AFTER_SQL")" && pwd)/$(basename "$AFTER_SQL")"
[ -z "$AFTER_SQL" ] || [ -f "$AFTER_SQL" ] || { echo "AFTER_SQL=$AFTER_SQL: no such file" >&2; exit 2; }
if [ -n "$BENCH_URL" ] && [ -z "$DATA_DIR" ]; then
  echo "BENCH_URL needs DATA_DIR (the server's FLOW_DATA_DIR: its postgres/postmaster.pid gives the database port)" >&2; exit 2
fi
case "$BENCH_URL" in ""|http://127.0.0.1:*|http://localhost:*) ;; *) echo "BENCH_URL must be on 127.0.0.1" >&2; exit 2 ;; esac

TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-listings.XXXXXX")"
SERVER_PID=""
PORT=""
DATA="${DATA_DIR:-$TMP/data}"
cleanup() {
  [ -z "$OUT" ] || [ ! -f "$TMP/server.log" ] || cp "$TMP/server.log" "$OUT/server.log" 2>/dev/null || true
  # a server we started on a data dir outside $TMP: stop it (and its PostgreSQL) ourselves
  if [ -n "${SERVER_PID:-}" ] && [ "$DATA" != "$TMP/data" ]; then stop_server "$DATA" "$PORT" || true; fi
  cleanup_all "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -z "$OUT" ] || mkdir -p "$OUT"

# ---------------------------------------------------------------------------------------------------------
need_tools() {
  command -v psql >/dev/null || { echo "psql is needed (the PostgreSQL client)" >&2; exit 1; }
  if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "wrk is not installed: apt-get install -y wrk"
      apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; } || true
    fi
    command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
  fi
}

q() { PSQL -At -c "$1"; }



# ---------------------------------------------------------------------------------------------------------
start_or_reuse() {
  if [ -n "$BENCH_URL" ]; then
    BASE="$BENCH_URL"
    curl -s --max-time 5 "$BASE/ping" | grep -q pong || { echo "no pong from $BASE/ping" >&2; exit 1; }
    SERVER_JAVA_PID=$(ss -Htlnp "sport = :${BASE##*:}" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
    log "using the running server at $BASE (data dir $DATA, pid ${SERVER_JAVA_PID:-unknown})"
  else
    ensure_jar_built
    PORT=$(free_port)
    start_server "$DATA" "$PORT" "$TMP/server.log"
    if ! wait_pong "$PORT" 180; then log "start failed; server log:"; tail -n 50 "$TMP/server.log" | sed 's/^/    /' >&2; exit 1; fi
    BASE="http://127.0.0.1:$PORT"
    SERVER_JAVA_PID=$SERVER_PID   # ./flow serve execs java
    log "server pid $SERVER_PID on $BASE, data dir $DATA"
  fi
  PGPORT=$(pg_port)
  [ -n "$PGPORT" ] || { echo "no PostgreSQL port in $DATA/postgres/postmaster.pid" >&2; exit 1; }
}

fill_if_needed() {
  local r code samples t0
  r=$(post_json /signup "{\"username\":\"$SEED\",\"email\":\"$SEED@bench.invalid\",\"password\":\"$PASSWORD\"}")
  code=${r%% *}
  case "$code" in
    201) log "signed up the seed user $SEED" ;;
    409) log "seed user $SEED exists already" ;;
    *) echo "POST /signup answered $r" >&2; exit 1 ;;
  esac
  samples=$(q "SELECT count(*) FROM samples")
  if [ "$samples" = 0 ]; then
    log "filling (fill.sql)..."
    t0=$(now_ns)
    PSQL -v seed="$SEED" -f "$HERE/fill.sql" >"$TMP/fill.out" 2>&1 || { cat "$TMP/fill.out" >&2; exit 1; }
    FILL_SECS=$(secs_between "$t0" "$(now_ns)")
    [ -z "$OUT" ] || cp "$TMP/fill.out" "$OUT/fill.out"
    echo "filled in ${FILL_SECS} s (fill.sql, including VACUUM ANALYZE); slowest steps:"
    grep '^Time:' "$TMP/fill.out" | sort -t: -k2 -g -r | head -n 3 | sed 's/^/    /'
  else
    FILL_SECS="(already filled)"
    log "database already holds $samples samples: not filling"
  fi
  q "SELECT format('data: %s users, %s groups, %s memberships, %s projects (%s public), %s samples, %s project grants, %s sample grants; database %s',
       (SELECT count(*) FROM users), (SELECT count(*) FROM groups), (SELECT count(*) FROM group_members),
       (SELECT count(*) FROM projects), (SELECT count(*) FROM projects WHERE is_public), (SELECT count(*) FROM samples),
       (SELECT count(*) FROM project_grants), (SELECT count(*) FROM sample_grants), pg_size_pretty(pg_database_size('postgres')))"
}

# The benchmark users: USERS of the 1,000, the same ones every run (ordered by a hash of their name).
pick_users() {
  q "SELECT username FROM users WHERE username ~ '^lb[0-9]{4}$' ORDER BY md5(username) LIMIT $USERS" >"$TMP/users"
  [ -s "$TMP/users" ] || { echo "no bench users (lb0001..lb1000) in the database" >&2; exit 1; }
  # for GET /samples/{id}: per user 2 owned samples, 2 in projects granted to them, 1 granted to them
  # directly, 1 in a public project of someone else: all readable, so every answer should be 200
  q "SELECT u.username || ' ' || x.id FROM users u CROSS JOIN LATERAL (
       (SELECT s.id FROM samples s WHERE s.owner_id = u.id ORDER BY md5(s.id::text) LIMIT 2)
       UNION ALL
       (SELECT s.id FROM project_grants g JOIN samples s ON s.project_id = g.project_id
        WHERE g.user_id = u.id AND s.owner_id <> u.id ORDER BY md5(s.id::text) LIMIT 2)
       UNION ALL
       (SELECT g.sample_id FROM sample_grants g WHERE g.user_id = u.id ORDER BY md5(g.sample_id::text) LIMIT 1)
       UNION ALL
       (SELECT s.id FROM samples s WHERE s.project_id = (SELECT p.id FROM projects p WHERE p.is_public AND p.owner_id <> u.id
          ORDER BY md5(p.id::text || u.username) LIMIT 1) ORDER BY s.id LIMIT 1)) x
     WHERE u.username IN (SELECT unnest(string_to_array('$(tr '\n' ' ' <"$TMP/users" | sed 's/ $//')', ' ')))
     ORDER BY md5(u.username || x.id)" >"$TMP/user-samples"
  # the typical user for EXPLAIN: of those, the one whose owned and shared counts are nearest the median
  TYPICAL=$(q "WITH c AS (SELECT u.id, (SELECT count(*) FROM samples s WHERE s.owner_id = u.id) AS owned,
         (SELECT count(*) FROM project_grants g WHERE g.user_id = u.id OR g.group_id IN
            (SELECT group_id FROM group_members m WHERE m.user_id = u.id AND m.role >= 2)) AS grants
       FROM users u WHERE u.username IN (SELECT unnest(string_to_array('$(tr '\n' ' ' <"$TMP/users" | sed 's/ $//')', ' '))))
     SELECT id FROM c ORDER BY abs(owned - (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY owned) FROM c))
       + 50 * abs(grants - (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY grants) FROM c)), id LIMIT 1")
  TYPICAL_SAMPLE=$(q "SELECT s.id FROM project_grants g JOIN samples s ON s.project_id = g.project_id
                      WHERE g.user_id = $TYPICAL AND s.owner_id <> $TYPICAL ORDER BY s.id LIMIT 1")
  [ -n "$TYPICAL_SAMPLE" ] || TYPICAL_SAMPLE=$(q "SELECT id FROM samples WHERE owner_id = $TYPICAL ORDER BY id LIMIT 1")
}

# Logs every benchmark user in (tokens live 15 minutes: done again before each pass) and writes the request
# files, one per endpoint: "<path> <token>" a line.
login_and_write_requests() {
  local u r tok n=0
  : >"$TMP/tokens"
  while read -r u; do
    r=$(post_json /login "{\"username\":\"$u\",\"password\":\"$PASSWORD\"}")
    tok=$(echo "${r#* }" | token_of)
    [ "${r%% *}" = 200 ] && [ -n "$tok" ] || { echo "POST /login as $u answered ${r:0:300}" >&2; exit 1; }
    echo "$u $tok" >>"$TMP/tokens"
    n=$((n + 1))
  done <"$TMP/users"
  local ep
  for ep in $ENDPOINTS; do
    case "$ep" in
      samples_owned) awk '{ print "/samples/owned", $2 }' "$TMP/tokens" ;;
      samples_shared) awk '{ print "/samples/shared", $2 }' "$TMP/tokens" ;;
      projects_owned) awk '{ print "/projects/owned", $2 }' "$TMP/tokens" ;;
      projects_shared) awk '{ print "/projects/shared", $2 }' "$TMP/tokens" ;;
      projects_public) awk '{ print "/projects/public", $2 }' "$TMP/tokens" ;;
      projects_public_mid) awk -v o="$PUBLIC_OFFSET" '{ print "/projects/public?offset=" o, $2 }' "$TMP/tokens" ;;
      sample_get) awk 'NR == FNR { tok[$1] = $2; next } { print "/samples/" $2, tok[$1] }' "$TMP/tokens" "$TMP/user-samples" ;;
      *) echo "unknown endpoint $ep" >&2; exit 2 ;;
    esac >"$TMP/req-$ep"
  done
  log "logged in $n users"
}

label_of() {
  case "$1" in
    samples_owned) echo "GET /samples/owned" ;;
    samples_shared) echo "GET /samples/shared" ;;
    projects_owned) echo "GET /projects/owned" ;;
    projects_shared) echo "GET /projects/shared" ;;
    projects_public) echo "GET /projects/public" ;;
    projects_public_mid) echo "GET /projects/public?offset=$PUBLIC_OFFSET" ;;
    sample_get) echo "GET /samples/{id}" ;;
  esac
}

# CPU accounting: where the CPU time of a measurement went (server JVM, its PostgreSQL, wrk) and how much of the
# machine other processes took meanwhile (the machine may be shared: a test suite running elsewhere skews the
# figures). In clock ticks: "<busy, whole machine> <server JVM> <PostgreSQL: postmaster and backends>".
HZ=$(getconf CLK_TCK)
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_mark() {
  local busy java=0 pg=0 pid
  busy=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat)
  [ -z "${SERVER_JAVA_PID:-}" ] || java=$(proc_ticks "$SERVER_JAVA_PID")
  for pid in $(postgres_pids "$DATA"); do pg=$(( pg + $(proc_ticks "$pid") )); done
  echo "$busy $java $pg"
}

# Waits (at most QUIET_WAIT seconds) until processes other than ours use less than QUIET_CORES cores, measured
# over 2 s: on a shared machine a test suite running elsewhere would skew the figures. Logs when it gives up.
wait_quiet() {
  local t0 m0 m1 others
  t0=$(date +%s)
  while :; do
    m0=$(cpu_mark); sleep 2; m1=$(cpu_mark)
    others=$(awk -v a="$m0" -v b="$m1" -v hz="$HZ" 'BEGIN { split(a, x, " "); split(b, y, " ")
        printf "%.2f", ((y[1] - x[1]) - (y[2] - x[2]) - (y[3] - x[3])) / hz / 2 }')
    awk -v o="$others" -v q="$QUIET_CORES" 'BEGIN { exit !(o < q) }' && return 0
    if [ $(( $(date +%s) - t0 )) -ge "$QUIET_WAIT" ]; then
      log "other processes still use $others cores after ${QUIET_WAIT}s of waiting: measuring anyway"; return 0
    fi
  done
}

# wrk_run ENDPOINT CONNECTIONS SECONDS -> the RESULT line, plus others=<cores used by other processes>
wrk_run() {
  local out m0 m1 wrk_cpu TIMEFORMAT='%U %S'
  m0=$(cpu_mark)
  { wrk_cpu=$( { time BENCH_REQUESTS="$TMP/req-$1" timeout $(( $3 + 60 )) wrk -t"$(( $2 < WRK_THREADS ? $2 : WRK_THREADS ))" \
        -c"$2" -d"${3}s" --timeout 10s -s "$HERE/../requests.lua" "$BASE" >"$TMP/wrk.last" 2>&1; } 2>&1 ); } || true
  m1=$(cpu_mark)
  out=$(cat "$TMP/wrk.last")
  echo "$1 c=$2 $out" >>"$TMP/wrk.out"
  local n cpu
  n=$(echo "$out" | sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p')
  # others=<cores used by other processes>; java_ms, pg_ms, wrk_ms: CPU ms per request of each
  cpu=$(awk -v a="$m0" -v b="$m1" -v w="$wrk_cpu" -v hz="$HZ" -v secs="$3" -v n="${n:-0}" 'BEGIN {
      split(a, x, " "); split(b, y, " "); split(w, z, " ")
      java = (y[2] - x[2]) / hz; pg = (y[3] - x[3]) / hz; wrk = z[1] + z[2]
      o = (y[1] - x[1]) / hz - java - pg - wrk; if (o < 0) o = 0
      if (n < 1) n = 1
      printf "others=%.2f java_ms=%.3f pg_ms=%.3f wrk_ms=%.3f", o / secs, java * 1000 / n, pg * 1000 / n, wrk * 1000 / n }')
  { echo "$out" | grep '^RESULT' || echo "RESULT requests=0 seconds=0 rps=0 p50_ms=0 p90_ms=0 p99_ms=0 max_ms=0 errors=? (wrk failed)"; } \
    | sed "s/\$/ $cpu/"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# One pass over the endpoints; appends rows to $TMP/table-$1
run_pass() {
  local pass="$1" ep serial loaded
  : >"$TMP/table-$pass"
  login_and_write_requests
  if [ "${JVM_WARMUP:-0}" != 0 ]; then
    # all the endpoints mixed, so that the JIT has compiled the server's common paths before the first measurement
    for ep in $ENDPOINTS; do cat "$TMP/req-$ep"; done | shuf --random-source=<(yes) >"$TMP/req-mixed"
    quiesce 120
    log "$pass: JVM warm-up, ${JVM_WARMUP} s of all endpoints mixed"
    wrk_run mixed "$CONNECTIONS" "$JVM_WARMUP" >/dev/null
  fi
  for ep in $ENDPOINTS; do
    quiesce 120
    wait_quiet
    if [ "$SERIAL_SECS" != 0 ]; then serial=$(wrk_run "$ep" 1 "$SERIAL_SECS"); else serial="RESULT p50_ms=-"; fi
    wrk_run "$ep" "$CONNECTIONS" "$WARMUP" >/dev/null
    quiesce 120
    loaded=$(wrk_run "$ep" "$CONNECTIONS" "$DURATION")
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$(label_of "$ep")" "$(field "$serial" p50_ms)" "$(field "$loaded" rps)" \
      "$(field "$loaded" p50_ms)" "$(field "$loaded" p90_ms)" "$(field "$loaded" p99_ms)" "$(field "$loaded" max_ms)" \
      "$(echo "$loaded" | sed -E 's/.*errors=//; s/ others=.*//')" "$(field "$loaded" others)" \
      "$(field "$loaded" java_ms)" "$(field "$loaded" pg_ms)" >>"$TMP/table-$pass"
    log "$pass: $(label_of "$ep"): $(echo "$loaded" | sed 's/^RESULT //')"
  done
  quiesce 120
}

print_table() {
  echo
  echo "== $1: $CONNECTIONS connections, ${DURATION} s measured after ${WARMUP} s warm-up; serial = 1 connection, ${SERIAL_SECS} s"
  printf '%-34s %10s %6s %8s %8s %8s %8s  %-20s %-8s %-15s %s\n' endpoint "serial p50" "req/s" p50 p90 p99 max \
    "errors c/r/w/t/non2xx" "p99<${TARGET_P99_MS}" "CPU/req java+pg" "others"
  awk -F'|' -v t="$TARGET_P99_MS" '{ ok = ($6 + 0 < t && $8 ~ /^0 /) ? "yes" : "NO"
      printf "%-34s %7s ms %6.0f %5.1f ms %5.1f ms %5.1f ms %5.1f ms  %-20s %-8s %5.2f+%5.2f ms %5.2f\n",
        $1, $2, $3, $4, $5, $6, $7, $8, ok, $10, $11, $9 }' "$TMP/table-$1"
  echo "(serial p50: 1 connection. CPU/req: CPU ms per request of the server JVM + its PostgreSQL during the measured run."
  echo " others: cores used meanwhile by processes other than the server, its PostgreSQL and wrk.)"
}

# EXPLAIN ANALYZE of every statement, custom and generic plans; prints the execution times, keeps the plans in OUT
explain() {
  local pass="$1" f="$TMP/explain-$1.txt"
  PSQL -v caller="$TYPICAL" -v sample="$TYPICAL_SAMPLE" -v offset="$PUBLIC_OFFSET" ${EXPLAIN_PREVIOUS:+-v previous=1} \
       -f "$HERE/explain.sql" >"$f" 2>&1 \
    || { log "explain.sql failed:"; tail -n 20 "$f" >&2; return 0; }
  [ -z "$OUT" ] || cp "$f" "$OUT/explain-$pass.txt"
  echo
  echo "== $pass: server-side execution time of each statement for user $TYPICAL (EXPLAIN ANALYZE of explain.sql$([ -z "${EXPLAIN_PREVIOUS:-}" ] || echo ' -v previous=1: the SQL from before 71259fa'), ms)"
  awk '/force_custom_plan/ { mode = 1 } /force_generic_plan/ { mode = 2 }
       /^---- / { name = substr($0, 6); if (!(name in seen)) { seen[name] = 1; order[++n] = name } }
       /Execution Time:/ { t[name, mode] = $3 }
       END { printf "%-56s %10s %10s\n", "statement", "custom", "generic"
             for (i = 1; i <= n; i++) printf "%-56s %10s %10s\n", order[i], t[order[i], 1], t[order[i], 2] }' "$f"
}

# ---------------------------------------------------------------------------------------------------------
need_tools
start_or_reuse
java_banner
echo "load: wrk $(wrk --version 2>&1 | head -n1 | awk '{ print $2 }'), $WRK_THREADS thread(s), $CONNECTIONS connections; $USERS users rotate; temp dir $TMP"
fill_if_needed
pick_users
echo "typical user for EXPLAIN: id $TYPICAL ($(q "SELECT username FROM users WHERE id = $TYPICAL")), sample $TYPICAL_SAMPLE"

explain before
JVM_WARMUP="${JVM_WARMUP:-20}" run_pass before
print_table before

if [ -n "$AFTER_SQL" ]; then
  echo
  echo "== applying $AFTER_SQL"
  t0=$(now_ns)
  PSQL -f "$AFTER_SQL" 2>&1 | sed 's/^/    /'
  echo "    (took $(secs_between "$t0" "$(now_ns)") s)"
  explain after
  JVM_WARMUP=0 run_pass after
  print_table before
  print_table after
fi
[ -z "$OUT" ] || { cp "$TMP/wrk.out" "$OUT/wrk.out"; for f in "$TMP"/table-*; do cp "$f" "$OUT/"; done; }
[ -z "${SERVER_PID:-}" ] || grep -c ' ERROR ' "$TMP/server.log" | xargs -I{} echo "server log: {} ERROR lines" || true
if [ -n "${SERVER_PID:-}" ] && grep -q ' ERROR ' "$TMP/server.log"; then
  grep -A1 ' ERROR ' "$TMP/server.log" | grep -v '^--' | sed -E 's/request [0-9a-f]+/request …/' | cut -c25-260 | sort | uniq -c | sort -rn | head -n 6
fi
