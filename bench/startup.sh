#!/usr/bin/env bash
# Start-up against its yardstick, in the same run: the first frame of a minimal JavaFX window (one Label, started by
# the same launcher with the same JVM flags: -Dpatchbay.startup.minimal=true) and Patchbay's first frame and
# "connected" time (the Local sandbox started and answered), both in ms since the process started, as the programs
# print them (-Dpatchbay.startup.report=true, StartupTiming). Runs alternate (minimal first, then Patchbay first) so
# a change of machine load hits both; medians of N runs. Goal (issue 16, ADR 0121): Patchbay's first frame <= 1.5x
# the minimal window's, connected <= 2x Patchbay's first frame.
#
# Usage: bench/startup.sh [options] [runs, default 7]
#   --display auto|xvfb|headless|current   auto (default): $DISPLAY if set, else Xvfb if xvfb-run exists, else headless
#                                          (Monocle, no display at all); Xvfb and headless use the software renderer
#   --app jar|DIR        jar (default): java -jar target/patchbay.jar; DIR: an app-image or installed folder
#                        (target/dist/patchbay, /opt/patchbay): its bin/patchbay launcher, flags via JAVA_TOOL_OPTIONS
#   --flags "..."        extra JVM flags for both programs (e.g. "-Xshare:off", "-XX:SharedArchiveFile=x.jsa")
# The first Patchbay run starts on a new data folder (a first launch); the others reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."

display=auto; app=jar; extra=""; runs=7
while [ $# -gt 0 ]; do
  case "$1" in
    --display) display=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    --flags) extra=$2; shift 2 ;;
    --under-xvfb) shift ;; # internal: already running under xvfb-run
    [0-9]*) runs=$1; shift ;;
    *) echo "usage: bench/startup.sh [--display auto|xvfb|headless|current] [--app jar|DIR] [--flags \"...\"] [runs]" >&2
       exit 2 ;;
  esac
done

if [ "$display" = auto ]; then
  if [ -n "${DISPLAY:-}" ]; then display=current
  elif command -v xvfb-run >/dev/null; then display=xvfb
  else display=headless; fi
fi
if [ "$display" = xvfb ] && [ -z "${BENCH_UNDER_XVFB:-}" ]; then
  command -v xvfb-run >/dev/null || { echo "xvfb-run is missing: apt-get install xvfb xauth" >&2; exit 1; }
  BENCH_UNDER_XVFB=1 exec xvfb-run -a -s "-screen 0 1400x900x24" "$0" --display xvfb --app "$app" --flags "$extra" "$runs"
fi

flags="-Dpatchbay.startup.report=true -Dpatchbay.startup.exit=true"
case "$display" in
  xvfb) flags+=" -Dprism.order=sw" ;; # no GPU under Xvfb: skip the ES2 pipeline's failing probe
  headless) flags+=" -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw"; unset DISPLAY ;;
  current) [ -n "${DISPLAY:-}" ] || { echo "--display current: DISPLAY is not set" >&2; exit 1; } ;;
  *) echo "--display: auto, xvfb, headless or current" >&2; exit 2 ;;
esac
[ -n "$extra" ] && flags+=" $extra"

if [ "$app" = jar ]; then
  [ -f target/patchbay.jar ] || mvn -B package -DskipTests
  launch() { # $1 = extra flags
    # shellcheck disable=SC2086
    java $flags $1 -jar target/patchbay.jar
  }
  what="java -jar target/patchbay.jar ($(java -version 2>&1 | sed -n 1p))"
else
  [ -x "$app/bin/patchbay" ] || { echo "--app $app: no bin/patchbay launcher there" >&2; exit 1; }
  launch() { JAVA_TOOL_OPTIONS="$flags $1" "$app/bin/patchbay"; }
  cds=" (without a CDS archive of its own)"
  if grep -q SharedArchiveFile "$app/lib/app/patchbay.cfg" 2>/dev/null; then cds=" (with its CDS archive)"; fi
  what="$app/bin/patchbay$cds"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATCHBAY_HOME="$work/data"

value() { sed -n "s/^startup: $1-ms=//p" "$2" | head -n 1; }
minimal=(); frames=(); connected=()
run_minimal() {
  launch "-Dpatchbay.startup.minimal=true" >"$work/min.out" 2>"$work/min.err" || true
  m=$(value first-frame "$work/min.out")
}
run_patchbay() {
  launch "" >"$work/pb.out" 2>"$work/pb.err" || true
  f=$(value first-frame "$work/pb.out"); c=$(value connected "$work/pb.out")
}
echo "startup: $what, display $display, flags: $flags, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) = 1 ]; then run_minimal; run_patchbay; else run_patchbay; run_minimal; fi
  if [ -z "$m" ] || [ -z "$f" ] || [ -z "$c" ]; then
    echo "run $i: a program printed no timing; its output:" >&2
    cat "$work/min.out" "$work/min.err" "$work/pb.out" "$work/pb.err" >&2
    exit 1
  fi
  phases=$(sed -n 's/^startup: \(.*\)-ms=\(.*\)/\1 \2/p' "$work/pb.out" | tr '\n' ' ')
  echo "run $i: minimal ${m} ms | Patchbay first frame ${f} ms, connected ${c} ms$([ "$i" = 1 ] && echo ' (new data folder)') [$phases]"
  minimal+=("$m"); frames+=("$f"); connected+=("$c")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
range() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%d–%d", a[1], a[NR]}'; }
mm=$(median "${minimal[@]}"); mf=$(median "${frames[@]}"); mc=$(median "${connected[@]}")
r1=$(awk -v a="$mf" -v b="$mm" 'BEGIN {printf "%.2f", a / b}')
r2=$(awk -v a="$mc" -v b="$mf" 'BEGIN {printf "%.2f", a / b}')
verdict() { awk -v r="$1" -v g="$2" 'BEGIN {print (r <= g ? "met" : "NOT met")}'; }
echo "minimal window, first frame:    median ${mm} ms ($(range "${minimal[@]}"), n=$runs)"
echo "Patchbay, first frame:          median ${mf} ms ($(range "${frames[@]}"))"
echo "Patchbay, sandbox connected:    median ${mc} ms ($(range "${connected[@]}"))"
echo "first frame / minimal:          ${r1}x (goal <= 1.5x: $(verdict "$r1" 1.5))"
echo "connected / first frame:        ${r2}x (goal <= 2x: $(verdict "$r2" 2))"
echo "stderr of the last Patchbay run ($(wc -l <"$work/pb.err") lines), of the last minimal run ($(wc -l <"$work/min.err") lines):"
sed 's/^/  patchbay| /' "$work/pb.err" | head -n 20
sed 's/^/  minimal| /' "$work/min.err" | head -n 10
