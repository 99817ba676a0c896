#!/usr/bin/env bash
# Upload/download benchmark: starts Flow (temp data dir, free port on 127.0.0.1), signs up a user, and on the
# disk of the data dir:
#   1. makes a file of BENCH_SIZE_MB random-ish bytes (not timed),
#   2. copies it with dd (conv=fsync: the server fsyncs what it stores, so the copy does too): the disk's figure,
#   3. uploads it through POST /upload in BENCH_CHUNK_MB chunks, one after the other on one connection (the chunk
#      protocol, bench/upload_chunks.py),
#   4. downloads it into a file on the same disk and fsyncs that file (like the copy),
#   5. uploads BENCH_PARALLEL files of BENCH_PARALLEL_MB at once (each a sequence of chunks),
# samples the server JVM's VmRSS every BENCH_RSS_INTERVAL s throughout, checks every md5 (the one the server
# recorded, and the bytes downloaded), and prints throughputs and their ratios to the copy's against the targets:
# upload >= 70 % of the copy, download >= 80 %, server RSS < 512 MiB. Exits 1 when a target or an md5 is missed.
#
#   bench/upload-download.sh                          # BENCH_SIZE_MB=5120 BENCH_PARALLEL=8 BENCH_PARALLEL_MB=256
#   BENCH_SIZE_MB=300 bench/upload-download.sh        # a quick run
#   FLOW_JAVA_OPTS="-XX:+UseSerialGC -Xmx256m" bench/upload-download.sh
#   TMPDIR=/mnt/data bench/upload-download.sh         # the disk to measure: the temp dir (data dir, files) is made there
#
# Needs about 3 x BENCH_SIZE_MB + 2 x BENCH_PARALLEL x BENCH_PARALLEL_MB of free space there; refuses to start
# with less. Everything is removed at the end (trap), also on Ctrl-C.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_SIZE_MB="${BENCH_SIZE_MB:-5120}"
BENCH_CHUNK_MB="${BENCH_CHUNK_MB:-10}"
BENCH_PARALLEL="${BENCH_PARALLEL:-8}"
BENCH_PARALLEL_MB="${BENCH_PARALLEL_MB:-256}"
BENCH_RSS_INTERVAL="${BENCH_RSS_INTERVAL:-0.2}"
# How the file is downloaded: "downloads" is GET /downloads/{id}/{filename}; "contents" is
# GET /data/{id}/contents?download=true (the same streaming code, without ranges).
DOWNLOAD_ROUTE="${DOWNLOAD_ROUTE:-downloads}"
TARGET_UPLOAD=0.70
TARGET_DOWNLOAD=0.80
TARGET_RSS_MIB=512

MB=1000000   # throughputs are in MB/s (10^6 bytes); sizes given in "MB" are MiB (the chunks are 10 MiB)
TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-updown.XXXXXX")"
SERVER_PID=""
RSS_PID=""
trap '[ -n "$RSS_PID" ] && kill "$RSS_PID" 2>/dev/null; cleanup_all "$TMP"' EXIT
trap 'exit 130' INT TERM

download_path() { # DATA_ID FILENAME
  case "$DOWNLOAD_ROUTE" in
    contents) echo "/data/$1/contents?download=true" ;;
    downloads) echo "/downloads/$1/$2" ;;
    *) echo "DOWNLOAD_ROUTE must be contents or downloads" >&2; return 1 ;;
  esac
}

FAILED=()
fail() { FAILED+=("$*"); log "FAILED: $*"; }

# make_file PATH MIB: random-ish bytes (AES-CTR of zeros: incompressible, and faster than /dev/urandom)
make_file() {
  head -c $(( $2 * 1048576 )) /dev/zero | openssl enc -aes-128-ctr -nosalt -pass "pass:flow-bench-$RANDOM" -out "$1" 2>/dev/null
}

