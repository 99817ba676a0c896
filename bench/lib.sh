# Helpers shared by bench/startup.sh and bench/me-rps.sh. Source it; do not run it.
# Everything here talks to 127.0.0.1 only, and every wait is bounded in time.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# FLOW_REPO: the checkout whose ./flow is benchmarked (default: the one holding bench/), e.g. a clean
# `git archive HEAD` copy when the working tree is being edited.
REPO="$(cd "${FLOW_REPO:-$BENCH_DIR/..}" && pwd)"
JAR="$REPO/server/target/flow-server.jar"

now_ns() { date +%s%N; }

# seconds (3 decimals) between two now_ns values
secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Builds the jar, outside any timing, when ./flow serve would (same test as the ./flow script).
ensure_jar_built() {
  if [ ! -f "$JAR" ] || [ -n "$(find "$REPO/pom.xml" "$REPO/server/pom.xml" "$REPO/openapi.yaml" "$REPO/server/src/main" -newer "$JAR" -print -quit)" ]; then
    log "building the server jar (not timed)..."
    (cd "$REPO" && ./flow build) >&2
  fi
}

# A TCP port that nothing listens on right now (random in 20000-59999, checked with ss).
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

port_listening() { [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }

# The postmaster of the embedded PostgreSQL in data dir $1 (from its postmaster.pid), if it runs.
postmaster_pid() {
  local f="$1/postgres/postmaster.pid" pid
  [ -f "$f" ] || return 1
  pid=$(head -n1 "$f" 2>/dev/null | tr -dc 0-9)
  [ -n "$pid" ] || return 1
  # only if that pid really is a postgres on this data dir
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-D $1/postgres" || return 1
  echo "$pid"
}

# The postmaster and its children (backends, checkpointer, ...). zonky starts PostgreSQL through pg_ctl,
# so the postmaster is daemonized (parent 1) rather than a child of the JVM; we find it by its data dir.
postgres_pids() {
  local pm
  pm=$(postmaster_pid "$1") || return 0
  echo "$pm"
  pgrep -P "$pm" || true
}

# kB of VmRSS and of Pss (proportional: shared pages split between their users) of a pid; "0 0" if gone.
rss_kb() { awk '/^VmRSS:/ { print $2; f=1 } END { if (!f) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0; }
pss_kb() { awk '/^Pss:/ { print $2; f=1 } END { if (!f) print 0 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# pg_port: the port of the embedded PostgreSQL of the server on $DATA (from its postmaster.pid).
pg_port() { sed -n 4p "$DATA/postgres/postmaster.pid" 2>/dev/null | tr -dc 0-9; }

# post_json PATH JSON: POSTs JSON to $BASE$PATH; prints "<http code> <body>".
post_json() {
  curl -s --max-time 30 -w '\n%{http_code}' -H 'Content-Type: application/json' -d "$2" "$BASE$1" \
    | { body=$(cat); echo "$(echo "$body" | tail -n1) $(echo "$body" | head -n -1)"; }
}

# token_of: the access_token of the JSON answer on stdin.
token_of() { sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'; }

# quiesce SECONDS: waits (at most SECONDS) until PostgreSQL has run no statement from the server for 2 s in a row:
# requests that wrk gave up on may still be queued in the server when wrk ends (waiting for a pooled connection, so
# briefly invisible to PostgreSQL), and would otherwise eat into the next measurement. Needs PGPORT and DATA.
quiesce() {
  local i n idle=0
  for i in $(seq 1 $(($1 * 2))); do
    n=$(PSQL -At -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()")
    if [ "$n" = 0 ]; then idle=$((idle + 1)); [ "$idle" -ge 4 ] && return 0; else idle=0; fi
    sleep 0.5
  done
  log "the database was still busy $1 s after the load stopped"
}

# PSQL ARGS...: psql as the superuser on $PGPORT, with the password Flow keeps in $DATA/db-password.
PSQL() { PGPASSWORD="$(cat "$DATA/db-password")" psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# start_server DATA_DIR PORT LOGFILE: launches ./flow serve in the background, sets SERVER_PID.
# FLOW_JAVA_OPTS, if set in the environment, reaches java through ./flow.
start_server() {
  local data="$1" port="$2" logf="$3"
  (cd "$REPO" && FLOW_DATA_DIR="$data" FLOW_PORT="$port" FLOW_HOST=127.0.0.1 \
     FLOW_BASE_URL="http://127.0.0.1:$port" exec ./flow serve) >>"$logf" 2>&1 &
  SERVER_PID=$!
}

# start_signed_in DIR: starts a server on DIR/data (log in DIR/server.log) and signs up the user benchuser
# (password bench-password-123). Sets DATA, PORT, LOGF, BASE and TOKEN (an access token of benchuser).
start_signed_in() {
  local resp code
  DATA="$1/data"
  PORT=$(free_port)
  LOGF="$1/server.log"
  start_server "$DATA" "$PORT" "$LOGF"
  if ! wait_pong "$PORT" 180; then log "start failed; server log:"; sed 's/^/    /' "$LOGF" >&2; return 1; fi
  BASE="http://127.0.0.1:$PORT"
  log "server pid $SERVER_PID on $BASE"
  resp=$(curl -s --max-time 30 -w '\n%{http_code}' -H 'Content-Type: application/json' \
    -d '{"username":"benchuser","email":"bench@example.org","password":"bench-password-123","first_name":"Bench","last_name":"User"}' \
    "$BASE/signup")
  code=$(echo "$resp" | tail -n1)
  TOKEN=$(echo "$resp" | head -n -1 | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
  if [ "$code" != 201 ] || [ -z "$TOKEN" ]; then log "signup failed: HTTP $code: $(echo "$resp" | head -n -1)"; return 1; fi
}

# wait_pong PORT TIMEOUT_S: polls GET /ping every 20 ms until it answers "pong". Fails if SERVER_PID dies
# or the time runs out.
wait_pong() {
  local port="$1" timeout="$2" deadline body
  deadline=$(( $(date +%s) + timeout ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    body=$(curl -s --max-time 2 "http://127.0.0.1:$port/ping" 2>/dev/null || true)
    [ "$body" = "pong" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { log "server (pid $SERVER_PID) died before answering"; return 1; }
    sleep 0.02
  done
  log "no pong on port $port within ${timeout}s"
  return 1
}

# stop_server DATA_DIR PORT: SIGTERM to the JVM, waits (at most 60 s, then SIGKILL) for it to exit, then
# checks that the port is closed and that its PostgreSQL is gone. Sets STOP_SECS. Returns 1 if anything
# had to be forced.
stop_server() {
  local data="$1" port="$2" t0 i ok=0 pm
  [ -n "${SERVER_PID:-}" ] || return 0
  t0=$(now_ns)
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for i in $(seq 1 600); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server pid $SERVER_PID still alive 60 s after SIGTERM: SIGKILL"; kill -KILL "$SERVER_PID" 2>/dev/null || true; ok=1
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  STOP_SECS=$(secs_between "$t0" "$(now_ns)")
  for i in $(seq 1 100); do port_listening "$port" || break; sleep 0.1; done
  if port_listening "$port"; then log "port $port still open after the server exited"; ok=1; fi
  for i in $(seq 1 100); do postmaster_pid "$data" >/dev/null || break; sleep 0.1; done
  if pm=$(postmaster_pid "$data"); then
    log "PostgreSQL (pid $pm) outlived the server: stopping it"; ok=1
    kill -TERM "$pm" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pm" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pm" 2>/dev/null || true
  fi
  SERVER_PID=""
  return $ok
}

# For a trap: stops the server if running and any PostgreSQL on data dirs under $1, then removes $1.
cleanup_all() {
  local root="$1" d pm
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$root" ] && [ -d "$root" ]; then
    for d in "$root"/*/; do
      d="${d%/}"
      if pm=$(postmaster_pid "$d"); then
        kill -TERM "$pm" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pm" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pm" 2>/dev/null || true
      fi
    done
    rm -rf "$root"
  fi
}

# min and median of the numbers given as arguments
min_median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "min %.2f s, median %.2f s", a[1], m }'
}

java_banner() {
  local v
  echo "repo: $REPO ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')$( [ -n "$(git -C "$REPO" status --porcelain -- server pom.xml openapi.yaml 2>/dev/null)" ] && echo ', with local changes'))"
  v=$(java -version 2>&1 | sed -n 2p)
  echo "java: $v"
  echo "FLOW_JAVA_OPTS: ${FLOW_JAVA_OPTS:-(unset)}"
  # what the JVM picks with these options: collector and heap limits
  java ${FLOW_JAVA_OPTS:-} -XX:+PrintFlagsFinal -version 2>/dev/null \
    | awk '$2 ~ /^(Use(Serial|Parallel|G1|Z|Shenandoah)GC|MaxHeapSize|InitialHeapSize|ThreadStackSize|ActiveProcessorCount)$/ && ($4 != "false") { printf "  %s=%s", $2, $4 } END { print "" }'
  echo "cpus: $(nproc), memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  busy_warning
}

# Other JVMs or PostgreSQL servers running now (a test suite, say) share the 2 cores and skew the figures.
# Prints the CPU busy share of the last 2 s and, if any, the other java processes and postmasters.
busy_warning() {
  local a b busy javas pms
  a=$(awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8, $5+$6 }' /proc/stat)
  sleep 2
  b=$(awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8, $5+$6 }' /proc/stat)
  busy=$(echo "$a $b" | awk '{ t = $3 - $1; i = $4 - $2; printf "%.0f", (t > 0 ? 100 * (t - i) / t : 0) }')
  javas=$(pgrep -x java 2>/dev/null | wc -l || true)
  pms=$(pgrep -f 'bin/postgres -D' 2>/dev/null | wc -l || true)
  echo "machine now: CPU ${busy}% busy over 2 s; other java processes: $javas; PostgreSQL postmasters: $pms"
  if [ "$busy" -gt 15 ] || [ "$javas" -gt 0 ]; then
    echo "WARNING: the machine is not idle; figures may be skewed. java processes:"
    pgrep -ax java 2>/dev/null | cut -c1-150 | head -n 5 | sed 's/^/    /' || true
  fi
  return 0
}
