#!/usr/bin/env bash
# Search benchmark (issue 9): /search and every advanced search over real HTTP on 127.0.0.1, on the listings dataset
# (bench/listings/fill.sql: 1,000 users, 10,000 projects, 1,000,000 samples, grants) plus bench/search/fill-more.sql
# (a heavy user owning ~100,000 samples, sample metadata, 100,000 executions, filesets, 3,000,000 ready data records,
# grants). For each query shape (shapes.py) and kind of caller (heavy: the owner of many objects; typical: users
# owning ~1,000 samples, TYPICAL_USERS of them rotating; anon: no token, rotating over public projects):
#   warm-up WARMUP s (not measured), then DURATION s with CONNECTIONS connections: req/s, p50, p95, p99, errors,
#   and PASS when p95 < TARGET_P95_MS with no errors.
# Then EXPLAIN (ANALYZE, BUFFERS) of every shape's SQL for one caller of each kind (explain.sh) into OUT.
#
#   bench/search/run.sh                                       # fresh temp data dir (fill ~5 min), removed at the end
#   DATA_DIR=/tmp/flow-search-bench/data bench/search/run.sh  # keep the filled data dir: later runs skip the fill
#   SHAPES="data_project data_type_fastq" KINDS=typical bench/search/run.sh    # a subset
#   OUT=bench/search/results/run-1 bench/search/run.sh        # keep the table, raw wrk lines, plans, server log
#
# Settings (environment): CONNECTIONS=20 WARMUP=3 DURATION=10 TYPICAL_USERS=20 TARGET_P95_MS=100 WRK_THREADS=2
# START_TIMEOUT=900 (seconds for the server to answer: migrations that build indexes on 4,000,000 rows take minutes)
# SHAPES (default: all of shapes.py) KINDS="heavy typical anon" EXPLAIN=1 (0: no EXPLAIN) OUT=<dir>.
# FLOW_JAVA_OPTS and FLOW_DATABASE_POOL_SIZE reach the server. The server runs with FLOW_WORKERS=0
# (the fill's pending executions must not be run) and FLOW_PEOPLE_SEARCH_MAX_PER_MINUTE=100000000 (the user and
# group searches are throttled per account: the benchmark's accounts would get 429s after 60 a minute).
# Needs wrk, psql and python3. Every step is bounded in time; the trap stops the server (and its PostgreSQL).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib.sh"

CONNECTIONS="${CONNECTIONS:-20}"
WARMUP="${WARMUP:-3}"
DURATION="${DURATION:-10}"
TYPICAL_USERS="${TYPICAL_USERS:-20}"
TARGET_P95_MS="${TARGET_P95_MS:-100}"
WRK_THREADS="${WRK_THREADS:-2}"
SHAPES="${SHAPES:-}"
KINDS="${KINDS:-heavy typical anon}"
EXPLAIN="${EXPLAIN:-1}"
OUT="${OUT:-}"
DATA_DIR="${DATA_DIR:-}"
PASSWORD="bench-listings-password"
SEED=lb0001
HEAVY=lb0002

TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-search.XXXXXX")"
SERVER_PID=""
PORT=""
DATA="${DATA_DIR:-$TMP/data}"
cleanup() {
  [ -z "$OUT" ] || [ ! -f "$TMP/server.log" ] || cp "$TMP/server.log" "$OUT/server.log" 2>/dev/null || true
  if [ -n "${SERVER_PID:-}" ] && [ "$DATA" != "$TMP/data" ]; then stop_server "$DATA" "$PORT" || true; fi
  cleanup_all "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -z "$OUT" ] || { mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"; }

for t in wrk psql python3 curl; do command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }; done

q() { PSQL -At -F $'\t' -c "$1"; }


