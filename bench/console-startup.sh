#!/usr/bin/env bash
# Console cold start: JVM start -> first frame of the main window, and -> connected to the Local sandbox (server
# started in-process and answering), measured by the console itself (-Dpatchbay.startup.report) under Xvfb.
# Each run is a fresh JVM; the first run uses a new data folder (first launch ever), the others reuse it.
# Usage: bench/console-startup.sh [runs, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing: apt-get install xvfb xauth" >&2; exit 1; }
[ -f target/patchbay.jar ] || mvn -q -B package -DskipTests
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
frames=(); connected=()
for i in $(seq 1 "$runs"); do
  out=$(PATCHBAY_HOME="$home" xvfb-run -a -s "-screen 0 1400x900x24" \
        java -Dprism.order=sw -Dpatchbay.startup.report=true -Dpatchbay.startup.exit=true \
             -jar target/patchbay.jar 2>/dev/null)
  f=$(sed -n 's/^startup: first-frame-ms=//p' <<<"$out"); c=$(sed -n 's/^startup: connected-ms=//p' <<<"$out")
  echo "run $i: first frame ${f} ms, connected ${c} ms$([ "$i" = 1 ] && echo ' (new data folder)')"
  frames+=("$f"); connected+=("$c")
done
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %d ms, min %d ms, max %d ms (n=%d)\n", a[int((NR+1)/2)], a[1], a[NR], NR}'; }
echo "first frame: $(printf '%s\n' "${frames[@]}" | stats)"
echo "connected:   $(printf '%s\n' "${connected[@]}" | stats)"
