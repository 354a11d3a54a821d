#!/usr/bin/env bash
# The production layout on one machine (docs/production.md): two server instances on one PostgreSQL database (a
# throwaway cluster from Debian's initdb/pg_ctl, as the tests make it) and one S3 bucket (S3Proxy on loopback), behind
# nginx; a fleet of headless devices updates through nginx. Reports wall time, requests and bytes each instance
# answered (nginx's access log), and blob bytes through the instances versus from the bucket.
# Usage: bench/cluster-fleet.sh [DEVICES, default 500]     HEAP=2g sets the JVM's -Xmx. Needs nginx and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test 2>/dev/null \
  || mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
       -Dmdep.includeScope=test
ulimit -n 65536 2>/dev/null || true
exec java -Xmx"${HEAP:-2g}" -XX:+UseG1GC -Dlogback.configurationFile=logback-test.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.patchbay.bench.ClusterFleetBenchmark "$@"