# ---------------------------------------------------------------------------------------------------------
ensure_jar_built
PORT=$(free_port)
FLOW_WORKERS=0 FLOW_PEOPLE_SEARCH_MAX_PER_MINUTE=100000000 start_server "$DATA" "$PORT" "$TMP/server.log"
if ! wait_pong "$PORT" "${START_TIMEOUT:-900}"; then log "start failed; server log:"; tail -n 50 "$TMP/server.log" | sed 's/^/    /' >&2; exit 1; fi
BASE="http://127.0.0.1:$PORT"
log "server pid $SERVER_PID on $BASE, data dir $DATA"
PGPORT=$(pg_port)
[ -n "$PGPORT" ] || { echo "no PostgreSQL port in $DATA/postgres/postmaster.pid" >&2; exit 1; }
java_banner
echo "load: wrk $WRK_THREADS threads, $CONNECTIONS connections, ${WARMUP} s warm-up + ${DURATION} s measured per shape and caller kind"

# ---- fill (the listings fill, then ours) ----
r=$(post_json /signup "{\"username\":\"$SEED\",\"email\":\"$SEED@bench.invalid\",\"password\":\"$PASSWORD\"}")
case "${r%% *}" in 201|409) ;; *) echo "POST /signup answered $r" >&2; exit 1 ;; esac
if [ "$(q "SELECT count(*) FROM samples")" = 0 ]; then
  log "filling: bench/listings/fill.sql..."
  t0=$(now_ns)
  PSQL -v seed="$SEED" -f "$HERE/../listings/fill.sql" >"$TMP/fill.out" 2>&1 || { cat "$TMP/fill.out" >&2; exit 1; }
  log "filling: bench/search/fill-more.sql..."
  PSQL -v heavy="$HEAVY" -f "$HERE/fill-more.sql" >>"$TMP/fill.out" 2>&1 || { tail -n 30 "$TMP/fill.out" >&2; exit 1; }
  echo "filled in $(secs_between "$t0" "$(now_ns)") s (both fills, VACUUM ANALYZE included); slowest steps:"
  grep '^Time:' "$TMP/fill.out" | sort -t: -k2 -g -r | head -n 5 | sed 's/^/    /'
  [ -z "$OUT" ] || cp "$TMP/fill.out" "$OUT/fill.out"
elif [ "$(q "SELECT count(*) FROM data")" = 0 ]; then
  echo "the database holds the listings fill only: run fill-more.sql on it, or use a fresh DATA_DIR" >&2; exit 1
else
  log "database already filled: not filling"
fi
q "SELECT format('data: %s users, %s projects (%s public), %s samples, %s data, %s executions, %s filesets; heavy user %s owns %s samples, %s data, %s executions; database %s',
     (SELECT count(*) FROM users), (SELECT count(*) FROM projects), (SELECT count(*) FROM projects WHERE is_public),
     (SELECT count(*) FROM samples), (SELECT count(*) FROM data), (SELECT count(*) FROM executions), (SELECT count(*) FROM filesets),
     '$HEAVY', (SELECT count(*) FROM samples s JOIN users u ON u.id = s.owner_id WHERE u.username = '$HEAVY'),
     (SELECT count(*) FROM data d JOIN users u ON u.id = d.owner_id WHERE u.username = '$HEAVY'),
     (SELECT count(*) FROM executions e JOIN users u ON u.id = e.owner_id WHERE u.username = '$HEAVY'),
     pg_size_pretty(pg_database_size('postgres')))"

# ---- callers and their parameters (params.tsv: see shapes.py) ----
# typical: users owning 900-1,100 samples (the fill's typical user), the same ones every run (by a hash of the name);
# heavy: the heavy user, over 20 of its projects; anon: 20 public projects. For each: a project, a sample in it with
# a fileset of paired reads (fill-more.sql: id % 20 < 5), that sample's name up to _ (the rare word), the project's
# name, the newest execution in the project (or of the user).
PIPELINE=$(q "SELECT id FROM pipelines WHERE name = 'ChIP-seq'")
PARAMS_SQL="SELECT k.kind, k.username, p.id, s.id, split_part(s.name, '_', 1), p.name,
       coalesce((SELECT e.name FROM executions e WHERE e.project_id = p.id ORDER BY e.created DESC, e.id DESC LIMIT 1), ''), $PIPELINE
