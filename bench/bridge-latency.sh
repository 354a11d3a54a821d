#!/usr/bin/env bash
# Time from a page load starting to its notifyAppReady reaching the runtime through the Capacitor bridge, over N
# reloads of one real WebView (headless): an inline-script page, and the Capacitor test app built by the tests
# (target/npm-apps/cap8/dist: run CapacitorAppScenarioTest once to build it) when it is there.
# Usage: bench/bridge-latency.sh [N, default 100]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test 2>/dev/null \
  || mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
       -Dmdep.includeScope=test
app=()
[ -f target/npm-apps/cap8/dist/index.html ] && app=(target/npm-apps/cap8/dist)
exec java -Dlogback.configurationFile=logback-test.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.harness.BridgeLatencyBenchmark "$n" "${app[@]}"
