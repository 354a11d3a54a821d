#!/usr/bin/env bash
# POST /stats events acknowledged per second and latency (p50/p99) at 1, 16 and 64 connections against a real server
# on loopback (H2 file database; every 200 means the batch is durable). Usage: bench/stats.sh [levels, default
# 1,16,64] [seconds per level, default 5] [events per batch, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.bench.StatsBenchmark "${1:-1,16,64}" "${2:-5}" "${3:-10}"
