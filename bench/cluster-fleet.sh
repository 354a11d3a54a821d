#!/usr/bin/env bash
# The production layout on one machine (docs/production.md): two server instances on one PostgreSQL database (a
# throwaway cluster from Debian's initdb/pg_ctl, as the tests make it) and one S3 bucket (S3Proxy on loopback), behind
# nginx; a fleet of headless devices updates through nginx. Reports wall time, devices/s, per-phase times, requests
# and bytes each instance answered (nginx's access log), blob bytes through the instances versus from the bucket, and
# the CPU seconds of each part (devices, instances, S3Proxy, PostgreSQL, nginx) with a projection for 10,000 devices.
# Usage: bench/cluster-fleet.sh [DEVICES, default 500] [--no-fsync] [--threads N] [--timeout S]
#                               [--plan 10,50,100 [--soak SECONDS, default 5]]
#   --no-fsync  the emulated devices skip fsync (same writes and renames; docs/benchmarks.md "A fleet of 10,000")
#   --plan      a staged rollout advanced by the servers' supervisor instead of a channel switch
# HEAP=2g sets the JVM's -Xmx. Needs nginx and PostgreSQL. The lead's 10,000-device run (docs/benchmarks.md):
#   bench/cluster-fleet.sh 10000 --no-fsync
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
