#!/usr/bin/env bash
# Login flood: what a flood of unauthenticated password-hashing requests does to the server.
#
# Starts Flow (temp data dir, free port on 127.0.0.1), signs up one user, then for DURATION seconds sends
# POST /login with a wrong password for unknown usernames (a new one each request, so the per-account
# limit never applies; each such login costs the server one decoy Argon2id hash) over CONNECTIONS
# connections with wrk. While the flood runs it measures:
#   - the flood's statuses (401 / 503 / 429 / other), requests/s and latency p50/p90/p99/max (wrk);
#   - the JVM's peak RSS (/proc/<pid>/status, every 0.5 s) and peak heap used (jstat -gc, every 1 s);
#   - CPU over the flood: the server JVM's, PostgreSQL's and the whole machine's (/proc);
#   - GET /me with a valid token: PROBES sequential requests spread over the flood (median, max);
#   - a correct POST /login of the real user: LOGIN_PROBES users spread over the flood, each retrying
#     after Retry-After while it gets 503 (or 429), until it gets in or the flood ends.
# Then prints a summary and stops the server.
#
#   bench/login-flood.sh                                # CONNECTIONS=200 DURATION=20 PROBES=20 LOGIN_PROBES=4
#   FLOW_PASSWORD_HASH_WAIT_MS=500 bench/login-flood.sh # server settings pass through the environment
#   FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS=50 bench/login-flood.sh   # the default throttle instead of none
#   FLOW_REPO=/tmp/flow-before bench/login-flood.sh     # benchmark another checkout
#
# FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS and FLOW_SIGNUP_MAX_PER_ADDRESS are raised to 1000000 unless set:
# all requests come from 127.0.0.1, and the point is the hashing, not the per-address throttle (which
# would answer 429 after 50 failures). wrk is required (as root, the script tries `apt-get install -y wrk`).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNECTIONS="${CONNECTIONS:-200}"
DURATION="${DURATION:-20}"
WRK_THREADS="${WRK_THREADS:-2}"
PROBES="${PROBES:-20}"
LOGIN_PROBES="${LOGIN_PROBES:-4}"
export FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS="${FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS:-1000000}"
export FLOW_SIGNUP_MAX_PER_ADDRESS="${FLOW_SIGNUP_MAX_PER_ADDRESS:-1000000}"
[ "$DURATION" -ge 5 ] || { echo "DURATION must be at least 5 (seconds)" >&2; exit 2; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-flood.XXXXXX")"
SERVER_PID=""
BG_PIDS=""
stop_bg() { local p; for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done; BG_PIDS=""; }
trap 'stop_bg; cleanup_all "$TMP"' EXIT
trap 'exit 130' INT TERM

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "wrk is not installed: trying apt-get install -y wrk"
    apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; } || true
  fi
  command -v wrk >/dev/null || { echo "this benchmark needs wrk" >&2; exit 1; }
fi

CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)
# utime + stime of a pid, in clock ticks (0 if gone); the command name in field 2 may hold spaces
cpu_ticks() { sed -E 's/^.*\) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0; }
pg_ticks() { local p s=0; for p in $(postgres_pids "$DATA"); do s=$(( s + $(cpu_ticks "$p") )); done; echo "$s"; }
# total and idle (idle + iowait) ticks of the whole machine
machine_ticks() { awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8, $5+$6 }' /proc/stat; }
median_max() { # numbers on stdin -> "median X, max Y" (ms)
  sort -g | awk '{ a[NR] = $1 } END { if (!NR) { print "none"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "median %.1f ms, max %.1f ms (min %.1f, n=%d)", m, a[NR], a[1], NR }'
}

# login_user LABEL DEADLINE_S: a correct POST /login of the real user, retried as told by Retry-After while
# it gets 503 or 429, at most until the epoch second DEADLINE_S. One line per attempt, then a summary line:
#   attempt LABEL N CODE SECONDS RETRY_AFTER
#   user LABEL in|out ATTEMPTS TOTAL_SECONDS
login_user() {
  local label="$1" deadline="$2" t0 i=0 out code secs ra
  t0=$(now_ns)
  while :; do
    i=$(( i + 1 ))
    out=$(curl -s --max-time 30 -o /dev/null -D "$TMP/login-$label.h" -w '%{http_code} %{time_total}' \
            -H 'Content-Type: application/json' -d "$LOGIN_BODY" "$BASE/login" || echo "000 30")
    code=${out% *}; secs=${out#* }
    ra=$(tr -d '\r' < "$TMP/login-$label.h" 2>/dev/null | awk -F': *' 'tolower($1) == "retry-after" { print $2 }')
    echo "attempt $label $i $code $secs ${ra:--}"
    if [ "$code" = 200 ]; then echo "user $label in $i $(secs_between "$t0" "$(now_ns)")"; return 0; fi
    if [ "$code" != 503 ] && [ "$code" != 429 ] || [ "$(date +%s)" -ge "$deadline" ] || [ "$i" -ge 50 ]; then break; fi
    ra=${ra:-1}; [ "$ra" -le 10 ] 2>/dev/null || ra=10
    sleep "$ra"
  done
  echo "user $label out $i $(secs_between "$t0" "$(now_ns)")"
}

ensure_jar_built
java_banner
echo "load generator: $(wrk --version 2>&1 | head -n1 | cut -c1-40), $WRK_THREADS threads, $CONNECTIONS connections, ${DURATION}s"
echo "throttles: FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS=$FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS FLOW_SIGNUP_MAX_PER_ADDRESS=$FLOW_SIGNUP_MAX_PER_ADDRESS" \
     "(raised by this script unless set, so that the flood from 127.0.0.1 reaches the password hashing instead of the per-address 429)"
echo "hashing pool: FLOW_PASSWORD_HASH_CONCURRENCY=${FLOW_PASSWORD_HASH_CONCURRENCY:-(default)} FLOW_PASSWORD_HASH_WAIT_MS=${FLOW_PASSWORD_HASH_WAIT_MS:-(default)} (ignored by servers without the pool)"
echo "temp dir: $TMP"

start_signed_in "$TMP" || exit 1
LOGIN_BODY='{"username":"benchuser","password":"bench-password-123"}'

# Before the flood: the same probes on the idle server (a few rounds, the first ones warm the JIT up).
for i in 1 2 3 4 5 6 7 8 9 10; do
  curl -s --max-time 10 -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" "$BASE/me"
done > "$TMP/me-idle.txt"
for i in 1 2 3 4 5; do
  curl -s --max-time 30 -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' -d "$LOGIN_BODY" "$BASE/login"
  curl -s --max-time 30 -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
    -d "{\"username\":\"idle-unknown-$i\",\"password\":\"wrong-password-123\"}" "$BASE/login" >> "$TMP/wrong-idle.txt"
done > "$TMP/login-idle.txt"
grep -qv '^200 ' "$TMP/me-idle.txt" && { log "GET /me before the flood: $(sort "$TMP/me-idle.txt" | uniq -c | head -n 3)"; exit 1; }
grep -qv '^200 ' "$TMP/login-idle.txt" && { log "POST /login before the flood: $(sort "$TMP/login-idle.txt" | uniq -c | head -n 3)"; exit 1; }
ME_IDLE=$(tail -n 5 "$TMP/me-idle.txt" | awk '{ print $2 * 1000 }' | median_max)
LOGIN_IDLE=$(tail -n 3 "$TMP/login-idle.txt" | awk '{ print $2 * 1000 }' | median_max)
WRONG_IDLE=$(tail -n 3 "$TMP/wrong-idle.txt" | awk '{ print $1 }' | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
WRONG_IDLE="$WRONG_IDLE; $(tail -n 3 "$TMP/wrong-idle.txt" | awk '{ print $2 * 1000 }' | median_max)"
RSS_BEFORE=$(mib "$(rss_kb "$SERVER_PID")")
log "signed up; idle: GET /me $ME_IDLE; correct login $LOGIN_IDLE; JVM RSS $RSS_BEFORE MiB"

# ---- the flood ----
T0=$(now_ns); START_S=$(date +%s); END_S=$(( START_S + DURATION ))
CPU0_JVM=$(cpu_ticks "$SERVER_PID"); CPU0_PG=$(pg_ticks); CPU0_ALL=$(machine_ticks)
BENCH_RUN="$START_S" timeout $(( DURATION + 60 )) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
  -s "$BENCH_DIR/login-flood.lua" "$BASE/login" > "$TMP/wrk.out" 2>&1 &
WRK_PID=$!; BG_PIDS="$WRK_PID"

# heap: one jstat process sampling every second (it reads the JVM's perf-data file, no attach, little CPU)
timeout $(( DURATION + 10 )) jstat -gc "$SERVER_PID" 1000 $(( DURATION + 1 )) > "$TMP/jstat.txt" 2>&1 &
BG_PIDS="$BG_PIDS $!"
# RSS and thread count every 0.5 s
( for _ in $(seq 1 $(( DURATION * 2 + 2 ))); do
    awk '/^VmRSS:/ { r = $2 } /^Threads:/ { t = $2 } END { if (r) print r, t }' "/proc/$SERVER_PID/status" 2>/dev/null || true
    sleep 0.5
  done > "$TMP/rss.txt" ) &
BG_PIDS="$BG_PIDS $!"
# GET /me: PROBES sequential requests, the i-th due at 1 s + i * (DURATION - 2) / PROBES, none after the flood
( for i in $(seq 0 $(( PROBES - 1 ))); do
    due=$(awk -v t="$T0" -v i="$i" -v d="$DURATION" -v p="$PROBES" 'BEGIN { printf "%.0f", t + (1 + i * (d - 2) / p) * 1e9 }')
    now=$(now_ns); [ "$now" -lt "$due" ] && sleep "$(awk -v a="$now" -v b="$due" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
    [ "$(date +%s)" -lt "$END_S" ] || break
    curl -s --max-time 15 -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" "$BASE/me" || echo "000 15"
  done > "$TMP/me-flood.txt" ) &
BG_PIDS="$BG_PIDS $!"
# correct logins: LOGIN_PROBES users, the i-th starting at 2 s + i * (DURATION - 4) / LOGIN_PROBES, each retrying
# after Retry-After until it gets in or the flood ends
( for i in $(seq 0 $(( LOGIN_PROBES - 1 ))); do
    due=$(awk -v t="$T0" -v i="$i" -v d="$DURATION" -v p="$LOGIN_PROBES" 'BEGIN { printf "%.0f", t + (2 + i * (d - 4) / p) * 1e9 }')
    now=$(now_ns); [ "$now" -lt "$due" ] && sleep "$(awk -v a="$now" -v b="$due" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
    [ "$(date +%s)" -lt "$END_S" ] || break
    login_user "$(( i + 1 ))" "$END_S"
  done > "$TMP/login-flood.txt" ) &
BG_PIDS="$BG_PIDS $!"

wait "$WRK_PID" || log "wrk ended with status $?"
T1=$(now_ns)
CPU1_JVM=$(cpu_ticks "$SERVER_PID"); CPU1_PG=$(pg_ticks); CPU1_ALL=$(machine_ticks)
# the probes and samplers end by themselves shortly after the flood; wait at most 40 s (a login probe
# started just before the end may take its full time)
for _ in $(seq 1 400); do
  alive=""; for p in $BG_PIDS; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ -z "$alive" ] && break; sleep 0.1
done
stop_bg
FLOOD_S=$(secs_between "$T0" "$T1")

# ---- after the flood ----
alive_after=yes; kill -0 "$SERVER_PID" 2>/dev/null || alive_after=no
sleep 1
me_after=$(curl -s --max-time 15 -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$BASE/me" || echo "000 15")
login_user after $(( $(date +%s) + 15 )) > "$TMP/login-after.txt"
RSS_AFTER=$(mib "$(rss_kb "$SERVER_PID")")

if ! stop_server "$DATA" "$PORT"; then log "WARNING: the stop had to be forced"; fi
busy_warning

# ---- summary ----
echo
RESULT=$(grep '^RESULT' "$TMP/wrk.out" || true)
if [ -z "$RESULT" ]; then echo "wrk printed no result:"; sed 's/^/    /' "$TMP/wrk.out"; exit 1; fi
echo "$RESULT" | sed -E 's/^RESULT //' | awk -v c="$CONNECTIONS" '{
  for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  answered = v["s401"] + v["s503"] + v["s429"] + v["s2xx"] + v["sother"]
  printf "flood, POST /login (unknown user, wrong password), %d connections, %s s:\n", c, v["seconds"]
  printf "  %d answers, %.1f/s: 401 %d (%.1f/s, each one password hash), 503 %d, 429 %d, 2xx %d, other %d\n",
    answered, answered / v["seconds"], v["s401"], v["s401"] / v["seconds"], v["s503"], v["s429"], v["s2xx"], v["sother"]
  printf "  latency (answered requests): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"]
  printf "  wrk errors: %s %s (connect/read/write/timeout(10 s)/non-2xx)\n", v["errors"], $NF }'

# peak heap used = S0U + S1U + EU + OU (KiB), and the committed heap, from jstat's columns by name
awk 'NR == 1 || $1 == "S0C" { for (i = 1; i <= NF; i++) col[$i] = i; next }
     $1 ~ /^[0-9.]+$/ { u = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; c = $col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"]
       if (u > mu) mu = u; if (c > mc) mc = c; n++
       if (n == 1) { y0 = $col["YGC"]; f0 = $col["FGC"]; g0 = $col["GCT"] }; y = $col["YGC"]; f = $col["FGC"]; g = $col["GCT"] }
     END { if (n) printf "HEAP %.0f %.0f %d %d %d %.2f\n", mu / 1024, mc / 1024, n, y - y0, f - f0, g - g0; else print "HEAP none" }' \
  "$TMP/jstat.txt" > "$TMP/heap.txt"
read -r _ HEAP_USED HEAP_COMMITTED HEAP_N YGC FGC GCT < "$TMP/heap.txt" || true
RSS_PEAK=$(awk '$1 > m { m = $1 } END { printf "%.0f", m / 1024 }' "$TMP/rss.txt")
THREADS_PEAK=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$TMP/rss.txt")
echo "memory of the server JVM during the flood: peak RSS ${RSS_PEAK} MiB (idle before: ${RSS_BEFORE}, after: ${RSS_AFTER}); threads: peak ${THREADS_PEAK}"
if [ "${HEAP_USED:-none}" != none ] && [ -n "${HEAP_N:-}" ]; then
  echo "  heap (jstat, $HEAP_N samples): peak used ${HEAP_USED} MiB, peak committed ${HEAP_COMMITTED} MiB; GCs during the flood: ${YGC} young/mixed, ${FGC} full, ${GCT} s GC time"
else
  echo "  heap: no jstat samples ($(head -c 200 "$TMP/jstat.txt"))"
fi

read -r a_tot a_idle <<< "$CPU0_ALL"; read -r b_tot b_idle <<< "$CPU1_ALL"
awk -v j=$(( CPU1_JVM - CPU0_JVM )) -v p=$(( CPU1_PG - CPU0_PG )) -v tt=$(( b_tot - a_tot )) -v ti=$(( b_idle - a_idle )) \
    -v hz="$CLK_TCK" -v s="$FLOOD_S" -v n="$NCPU" 'BEGIN {
  printf "CPU over the %.1f s of the flood (%d cores = %.0f core-seconds): server JVM %.1f core-s (%.0f%% of the machine), PostgreSQL %.1f core-s (%.0f%%), whole machine %.0f%% busy (the rest: wrk, curl, others)\n",
    s, n, n * s, j / hz, 100 * j / hz / (n * s), p / hz, 100 * p / hz / (n * s), (tt > 0 ? 100 * (tt - ti) / tt : 0) }'

