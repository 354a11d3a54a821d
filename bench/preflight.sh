#!/usr/bin/env bash
# Wall time of `patchbay bundle preflight --devices N` (real WebViews, headless) for a ~SIZE MB Capacitor app (the
# test app built by CapacitorAppScenarioTest under target/npm-apps/cap8/dist, plus SIZE MB of incompressible media),
# against a local server. Usage: bench/preflight.sh [DEVICES, default 3] [SIZE_MB, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/npm-apps/cap8/dist/index.html ] || { echo "build the test app first: mvn test -Dtest=CapacitorAppScenarioTest" >&2; exit 1; }
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test 2>/dev/null \
  || mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
       -Dmdep.includeScope=test
exec java -Dlogback.configurationFile=logback-test.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.cli.PreflightBenchmark target/npm-apps/cap8/dist "${2:-10}" "${1:-3}"
