#!/usr/bin/env bash
# S3 storage benchmark: upload and download throughput with FLOW_STORAGE=s3 against local storage, on the same
# machine and disk. Starts s3proxy (org.gaul:s3proxy:2.6.0, jar-with-dependencies, fetched into the local Maven
# repository when missing) as its own process over jclouds' filesystem store in a temporary folder, with AWS v4
# signatures, on a free port, makes a bucket, then runs bench/upload-download.sh three times with the same sizes:
# with FLOW_STORAGE=s3 and the FLOW_S3_* settings of that bucket, the same with FLOW_S3_PRESIGNED_DOWNLOADS=true
# (downloads are a 307 to the bucket, which curl follows), and on local storage. Prints the tables and a summary
# line per run; the targets of upload-download.sh (ratios to a dd copy) are about local disks and are
# reported, not enforced, here. s3proxy stores on the same disk, so S3's figures are Flow's S3 path (SDK, requests,
# pieces composed at completion) plus s3proxy's own cost, not a remote service's network.
#
#   bench/s3.sh                                     # BENCH_SIZE_MB=1024 BENCH_PARALLEL=4 BENCH_PARALLEL_MB=128
#   BENCH_SIZE_MB=200 BENCH_CHUNK_MB=1 bench/s3.sh  # the official client's 1 MB chunks (pieces sent again at completion)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export BENCH_SIZE_MB="${BENCH_SIZE_MB:-1024}"
export BENCH_PARALLEL="${BENCH_PARALLEL:-4}"
export BENCH_PARALLEL_MB="${BENCH_PARALLEL_MB:-128}"
export BENCH_CHUNK_MB="${BENCH_CHUNK_MB:-10}"
S3PROXY_VERSION=2.6.0
S3PROXY_JAR="${S3PROXY_JAR:-$HOME/.m2/repository/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/flow-bench-s3.XXXXXX")"
S3_PID=""
trap '[ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

if [ ! -f "$S3PROXY_JAR" ]; then
  log "fetching s3proxy $S3PROXY_VERSION..."
  mvn -B -q dependency:get -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" -Dtransitive=false >&2
fi

S3_PORT=$(free_port)
mkdir -p "$TMP/store/flow-bench" # a folder of the store's base directory is a bucket
cat >"$TMP/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-key
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.identity=bench-key
jclouds.credential=bench-secret
jclouds.filesystem.basedir=$TMP/store
PROPS
java -jar "$S3PROXY_JAR" --properties "$TMP/s3proxy.properties" >"$TMP/s3proxy.log" 2>&1 &
S3_PID=$!
for _ in $(seq 1 300); do port_listening "$S3_PORT" && break; sleep 0.1; done
port_listening "$S3_PORT" || { log "s3proxy did not start:"; cat "$TMP/s3proxy.log" >&2; exit 1; }
log "s3proxy pid $S3_PID on port $S3_PORT, store $TMP/store"

run() { # NAME, then the environment of the run
  local name="$1"; shift
  log "---- $name"
  env "$@" TMPDIR="$TMP" bash "$(dirname "${BASH_SOURCE[0]}")/upload-download.sh" >"$TMP/$name.out" 2>"$TMP/$name.err" || true
  echo "== $name"
  sed -n '/seconds *MB\/s/,$p' "$TMP/$name.out"
}

S3_SETTINGS=(FLOW_STORAGE=s3 FLOW_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" FLOW_S3_BUCKET=flow-bench FLOW_S3_REGION=us-east-1
  FLOW_S3_ACCESS_KEY_ID=bench-key FLOW_S3_SECRET_ACCESS_KEY=bench-secret FLOW_S3_PATH_STYLE=true)
run s3 "${S3_SETTINGS[@]}"
run s3-presigned "${S3_SETTINGS[@]}" FLOW_S3_PRESIGNED_DOWNLOADS=true
run local FLOW_STORAGE=local

echo
echo "summary (MB/s): upload sequential / download / $BENCH_PARALLEL uploads at once"
for name in s3 s3-presigned local; do
  awk -v n="$name" '/^upload, /{u=$(NF-4)} /^download /{d=$(NF-4)} / uploads of .* at once/{p=$(NF-5)} END { printf "  %-12s %s / %s / %s\n", n, u, d, p }' "$TMP/$name.out"
done
