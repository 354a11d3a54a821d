#!/usr/bin/env bash
# A fleet of headless devices updating from a server whose blobs are in an S3 bucket (S3Proxy on loopback, started
# as its own process): wall time and blob bytes through the server versus from the bucket.
# Usage: bench/s3-fleet.sh [DEVICES, default 500]     HEAP=2g sets the JVM's -Xmx
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test 2>/dev/null \
  || mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
       -Dmdep.includeScope=test
ulimit -n 65536 2>/dev/null || true
exec java -Xmx"${HEAP:-2g}" -XX:+UseG1GC -Dlogback.configurationFile=logback-test.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.bench.S3FleetBenchmark "$@"
