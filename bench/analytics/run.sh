#!/usr/bin/env bash
# Analytics benchmark (issue 10): GET /analytics and GET /dau over real HTTP on 127.0.0.1, on the search benchmark's
# 1-million-sample dataset (bench/listings/fill.sql + bench/search/fill-more.sql) with its activity log filled by
# bench/analytics/fill.sql (one entry per object created, runs' starts and ends, shares; a burst of 50,000 uploads
# by the heavy user; active days of ~1,000 users over 60 days). For each caller shape:
#   heavy    lb0002: owns ~1,100 projects, ~99,000 samples, ~345,000 data, ~9,200 executions
#   typical  TYPICAL_USERS users owning 900-1,100 samples (the listings fill's typical user), rotating
#   groups   the 10 users whose groups (role member or admin) have the most members: group stats over many owners
#   scan     10 users made here (lbnobody01..10) owning nothing, in no group: they read only what is public, so the
#            newest entries they may read are far down the log (under the heavy user's burst)
#   admin    lb1000, made a site admin by fill.sql: reads everything
#   dau      GET /dau as lb1000
# warm-up WARMUP s (not measured), then DURATION s with CONNECTIONS connections: req/s, p50, p95, p99, errors, the
# CPU milliseconds per request of the server's JVM and PostgreSQL (from /proc), and PASS when p95 < TARGET_P95_MS
# with no errors. The load average is printed beside every figure (the machine is
# shared). Then EXPLAIN (ANALYZE, BUFFERS) of every statement of /analytics for one caller of each shape (explain.sh).
#
#   DATA_DIR=/tmp/flow-analytics-bench/data bench/analytics/run.sh   # a COPY of the search bench's filled data dir:
#                                                                    # fills its activity log once (~40 s), keeps it
#   SHAPES="scan typical" DURATION=5 bench/analytics/run.sh          # a subset
#   OUT=bench/analytics/results/after bench/analytics/run.sh         # keep the table, raw wrk lines, plans, server log
#
# Settings (environment): CONNECTIONS=20 WARMUP=3 DURATION=10 TYPICAL_USERS=20 TARGET_P95_MS=100 WRK_THREADS=2
# SHAPES="heavy typical groups scan admin dau" EXPLAIN=1 OUT=<dir> START_TIMEOUT=900 (migrations on 4,000,000 rows).
# The server runs with FLOW_WORKERS=0 (the fill's pending executions must not run). Needs wrk, psql,
# python3, curl. Every step is bounded in time; the trap stops the server (and its PostgreSQL).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"

CONNECTIONS="${CONNECTIONS:-20}"
WARMUP="${WARMUP:-3}"
DURATION="${DURATION:-10}"
TYPICAL_USERS="${TYPICAL_USERS:-20}"
TARGET_P95_MS="${TARGET_P95_MS:-100}"
WRK_THREADS="${WRK_THREADS:-2}"
SHAPES="${SHAPES:-heavy typical groups scan admin dau}"
EXPLAIN="${EXPLAIN:-1}"
OUT="${OUT:-}"
DATA_DIR="${DATA_DIR:?DATA_DIR: a copy of the search benchmark data dir (see README.md)}"
PASSWORD="bench-listings-password"
HEAVY=lb0002
ADMIN=lb1000

TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-analytics.XXXXXX")"
SERVER_PID=""
PORT=""
DATA="$DATA_DIR"
cleanup() {
  [ -z "$OUT" ] || [ ! -f "$TMP/server.log" ] || cp "$TMP/server.log" "$OUT/server.log" 2>/dev/null || true
  [ -z "${SERVER_PID:-}" ] || stop_server "$DATA" "$PORT" || true
  cleanup_all "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -z "$OUT" ] || { mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"; }

for t in wrk psql python3 curl; do command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }; done
q() { PSQL -At -F $'\t' -c "$1"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

ensure_jar_built
PORT=$(free_port)
FLOW_WORKERS=0 start_server "$DATA" "$PORT" "$TMP/server.log"
if ! wait_pong "$PORT" "${START_TIMEOUT:-900}"; then log "start failed; server log:"; tail -n 50 "$TMP/server.log" | sed 's/^/    /' >&2; exit 1; fi
BASE="http://127.0.0.1:$PORT"
log "server pid $SERVER_PID on $BASE, data dir $DATA"
PGPORT=$(pg_port)
[ -n "$PGPORT" ] || { echo "no PostgreSQL port in $DATA/postgres/postmaster.pid" >&2; exit 1; }
java_banner
echo "load: wrk $WRK_THREADS threads, $CONNECTIONS connections, ${WARMUP} s warm-up + ${DURATION} s measured per shape"

# ---- fill ----
[ "$(q "SELECT count(*) FROM samples")" = 1000000 ] || { echo "DATA_DIR does not hold the search benchmark's dataset" >&2; exit 1; }
if [ "$(q "SELECT count(*) FROM activity")" = 0 ]; then
  log "filling the activity log: bench/analytics/fill.sql..."
  t0=$(now_ns)
  PSQL -v admin="$ADMIN" -v heavy="$HEAVY" -f "$HERE/fill.sql" >"$TMP/fill.out" 2>&1 || { tail -n 30 "$TMP/fill.out" >&2; exit 1; }
  echo "filled in $(secs_between "$t0" "$(now_ns)") s"
  [ -z "$OUT" ] || cp "$TMP/fill.out" "$OUT/fill.out"
else
  log "activity log already filled: not filling"
fi
q "SELECT format('data: %s users, %s samples, %s data, %s executions, %s activity entries (%s in the last 30 days), %s active days; schema version %s; database %s',
     (SELECT count(*) FROM users), (SELECT count(*) FROM samples), (SELECT count(*) FROM data), (SELECT count(*) FROM executions),
     (SELECT count(*) FROM activity), (SELECT count(*) FROM activity WHERE at > now() - interval '30 days'),
     (SELECT count(*) FROM user_activity_days), (SELECT max(version::int) FROM flyway_schema_history WHERE version IS NOT NULL),
     pg_size_pretty(pg_database_size('postgres')))"

