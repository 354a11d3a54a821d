#!/usr/bin/env bash
# Peak heap sealing a 500 MB bundle with -Xmx64m, and the one-file-change download fraction of a 20 MB bundle.
# Usage: bench/seal-memory.sh [max heap, default 64m]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx"${1:-64m}" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.bench.SealMeasurements
