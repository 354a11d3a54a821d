#!/usr/bin/env bash
# A fleet of headless emulated devices against a real local server, from install to ready: wall time, per-phase
# times, peak heap, update-check rate and p50/p99 latency as the devices saw it, disk use per device.
# Usage: bench/fleet.sh [DEVICES, default 10000] [--mode always|atBackground] [--threads N] [--no-fsync] [--keep]
#   HEAP=2g      the JVM's -Xmx (server and devices share the JVM; see docs/benchmarks.md for why this size)
#   JFR=file.jfr also record a Java Flight Recorder profile of the run
#   FLEET_DIR=d  where the server and devices keep their data (default: a new temporary folder, deleted after)
set -euo pipefail
cd "$(dirname "$0")/.."
devices=${1:-10000}
shift || true
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test 2>/dev/null \
  || mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
       -Dmdep.includeScope=test
opts=(-Xmx"${HEAP:-2g}" -XX:+UseG1GC -Dhttp.maxConnections=64 -Dlogback.configurationFile=logback-test.xml)
[ -n "${JFR:-}" ] && opts+=(-XX:StartFlightRecording=filename="$JFR",settings=profile)
dir=()
[ -n "${FLEET_DIR:-}" ] && dir=(--dir "$FLEET_DIR")
ulimit -n 65536 2>/dev/null || true
exec java "${opts[@]}" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.bench.FleetBenchmark "$devices" "$@" "${dir[@]}"
