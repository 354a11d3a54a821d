#!/usr/bin/env bash
# Binary patches applied on the harness device (issue 12, docs/benchmarks.md): for swagger-ui-dist 5.35.0 -> 5.36.0
# and swagger-editor-dist 4.14.6 -> 4.14.8 (fetched once with `npm pack` into target/bench-apps/, as
# bench/bytes-to-device.sh does), a real server on loopback publishes A, then B with patches from A; one headless
# harness device (the real runtime) in a child JVM with -Xmx32m installs A and updates to B. Prints the update time,
# the download step's time, bytes read from /blobs/ vs `bundle diff` downloadBytes, files patched and peak heap.
# Usage: [HEAP=32m] bench/device-patches.sh   (HEAP: the device JVM's -Xmx)
set -euo pipefail
cd "$(dirname "$0")/.."
cache=target/bench-apps
mkdir -p "$cache"
command -v npm >/dev/null || { echo "missing npm" >&2; exit 1; }
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test \
  || mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"

fetch() { # name version -> folder with the package's files
  local dir="$cache/$1-$2"
  if [ ! -f "$dir/package/index.html" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack "$1@$2" --silent >/dev/null && tar xzf ./*.tgz && rm ./*.tgz)
  fi
  echo "$dir/package"
}

for pair in "swagger-ui-dist 5.35.0 5.36.0" "swagger-editor-dist 4.14.6 4.14.8"; do
  set -- $pair
  echo "== $1 $2 -> $3"
  java -Xmx1g -Dlogback.configurationFile=logback-test.xml -cp "$cp" dev.patchbay.harness.DevicePatchBenchmark \
    "$(fetch "$1" "$2")" "$(fetch "$1" "$3")" "${HEAP:-32m}" 2>&1 | grep -E '^(server|device|wire)'
done
