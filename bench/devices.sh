#!/usr/bin/env bash
# The Devices page's figures (docs/benchmarks.md): fills a real server's H2 database with N devices by direct SQL,
# syncs them over loopback into a console cache, times typical filter + sort queries on it, an incremental sync of
# 1,000 changed devices, and the heap used with that cache open. Usage: bench/devices.sh [devices, default 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.bench.DevicesBenchmark "${1:-1000000}"