FROM (
  (SELECT 'typical' AS kind, u.username, u.id AS user_id, NULL::bigint AS project_id FROM users u
   WHERE u.username ~ '^lb[0-9]{4}\$' AND u.username NOT IN ('$HEAVY', '$SEED')
     AND (SELECT count(*) FROM samples s WHERE s.owner_id = u.id) BETWEEN 900 AND 1100
   ORDER BY md5(u.username) LIMIT $TYPICAL_USERS)
  UNION ALL
  (SELECT 'heavy', u.username, u.id, p.id FROM users u JOIN projects p ON p.owner_id = u.id
   WHERE u.username = '$HEAVY' ORDER BY md5(p.id::text) LIMIT 20)
  UNION ALL
  (SELECT 'anon', '-', 0, p.id FROM projects p WHERE p.is_public ORDER BY md5(p.id::text) LIMIT 20)
) k
CROSS JOIN LATERAL (SELECT p.id, p.name FROM projects p
    WHERE (p.id = k.project_id OR (k.project_id IS NULL AND p.owner_id = k.user_id))
      AND EXISTS (SELECT 1 FROM samples s WHERE s.project_id = p.id AND s.id % 20 < 5)
    ORDER BY p.created DESC, p.id DESC LIMIT 1) p
CROSS JOIN LATERAL (SELECT s.id, s.name FROM samples s WHERE s.project_id = p.id AND s.id % 20 < 5 ORDER BY s.id LIMIT 1) s"
q "$PARAMS_SQL" >"$TMP/callers.tsv"
echo "callers: $(cut -f1 "$TMP/callers.tsv" | sort | uniq -c | tr '\n' ' ')"

# logs the signed-in callers in (tokens live 15 minutes: done again before each kind) and writes params.tsv
login_all() {
  local kind user rest tok r
  : >"$TMP/params.tsv"
  declare -A tokens=()
  while IFS=$'\t' read -r kind user rest; do
    if [ "$user" = - ]; then tok=-
    elif [ -n "${tokens[$user]:-}" ]; then tok=${tokens[$user]}
    else
      r=$(post_json /login "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}")
      tok=$(echo "${r#* }" | token_of)
      [ "${r%% *}" = 200 ] && [ -n "$tok" ] || { echo "POST /login as $user answered ${r:0:300}" >&2; exit 1; }
      tokens[$user]=$tok
    fi
    printf '%s\t%s\t%s\t%s\n' "$kind" "$user" "$tok" "$rest" >>"$TMP/params.tsv"
  done <"$TMP/callers.tsv"
}