echo "GET /me with a valid token, idle before the flood: $ME_IDLE"
echo "GET /me during the flood: $(awk '{ print $2 * 1000 }' "$TMP/me-flood.txt" | median_max); statuses: $(awk '{ print $1 }' "$TMP/me-flood.txt" | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')"
echo "correct POST /login, idle before the flood: $LOGIN_IDLE (a wrong one for an unknown user: $WRONG_IDLE)"
echo "correct POST /login during the flood (each user retries after Retry-After until in or the flood ends):"
if [ -s "$TMP/login-flood.txt" ]; then
  awk '$1 == "attempt" { a[$2] = a[$2] sprintf("%s%s %.2fs", (a[$2] ? ", " : ""), $4, $5) }
       $1 == "user" { printf "  user %s: %s after %d attempt(s), %.2f s: %s\n", $2, ($3 == "in" ? "got in" : "did NOT get in"), $4, $5, a[$2] }' \
    "$TMP/login-flood.txt"
  first=$(awk '$1 == "attempt" && $3 == 1 { print $4 }' "$TMP/login-flood.txt" | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
  all=$(awk '$1 == "attempt" { print $4 }' "$TMP/login-flood.txt" | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
  echo "  first attempts: $first; all attempts: $all; users in: $(grep -c '^user .* in ' "$TMP/login-flood.txt" || true) of $(grep -c '^user ' "$TMP/login-flood.txt" || true)"
else
  echo "  (no login probe ran)"
fi
echo "after the flood: server alive: $alive_after; GET /me -> ${me_after% *} in ${me_after#* } s; correct login: $(awk '$1 == "user" { printf "%s after %d attempt(s), %.2f s", ($3 == "in" ? "in" : "NOT in"), $4, $5 }' "$TMP/login-after.txt")"
echo "server stopped in ${STOP_SECS}s after SIGTERM"
noise=$(grep -cE ' (WARN|ERROR) |Exception|OutOfMemory' "$LOGF" || true)
echo "server log: $(wc -l < "$LOGF") lines, $noise with WARN/ERROR/Exception/OutOfMemory"
if [ "$noise" != 0 ]; then grep -E ' (WARN|ERROR) |Exception|OutOfMemory' "$LOGF" | sed -E 's/^[0-9T:.Z-]+ //' | cut -c1-160 | sort | uniq -c | sort -rn | head -n 10; fi
left=$(pgrep -f -- "$TMP" || true)
if [ -n "$left" ]; then echo "LEFTOVER processes: $left"; else echo "no leftover processes"; fi
