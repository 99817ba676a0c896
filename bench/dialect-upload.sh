#!/usr/bin/env bash
# The cost of the /api dialect on uploads (issue 13): starts Flow (temp data dir, free port on 127.0.0.1), signs up a
# user, makes a file of BENCH_SIZE_MB MiB (not timed), and in each of ROUNDS rounds uploads it through the main API
# (POST /upload) and through the dialect (POST /api/upload), each exactly as the flowbio client sends it: the offset
# protocol, BENCH_CHUNK bytes (1,000,000) a request, one after the other on its own connection. The two uploads go
# at the same pace, chunk i of each (in turn first) before chunk i + 1 (bench/offset_upload.py), so that a load
# that comes and goes on a shared machine weighs on both alike; each one's throughput is its bytes over the sum of
# its requests' times. Prints each upload's MB/s, the medians, and the dialect's median as a share of the main API's;
# checks the md5 the server recorded each time. Exits 1 when the dialect is below TARGET (0.90) of the main API's
# throughput or an md5 differs.
#
#   bench/dialect-upload.sh                        # BENCH_SIZE_MB=2048 ROUNDS=3
#   BENCH_SIZE_MB=256 ROUNDS=2 bench/dialect-upload.sh
#
# Needs about 3 x BENCH_SIZE_MB of free space in TMPDIR; everything is removed at the end (trap).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_SIZE_MB="${BENCH_SIZE_MB:-2048}"
BENCH_CHUNK="${BENCH_CHUNK:-1000000}"
ROUNDS="${ROUNDS:-3}"
TARGET=0.90
TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-dialect.XXXXXX")"
SERVER_PID=""
trap 'cleanup_all "$TMP"' EXIT
trap 'exit 130' INT TERM

need=$(( 3 * BENCH_SIZE_MB * 1048576 / 1024 ))
free=$(df -Pk "$TMP" | awk 'NR == 2 { print $4 }')
if [ "$free" -lt "$need" ]; then log "needs $(( need / 1024 )) MiB free in $TMP, has $(( free / 1024 ))"; exit 1; fi

java_banner
ensure_jar_built
start_signed_in "$TMP"
FILE="$TMP/reads.bin"
head -c $(( BENCH_SIZE_MB * 1048576 )) /dev/zero | openssl enc -aes-128-ctr -nosalt -pass "pass:flow-bench-$RANDOM" -out "$FILE" 2>/dev/null
MD5=$(md5sum "$FILE" | cut -d' ' -f1)
BYTES=$(stat -c %s "$FILE")
log "file: $BENCH_SIZE_MB MiB ($BYTES bytes), chunks of $BENCH_CHUNK bytes"

failed=0
main_rates=()
dialect_rates=()
for r in $(seq 1 "$ROUNDS"); do
  # both uploads at the same pace, chunk by chunk (bench/offset_upload.py), the main API's first in odd rounds
  if [ $(( r % 2 )) -eq 1 ]; then urls=("$BASE/upload" "$BASE/api/upload"); else urls=("$BASE/api/upload" "$BASE/upload"); fi
  python3 "$BENCH_DIR/offset_upload.py" "$TOKEN" "$FILE" "$BENCH_CHUNK" "$TMP/answer" "${urls[@]}" > "$TMP/times"
  for n in 0 1; do
    md5=$(sed -n 's/.*"md5" *: *"\([0-9a-f]*\)".*/\1/p' "$TMP/answer.$n")
    id=$(sed -n 's/^{"id" *: *"\([0-9]*\)".*/\1/p' "$TMP/answer.$n")
    if [ "$md5" != "$MD5" ]; then log "round $r, upload $n: md5 $md5, not $MD5"; failed=1; fi
    # deleted again, so that the disk holds at most two copies at a time
    curl -s -o /dev/null --max-time 60 -X POST -H "Authorization: Bearer $TOKEN" "$BASE/data/$id/delete"
  done
  while read -r path secs; do
    rate=$(awk -v b="$BYTES" -v s="$secs" 'BEGIN { printf "%.1f", b / s / 1e6 }')
    printf 'round %d  %-12s %8.2f s  %7s MB/s\n' "$r" "$path" "$secs" "$rate"
    if [ "$path" = /upload ]; then main_rates+=("$rate"); else dialect_rates+=("$rate"); fi
  done < "$TMP/times"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
m=$(median "${main_rates[@]}")
d=$(median "${dialect_rates[@]}")
share=$(awk -v d="$d" -v m="$m" 'BEGIN { printf "%.3f", d / m }')
echo "median: main API $m MB/s, dialect $d MB/s: the dialect at $share of the main API's (target >= $TARGET)"
if awk -v s="$share" -v t="$TARGET" 'BEGIN { exit !(s < t) }'; then log "FAILED: the dialect is below the target"; failed=1; fi
exit $failed