# upload FILE NAME FILE_ID OUT: sends FILE in chunks of BENCH_CHUNK_MB MiB, one after the other over one kept-alive
# connection (bench/upload_chunks.py, as a real client does: no process per chunk). Writes the last answer to OUT
# and the seconds of each request, one a line, to OUT.times. Returns 1 at the first answer that is not 200.
upload() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/upload_chunks.py" "$BASE" "$TOKEN" "$1" "$2" "$3" "$BENCH_CHUNK_MB" "$4"
}

data_id() { sed -n 's/.*"data" *: *{ *"id" *: *\([0-9]*\).*/\1/p' "$1"; }
data_md5() { sed -n 's/.*"data" *: *{.*"md5" *: *"\([0-9a-f]*\)".*/\1/p' "$1"; }

mbps() { awk -v b="$1" -v s="$2" -v mb="$MB" 'BEGIN { printf "%.1f", (s > 0 ? b / mb / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# ---------------------------------------------------------------- setup

ensure_jar_built
java_banner
need_kb=$(( (3 * BENCH_SIZE_MB + 2 * BENCH_PARALLEL * BENCH_PARALLEL_MB + 1024) * 1024 ))
free_kb=$(df -Pk "$TMP" | awk 'NR == 2 { print $4 }')
echo "disk: $(df -Ph "$TMP" | awk 'NR == 2 { print $1 " mounted on " $6 ", " $4 " free" }'); temp dir: $TMP"
echo "file: $BENCH_SIZE_MB MiB in chunks of $BENCH_CHUNK_MB MiB; then $BENCH_PARALLEL uploads of $BENCH_PARALLEL_MB MiB at once; download route: $DOWNLOAD_ROUTE"
if [ "$free_kb" -lt "$need_kb" ]; then
  echo "not enough free space: $(( free_kb / 1024 )) MiB free, $(( need_kb / 1024 )) MiB needed"; exit 1
fi

start_signed_in "$TMP"
# the JVM's resident memory, sampled throughout (./flow execs java, so SERVER_PID is the JVM)
( while kill -0 "$SERVER_PID" 2>/dev/null; do echo "$(date +%s.%N) $(rss_kb "$SERVER_PID")"; sleep "$BENCH_RSS_INTERVAL"; done ) >"$TMP/rss" &
RSS_PID=$!
rss_max_mib() { awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }' "$TMP/rss"; }

SRC="$TMP/source.bin"
log "making $BENCH_SIZE_MB MiB of random-ish bytes..."
make_file "$SRC" "$BENCH_SIZE_MB"
BYTES=$(stat -c %s "$SRC")
SRC_MD5=$(md5sum "$SRC" | cut -d' ' -f1)
sync

# ---------------------------------------------------------------- the disk: dd with fsync

log "copying with dd (conv=fsync)..."
t0=$(now_ns)
dd if="$SRC" of="$TMP/copy.bin" bs=10M conv=fsync status=none
DD_SECS=$(secs_between "$t0" "$(now_ns)")
[ "$(md5sum "$TMP/copy.bin" | cut -d' ' -f1)" = "$SRC_MD5" ] || fail "md5 of the dd copy"
rm -f "$TMP/copy.bin"
DD_MBPS=$(mbps "$BYTES" "$DD_SECS")
log "dd: ${DD_SECS}s, $DD_MBPS MB/s"

# ---------------------------------------------------------------- upload

log "uploading in $BENCH_CHUNK_MB MiB chunks..."
RSS_BEFORE=$(mib "$(rss_kb "$SERVER_PID")")
t0=$(now_ns)
if upload "$SRC" bench.bin "bench-$RANDOM$RANDOM" "$TMP/upload.json"; then
  UP_SECS=$(secs_between "$t0" "$(now_ns)")
  UP_MBPS=$(mbps "$BYTES" "$UP_SECS")
  ID=$(data_id "$TMP/upload.json")
  [ "$(data_md5 "$TMP/upload.json")" = "$SRC_MD5" ] || fail "md5 the server recorded for the upload: $(data_md5 "$TMP/upload.json"), not $SRC_MD5"
  # the last chunk's request also assembles and hashes the whole file: its time, against the typical chunk's
  CHUNK_MEDIAN=$(head -n -1 "$TMP/upload.json.times" | sort -g | awk '{ a[NR] = $1 } END { printf "%.3f", (NR ? a[int((NR + 1) / 2)] : 0) }')
  CHUNK_LAST=$(tail -n1 "$TMP/upload.json.times")
  IN_REQUESTS=$(awk '{ s += $1 } END { printf "%.3f", s }' "$TMP/upload.json.times")
  log "upload: ${UP_SECS}s, $UP_MBPS MB/s (data $ID)"
else
  fail "the upload"; UP_SECS=0; UP_MBPS=0; ID=""; CHUNK_MEDIAN=0; CHUNK_LAST=0; IN_REQUESTS=0
fi
RSS_AFTER_UP=$(rss_max_mib)

# ---------------------------------------------------------------- download

DL_SECS=0; DL_MBPS=0
if [ -n "$ID" ]; then
  log "downloading ($DOWNLOAD_ROUTE)..."
  t0=$(now_ns)
  # -L: with FLOW_S3_PRESIGNED_DOWNLOADS the answer is a 307 to the bucket (curl sends the token to no other host or port)
  code=$(curl -sS -L --max-time 3600 -o "$TMP/download.bin" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "$BASE$(download_path "$ID" bench.bin)") || true
  sync "$TMP/download.bin"
  DL_SECS=$(secs_between "$t0" "$(now_ns)")
  if [ "$code" != 200 ]; then fail "the download: HTTP $code"
  else
    DL_MBPS=$(mbps "$BYTES" "$DL_SECS")
    [ "$(md5sum "$TMP/download.bin" | cut -d' ' -f1)" = "$SRC_MD5" ] || fail "md5 of the downloaded file"
    log "download: ${DL_SECS}s, $DL_MBPS MB/s"
  fi
  rm -f "$TMP/download.bin"
fi
rm -f "$SRC"

# ---------------------------------------------------------------- uploads at once

log "making $BENCH_PARALLEL files of $BENCH_PARALLEL_MB MiB..."
for i in $(seq 1 "$BENCH_PARALLEL"); do make_file "$TMP/par-$i.bin" "$BENCH_PARALLEL_MB"; md5sum "$TMP/par-$i.bin" | cut -d' ' -f1 >"$TMP/par-$i.md5"; done
sync
log "$BENCH_PARALLEL uploads at once..."
pids=()
t0=$(now_ns)
for i in $(seq 1 "$BENCH_PARALLEL"); do
  upload "$TMP/par-$i.bin" "par-$i.bin" "par-$i-$RANDOM$RANDOM" "$TMP/par-$i.json" & pids+=("$!")
done
PAR_OK=0
for i in $(seq 1 "$BENCH_PARALLEL"); do
  if ! wait "${pids[$((i - 1))]}"; then fail "parallel upload $i"; continue; fi
  want=$(cat "$TMP/par-$i.md5")
  got=$(data_md5 "$TMP/par-$i.json")
  pid_=$(data_id "$TMP/par-$i.json")
  down=$(curl -sS -L --max-time 600 -H "Authorization: Bearer $TOKEN" "$BASE$(download_path "$pid_" "par-$i.bin")" | md5sum | cut -d' ' -f1)
  if [ "$got" = "$want" ] && [ "$down" = "$want" ]; then PAR_OK=$(( PAR_OK + 1 ))
  else fail "parallel upload $i: md5 $want, the server recorded ${got:-nothing}, the download has $down"; fi
done
PAR_SECS=$(secs_between "$t0" "$(now_ns)")
PAR_MBPS=$(mbps $(( BENCH_PARALLEL * BENCH_PARALLEL_MB * 1048576 )) "$PAR_SECS")

RSS_MAX=$(rss_max_mib)
SAMPLES=$(wc -l <"$TMP/rss")
kill "$RSS_PID" 2>/dev/null || true; RSS_PID=""
stop_server "$TMP/data" "$PORT" || log "WARNING: the stop had to be forced"

# ---------------------------------------------------------------- report

UP_RATIO=$(ratio "$UP_MBPS" "$DD_MBPS")
DL_RATIO=$(ratio "$DL_MBPS" "$DD_MBPS")
verdict() { if [ "$1" = ok ]; then echo "ok"; else echo "MISSED"; fi; }
up_ok=missed; at_least "$UP_RATIO" "$TARGET_UPLOAD" && up_ok=ok
dl_ok=missed; at_least "$DL_RATIO" "$TARGET_DOWNLOAD" && dl_ok=ok
rss_ok=missed; [ "$RSS_MAX" -lt "$TARGET_RSS_MIB" ] && rss_ok=ok
[ "$up_ok" = ok ] || fail "upload at $UP_RATIO of the copy (target $TARGET_UPLOAD)"
[ "$dl_ok" = ok ] || fail "download at $DL_RATIO of the copy (target $TARGET_DOWNLOAD)"
[ "$rss_ok" = ok ] || fail "server RSS peaked at $RSS_MAX MiB (target < $TARGET_RSS_MIB)"

echo
printf '%-44s %8s %10s %8s  %s\n' "" "seconds" "MB/s" "vs dd" "target"
printf '%-44s %8s %10s %8s  %s\n' "dd copy, conv=fsync ($BENCH_SIZE_MB MiB)" "$DD_SECS" "$DD_MBPS" "1.00" ""
printf '%-44s %8s %10s %8s  %s\n' "upload, $BENCH_CHUNK_MB MiB chunks, sequential" "$UP_SECS" "$UP_MBPS" "$UP_RATIO" ">= $TARGET_UPLOAD $(verdict $up_ok)"
printf '%-44s %8s %10s %8s  %s\n' "download ($DOWNLOAD_ROUTE), to disk + fsync" "$DL_SECS" "$DL_MBPS" "$DL_RATIO" ">= $TARGET_DOWNLOAD $(verdict $dl_ok)"
printf '%-44s %8s %10s %8s  %s\n' "$BENCH_PARALLEL uploads of $BENCH_PARALLEL_MB MiB at once (+ md5 checks)" "$PAR_SECS" "$PAR_MBPS" "" "$PAR_OK of $BENCH_PARALLEL md5s right"
echo "upload requests: median chunk ${CHUNK_MEDIAN}s; the last chunk (which assembles and hashes the file) ${CHUNK_LAST}s;"
echo "  ${IN_REQUESTS}s of the ${UP_SECS}s inside the requests (the rest: the client reading the file between them)"
echo "server JVM RSS: $RSS_BEFORE MiB before the upload, peak $RSS_AFTER_UP MiB by the end of the upload, peak $RSS_MAX MiB overall ($SAMPLES samples); target < $TARGET_RSS_MIB MiB: $(verdict $rss_ok)"
busy_warning
noise=$(grep -cE ' (WARN|ERROR) |Exception' "$LOGF" || true)
echo "server log lines with WARN/ERROR/Exception: $noise"
if [ "$noise" != 0 ]; then grep -E ' (WARN|ERROR) |Exception' "$LOGF" | sed -E 's/^[0-9T:.Z-]+ //' | sort | uniq -c | sort -rn | head -n 10 | cut -c1-200; fi

if [ ${#FAILED[@]} -gt 0 ]; then
  echo "FAILED (${#FAILED[@]}):"; printf '  %s\n' "${FAILED[@]}"; exit 1
fi
echo "all targets met, all md5s right"