# wrk_run FILE CONNECTIONS SECONDS -> the RESULT line
wrk_run() {
  BENCH_REQUESTS="$1" timeout $(( $3 + 60 )) wrk -t"$(( $2 < WRK_THREADS ? $2 : WRK_THREADS ))" -c"$2" -d"${3}s" \
      --timeout 10s -s "$HERE/../requests.lua" "$BASE" >"$TMP/wrk.last" 2>&1 || true
  echo "$(basename "$1") c=$2 $(cat "$TMP/wrk.last")" >>"$TMP/wrk.out"
  grep '^RESULT' "$TMP/wrk.last" || echo "RESULT requests=0 seconds=0 rps=0 p50_ms=0 p95_ms=0 p99_ms=0 max_ms=0 errors=? (wrk failed)"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# one request of the file, as a check that the shape answers 200 and finds something: "<status> <count or results>"
probe() {
  local path tok h=() body code
  read -r path tok <"$1"
  [ "$tok" = - ] || h=(-H "Authorization: Bearer $tok")
  body=$(curl -s --max-time 30 -w '\n%{http_code}' "${h[@]}" "$BASE$path")
  code=$(echo "$body" | tail -n1)
  body=$(echo "$body" | head -n -1)
  echo "$code $(echo "$body" | python3 -c 'import json,sys
try:
    d = json.load(sys.stdin)
except Exception:
    print("(not JSON)"); sys.exit()
if "count" in d: print("count=%s%s" % (d["count"], "+" if d.get("count_capped") else ""))
elif "total_count" in d: print("total_count=%s" % d["total_count"])
elif "error" in d: print("error: " + str(d["error"].get("message", ""))[:80])
else: print("items=%d" % sum(len(v) for v in d.values() if isinstance(v, list)))' 2>/dev/null)"
}

: >"$TMP/table"
for kind in $KINDS; do
  login_all
  python3 "$HERE/shapes.py" "$TMP/params.tsv" "$TMP" "$SHAPES" | awk -v k="$kind" '$2 == k' >"$TMP/files-$kind"
  # the JIT: a few seconds of all this kind's shapes mixed, not measured
  cat $(awk '{ print $3 }' "$TMP/files-$kind") | shuf --random-source=<(yes) >"$TMP/req-mixed"
  quiesce 60
  wrk_run "$TMP/req-mixed" "$CONNECTIONS" 5 >/dev/null
  while read -r shape k file; do
    quiesce 60
    pr=$(probe "$file")
    wrk_run "$file" "$CONNECTIONS" "$WARMUP" >/dev/null
    quiesce 60
    res=$(wrk_run "$file" "$CONNECTIONS" "$DURATION")
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$shape" "$kind" "$(field "$res" rps)" "$(field "$res" p50_ms)" "$(field "$res" p95_ms)" \
      "$(field "$res" p99_ms)" "$(echo "$res" | sed -E 's/.*errors=//')" "$pr" "$(field "$res" max_ms)" >>"$TMP/table"
    log "$shape as $kind: $(echo "$res" | sed 's/^RESULT //') [probe: $pr]"
  done <"$TMP/files-$kind"
done

print_table() {
  echo
  echo "== $CONNECTIONS connections, ${DURATION} s measured after ${WARMUP} s warm-up; target p95 < ${TARGET_P95_MS} ms, no errors"
  printf '%-22s %-8s %7s %9s %9s %9s  %-18s %-5s %s\n' shape caller "req/s" p50 p95 p99 "errors c/r/w/t/non2xx" "p95" "probe (status, count)"
  awk -F'|' -v t="$TARGET_P95_MS" '{ ok = ($3 + 0 > 0 && $5 + 0 < t && $7 ~ /^0 /) ? "PASS" : "FAIL"
      printf "%-22s %-8s %7.0f %6.1f ms %6.1f ms %6.1f ms  %-18s %-5s %s\n", $1, $2, $3, $4, $5, $6, $7, ok, $8 }' "$TMP/table"
  awk -F'|' -v t="$TARGET_P95_MS" '{ n++; if ($3 + 0 > 0 && $5 + 0 < t && $7 ~ /^0 /) p++ } END { printf "%d of %d shapes PASS\n", p, n }' "$TMP/table"
}
print_table | tee "$TMP/table.txt"
[ -z "$OUT" ] || cp "$TMP/table.txt" "$TMP/table" "$TMP/wrk.out" "$TMP/params.tsv" "$OUT/"

if [ "$EXPLAIN" = 1 ]; then
  typical_id=$(q "SELECT id FROM users WHERE username = '$(awk -F'\t' '$1 == "typical" { print $2; exit }' "$TMP/callers.tsv")'")
  heavy_id=$(q "SELECT id FROM users WHERE username = '$HEAVY'")
  for c in "$heavy_id heavy" "$typical_id typical" "0 anonymous"; do
    set -- $c
    quiesce 60
    DATA="$DATA" PGPORT=$PGPORT PLANS="${OUT:-$TMP}/plans-$2.txt" "$HERE/explain.sh" "$1" "$2" | tee "$TMP/explain-$2.txt"
  done
  [ -z "$OUT" ] || cp "$TMP"/explain-*.txt "$OUT/"
fi
if grep -q ' ERROR ' "$TMP/server.log"; then
  echo "server log: $(grep -c ' ERROR ' "$TMP/server.log") ERROR lines, e.g.:"
  grep -A1 ' ERROR ' "$TMP/server.log" | grep -v '^--' | cut -c1-260 | sort | uniq -c | sort -rn | head -n 6
fi
