#!/usr/bin/env bash
# Throughput benchmark: starts Flow (temp data dir, free port on 127.0.0.1), signs up a user, then drives
# GET /me (bearer token; two small SQL queries per request) and, for comparison, GET /ping with
# CONNECTIONS concurrent keep-alive connections: WARMUP seconds unmeasured, then DURATION seconds measured.
# Prints requests/s, latency p50/p90/p99/max and the error count of each pass, then stops the server.
#
#   bench/me-rps.sh                                   # CONNECTIONS=50 WARMUP=5 DURATION=20
#   WARMUP=40 bench/me-rps.sh                         # steady state: after 5 s the JIT is still busy
#   LOADGEN=java bench/me-rps.sh                      # force the Java load generator (bench/Bench.java)
#   FLOW_JAVA_OPTS="-XX:+UseSerialGC" bench/me-rps.sh
#
# Load generator: wrk if installed; else `apt-get install -y wrk` (as root); else java bench/Bench.java.
# The load generator runs on the same machine, so it competes with the server and PostgreSQL for the CPUs.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNECTIONS="${CONNECTIONS:-50}"
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-20}"
WRK_THREADS="${WRK_THREADS:-2}"
LOADGEN="${LOADGEN:-auto}"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-rps.XXXXXX")"
SERVER_PID=""
trap 'cleanup_all "$TMP"' EXIT
trap 'exit 130' INT TERM

pick_loadgen() {
  if [ "$LOADGEN" = auto ]; then
    if command -v wrk >/dev/null; then LOADGEN=wrk
    elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "wrk is not installed: trying apt-get install -y wrk"
      if ! apt-get install -y wrk >&2; then
        apt-get update >&2 && apt-get install -y wrk >&2 || true
      fi
      if command -v wrk >/dev/null; then LOADGEN=wrk; else LOADGEN=java; fi
    else
      LOADGEN=java
    fi
  fi
  log "load generator: $LOADGEN"
}

# run_load URL SECONDS [TOKEN] -> prints the RESULT line
run_load() {
  local url="$1" secs="$2" token="${3:-}" out
  # wrk ends by itself after -d; `timeout` is a backstop so that nothing can hang
  if [ "$LOADGEN" = wrk ]; then
    out=$(BENCH_TOKEN="$token" timeout $(( secs + 60 )) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" \
            --timeout 10s -s "$BENCH_DIR/wrk-report.lua" "$url")
  else
    out=$(timeout $(( secs + 90 )) java -XX:+UseSerialGC -Xmx512m "$BENCH_DIR/Bench.java" "$url" "$CONNECTIONS" "$secs" "$token")
  fi
  echo "$out" >>"$TMP/loadgen.out"
  echo "$out" | grep '^RESULT'
}

summarize() { # label RESULT-line
  local label="$1" line="$2"
  echo "$line" | sed -E 's/^RESULT //' | awk -v label="$label" '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%-10s %9.0f req/s   p50 %7.2f ms   p90 %7.2f ms   p99 %7.2f ms   max %8.2f ms   errors %s %s   (%s requests in %s s)\n",
      label, v["rps"], v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], v["errors"], $NF, v["requests"], v["seconds"] }'
}

ensure_jar_built
pick_loadgen
java_banner
[ "$LOADGEN" = java ] || echo "load generator: $(wrk --version 2>&1 | head -n1 | cut -c1-40), $WRK_THREADS threads"
echo "connections: $CONNECTIONS; warm-up ${WARMUP}s, measured ${DURATION}s per pass; temp dir: $TMP"

start_signed_in "$TMP" || exit 1
me_code=$(curl -s --max-time 10 -o "$TMP/me.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/me")
if [ "$me_code" != 200 ]; then log "GET /me answered $me_code: $(cat "$TMP/me.json")"; exit 1; fi
log "signed up; GET /me -> 200 $(head -c 200 "$TMP/me.json")"

log "warm-up: GET /me for ${WARMUP}s"
run_load "$BASE/me" "$WARMUP" "$TOKEN" >/dev/null
log "measuring GET /me for ${DURATION}s"
ME=$(run_load "$BASE/me" "$DURATION" "$TOKEN")
RSS_ME=$(mib "$(rss_kb "$SERVER_PID")")

log "warm-up: GET /ping for ${WARMUP}s"
run_load "$BASE/ping" "$WARMUP" >/dev/null
log "measuring GET /ping for ${DURATION}s"
PING=$(run_load "$BASE/ping" "$DURATION")

# the token must still work after the load (no lock-out, no error state)
after=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/me")

pgn=0; pgr=0
for p in $(postgres_pids "$DATA"); do pgn=$(( pgn + 1 )); pgr=$(( pgr + $(rss_kb "$p") )); done
RSS_END=$(mib "$(rss_kb "$SERVER_PID")")

if ! stop_server "$DATA" "$PORT"; then log "WARNING: the stop had to be forced"; fi
busy_warning

echo
summarize "GET /me" "$ME"
summarize "GET /ping" "$PING"
echo "errors are connect/read/write/timeout/non-2xx-or-3xx"
if [ "$WARMUP" -lt 30 ]; then
  echo "note: with WARMUP=${WARMUP}s the JIT is still compiling during the measured /me pass (2 cores); WARMUP=40 gives the steady state (~1.8x the /me req/s here)"
fi
echo "GET /me after the load: HTTP $after"
echo "server JVM RSS: ${RSS_ME} MiB after the /me pass, ${RSS_END} MiB at the end; PostgreSQL: $pgn processes, RSS $(mib "$pgr") MiB (summed, shared memory counted in each)"
echo "server stopped in ${STOP_SECS}s after SIGTERM"
noise=$(grep -cE ' (WARN|ERROR) |Exception' "$LOGF" || true)
echo "server log: $(wc -l < "$LOGF") lines, $noise with WARN/ERROR/Exception"
if [ "$noise" != 0 ]; then grep -E ' (WARN|ERROR) |Exception' "$LOGF" | sed -E 's/^[0-9T:.Z-]+ //' | sort | uniq -c | sort -rn | head -n 10 | cut -c1-200; fi
left=$(pgrep -f -- "$TMP" || true)
if [ -n "$left" ]; then echo "LEFTOVER processes: $left"; else echo "no leftover processes"; fi