# ---- callers: shape<TAB>username ----
for i in $(seq -w 1 10); do
  [ "$(q "SELECT count(*) FROM users WHERE username = 'lbnobody$i'")" = 0 ] || continue   # (sign-ups are throttled)
  r=$(post_json /signup "{\"username\":\"lbnobody$i\",\"email\":\"lbnobody$i@bench.invalid\",\"password\":\"$PASSWORD\"}")
  case "${r%% *}" in 201|409) ;; *) echo "POST /signup answered ${r:0:300}" >&2; exit 1 ;; esac
done
q "SELECT 'heavy', '$HEAVY'
UNION ALL (SELECT 'typical', u.username FROM users u WHERE u.username ~ '^lb[0-9]{4}\$' AND u.username NOT IN ('$HEAVY', '$ADMIN')
   AND (SELECT count(*) FROM samples s WHERE s.owner_id = u.id) BETWEEN 900 AND 1100 ORDER BY md5(u.username) LIMIT $TYPICAL_USERS)
UNION ALL (SELECT 'groups', u.username FROM users u JOIN group_members m ON m.user_id = u.id AND m.role >= 2
   JOIN group_members o ON o.group_id = m.group_id AND o.role >= 2
   WHERE u.username ~ '^lb[0-9]{4}\$' AND u.username NOT IN ('$HEAVY', '$ADMIN')
   GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 10)
UNION ALL (SELECT 'scan', username FROM users WHERE username ~ '^lbnobody[0-9]{2}\$' ORDER BY username)
UNION ALL SELECT 'admin', '$ADMIN' UNION ALL SELECT 'dau', '$ADMIN'" >"$TMP/callers.tsv"
echo "callers: $(cut -f1 "$TMP/callers.tsv" | uniq -c | tr '\n' ' ')"
GROUPS_IN=$(awk -F'\t' '$1 == "groups" { printf "%s'\''%s'\''", (n++ ? "," : ""), $2 }' "$TMP/callers.tsv")
echo "groups callers: $(q "SELECT format('%s groups each, %s members in them, owning %s samples', round(avg(g), 1), round(avg(n)), round(avg(s)))
  FROM (SELECT m.user_id, count(DISTINCT m.group_id) AS g, count(*) AS n, sum((SELECT count(*) FROM samples s WHERE s.owner_id = o.user_id)) AS s
        FROM group_members m JOIN group_members o ON o.group_id = m.group_id AND o.role >= 2
        WHERE m.role >= 2 AND m.user_id IN (SELECT id FROM users WHERE username IN ($GROUPS_IN)) GROUP BY m.user_id) x")"

# logs every caller in (tokens live 15 minutes: done again before each shape), writes the shape's request file
requests() {
  local shape="$1" user tok r path=/analytics
  [ "$shape" = dau ] && path=/dau
  : >"$TMP/req-$shape"
  for user in $(awk -F'\t' -v s="$shape" '$1 == s { print $2 }' "$TMP/callers.tsv"); do
    r=$(post_json /login "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}")
    tok=$(echo "${r#* }" | token_of)
    [ "${r%% *}" = 200 ] && [ -n "$tok" ] || { echo "POST /login as $user answered ${r:0:300}" >&2; exit 1; }
    echo "$path $tok" >>"$TMP/req-$shape"
  done
}

# wrk_run FILE CONNECTIONS SECONDS -> the RESULT line
wrk_run() {
  BENCH_REQUESTS="$1" timeout $(( $3 + 60 )) wrk -t"$(( $2 < WRK_THREADS ? $2 : WRK_THREADS ))" -c"$2" -d"${3}s" \
      --timeout 10s -s "$HERE/../requests.lua" "$BASE" >"$TMP/wrk.last" 2>&1 || true
  echo "$(basename "$1") c=$2 $(cat "$TMP/wrk.last")" >>"$TMP/wrk.out"
  grep '^RESULT' "$TMP/wrk.last" || echo "RESULT requests=0 seconds=0 rps=0 p50_ms=0 p95_ms=0 p99_ms=0 max_ms=0 errors=? (wrk failed)"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# CPU ticks (user + system) used so far by the server's JVM and its PostgreSQL processes: what a request costs, less
# sensitive than latency to what the other processes of a shared machine do
HZ=$(getconf CLK_TCK)
server_ticks() {
  local p t=0
  for p in "$SERVER_PID" $(postgres_pids "$DATA"); do t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0) )); done
  echo "$t"
}

