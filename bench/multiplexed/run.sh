#!/usr/bin/env bash
# Demultiplexing throughput (bio.flow.multiplexed.Demultiplexer) on generated paired gzip FASTQ; READS=pairs (default 2,000,000).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d server/target/classes/bio/flow/multiplexed ] || mvn -B -q -pl server -am compile
exec java -Xmx256m -cp server/target/classes bench/multiplexed/DemuxBench.java
