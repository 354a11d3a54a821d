#!/usr/bin/env bash
# The retention job's cost (docs/benchmarks.md): N device events over 7 days in an H2 file database, then the
# prunes the hourly job makes. Usage: bench/retention.sh [events, default 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.bench.RetentionBenchmark "${1:-1000000}"