# one request of the file: "<status> <what it found>", and its time alone (serial)
probe() {
  local path tok body
  read -r path tok <"$1"
  body=$(curl -s --max-time 30 -w '\n%{http_code} %{time_total}' -H "Authorization: Bearer $tok" "$BASE$path")
  echo "$(echo "$body" | tail -n1 | awk '{ printf "%s %.0fms", $1, $2 * 1000 }') $(echo "$body" | head -n -1 | python3 -c 'import json,sys
d = json.load(sys.stdin)
if "recent_activity" in d: print("recent=%d groups=%d samples=%d" % (len(d["recent_activity"]), len(d["group_stats"]), d["user_stats"]["total_samples"]))
elif "daily_active_users" in d: print("dau=%d mau=%d" % (d["daily_active_users"], d["monthly_active_users"]))
else: print(str(d)[:80])' 2>/dev/null)"
}

# the JIT: a few seconds of every shape mixed, not measured
for shape in $SHAPES; do requests "$shape"; done
cat $(for shape in $SHAPES; do echo "$TMP/req-$shape"; done) | shuf --random-source=<(yes) >"$TMP/req-mixed"
quiesce 60
wrk_run "$TMP/req-mixed" "$CONNECTIONS" 5 >/dev/null

: >"$TMP/table"
for shape in $SHAPES; do
  requests "$shape"
  quiesce 60
  pr=$(probe "$TMP/req-$shape")
  wrk_run "$TMP/req-$shape" "$CONNECTIONS" "$WARMUP" >/dev/null
  quiesce 60
  before=$(load)
  t0=$(server_ticks)
  res=$(wrk_run "$TMP/req-$shape" "$CONNECTIONS" "$DURATION")
  cpu=$(awk -v t="$(( $(server_ticks) - t0 ))" -v n="$(field "$res" requests)" -v hz="$HZ" 'BEGIN { printf "%.2f", (n > 0 ? t * 1000 / hz / n : 0) }')
  printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$shape" "$(field "$res" rps)" "$(field "$res" p50_ms)" "$(field "$res" p95_ms)" \
    "$(field "$res" p99_ms)" "$(echo "$res" | sed -E 's/.*errors=//')" "$pr" "$before" "$cpu" >>"$TMP/table"
  log "$shape: $(echo "$res" | sed 's/^RESULT //') [CPU/request: $cpu ms] [probe: $pr] [load before: $before]"
done

print_table() {
  echo
  echo "== $CONNECTIONS connections, ${DURATION} s measured after ${WARMUP} s warm-up; target p95 < ${TARGET_P95_MS} ms, no errors"
  printf '%-8s %7s %9s %9s %9s %8s  %-18s %-5s %-15s %s\n' shape "req/s" p50 p95 p99 "CPU/req" "errors c/r/w/t/non2xx" "p95" "load before" "probe (status, alone, found)"
  awk -F'|' -v t="$TARGET_P95_MS" '{ ok = ($2 + 0 > 0 && $4 + 0 < t && $6 ~ /^0 /) ? "PASS" : "FAIL"
      printf "%-8s %7.0f %6.1f ms %6.1f ms %6.1f ms %5.2f ms  %-18s %-5s %-15s %s\n", $1, $2, $3, $4, $5, $9, $6, ok, $8, $7 }' "$TMP/table"
  awk -F'|' -v t="$TARGET_P95_MS" '{ n++; if ($2 + 0 > 0 && $4 + 0 < t && $6 ~ /^0 /) p++ } END { printf "%d of %d shapes PASS\n", p, n }' "$TMP/table"
}
print_table | tee "$TMP/table.txt"
[ -z "$OUT" ] || cp "$TMP/table.txt" "$TMP/table" "$TMP/wrk.out" "$TMP/callers.tsv" "$OUT/"

if [ "$EXPLAIN" = 1 ]; then
  for shape in heavy typical groups scan admin; do
    user=$(awk -F'\t' -v s="$shape" '$1 == s { print $2; exit }' "$TMP/callers.tsv")
    [ -n "$user" ] || continue
    quiesce 60
    DATA="$DATA" PGPORT=$PGPORT PLANS="${OUT:-$TMP}/plans-$shape.txt" "$HERE/explain.sh" "$user" "$shape" | tee "$TMP/explain-$shape.txt"
  done
  [ -z "$OUT" ] || cp "$TMP"/explain-*.txt "$OUT/"
fi
if grep -q ' ERROR ' "$TMP/server.log"; then
  echo "server log: $(grep -c ' ERROR ' "$TMP/server.log") ERROR lines, e.g.:"
  grep -A1 ' ERROR ' "$TMP/server.log" | grep -v '^--' | cut -c1-260 | sort | uniq -c | sort -rn | head -n 6
fi
