#!/usr/bin/env bash
# Runs JMH benchmarks from src/test/java/dev/patchbay/bench. Usage: bench/jmh.sh [JMH args, e.g. ServerStartBenchmark]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main "$@"
