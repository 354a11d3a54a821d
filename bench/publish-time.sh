#!/usr/bin/env bash
# Wall time of `patchbay bundle publish` with the keys held by the key agent (issue 12: <= 2 s, median of 5).
# Usage: bench/publish-time.sh [runs=5]. Uses swagger-ui-dist 5.35.0 (A) and 5.36.0 (B) from npm (32 files, 12 MB),
# cached under target/bench-apps/ like bench/bytes-to-device.sh. Starts its own server on a free loopback port and
# its own agent; both are stopped at the end. Each timed publish is the whole CLI process (JVM start included):
#   next:  B after A on the same app (unchanged files already on the server, binary patches from A);
#   full:  B with every file changed by one byte, no patches: every file compressed, sealed and uploaded.
# Each timed publish runs with PATCHBAY_PUBLISH_TIMING=1; at the end the median of every phase is printed too.
# Options (before the run count):
#   --cds   the timed publishes run from a jar with an AppCDS archive (JDK 17 -XX:ArchiveClassesAtExit) made by one
#           untimed training publish first: what a CLI launcher with its own CLI-trained archive would take.
# $PB_JAVA_OPTS: extra JVM options for the timed publishes (e.g. -XX:TieredStopAtLevel=1), printed with the result.
set -euo pipefail
cd "$(dirname "$0")/.."
cds=false
if [ "${1:-}" = --cds ]; then cds=true; shift; fi
runs=${1:-5}
cache=target/bench-apps
for v in 5.35.0 5.36.0; do
  d=$cache/swagger-ui-dist-$v
  if [ ! -d "$d/package" ]; then
    mkdir -p "$d" && (cd "$d" && npm pack "swagger-ui-dist@$v" --silent >/dev/null && tar xzf ./*.tgz && rm ./*.tgz)
  fi
done
A=$cache/swagger-ui-dist-5.35.0/package
B=$cache/swagger-ui-dist-5.36.0/package
mvn -q -B -o compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  || mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
pb() { java -cp "target/classes:$(cat target/bench-classpath.txt)" dev.patchbay.Launcher "$@"; }
work=$(mktemp -d)
chmod 700 "$work"
# The timed CLI: as pb, or from a jar (CDS archives only classes from jars) with the archive trained below.
timed_opts=(${PB_JAVA_OPTS:-})
timed_cp="target/classes:$(cat target/bench-classpath.txt)"
if $cds; then
  jar cf "$work/patchbay-bench.jar" -C target/classes .
  timed_cp="$work/patchbay-bench.jar:$(cat target/bench-classpath.txt)"
fi
pbt() { java "${timed_opts[@]}" -cp "$timed_cp" dev.patchbay.Launcher "$@"; }
cleanup() {
  PATCHBAY_AGENT_SOCK=$work/agent/agent.sock pb agent stop >/dev/null 2>&1 || true
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
java -cp "target/classes:$(cat target/bench-classpath.txt)" dev.patchbay.Launcher serve --port 0 \
  --data-dir "$work/server" > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do grep -q "API key" "$work/serve.log" && break; sleep 0.2; done
export PATCHBAY_SERVER=$(grep -o "http://127.0.0.1:[0-9]*" "$work/serve.log" | head -1)
keyfile=$(sed -n -e 's/^Created an admin API key in \(.*\) (readable.*/\1/p' -e 's/^Admin API key: //p' "$work/serve.log" | head -1)
export PATCHBAY_API_KEY=$(cat "$keyfile")
export PATCHBAY_AGENT_SOCK=$work/agent/agent.sock
export PATCHBAY_NO_KEYRING=1
eval "$(pb agent start)" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# B2: B with one byte appended to every file, so no blob of it is on the server yet (a full upload).
B2=$work/b2; cp -r "$B" "$B2"; find "$B2" -type f -exec sh -c 'printf "\n" >> "$1"' _ {} \;
if $cds; then
  # Training: a publish with patches (loads what both timed kinds load) on its own app, writing the archive at exit.
  pb app create com.example.cdstrain --name "CDS training" >/dev/null
  PATCHBAY_KEY_PASSPHRASE=bench-passphrase pb key create --app com.example.cdstrain --dir "$work/keys-cds" >/dev/null
  PATCHBAY_KEY_PASSPHRASE=bench-passphrase pb bundle publish "$A" --app com.example.cdstrain --version 1.0.0 \
    --keys "$work/keys-cds" --quiet >/dev/null
  PATCHBAY_KEY_PASSPHRASE=bench-passphrase pb agent add --app com.example.cdstrain --keys "$work/keys-cds" >/dev/null
  java -XX:ArchiveClassesAtExit="$work/cli.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$timed_cp" \
    dev.patchbay.Launcher bundle publish "$B" --app com.example.cdstrain --version 1.1.0 --keys "$work/keys-cds" \
    --quiet >/dev/null 2>&1
  timed_opts+=(-XX:SharedArchiveFile="$work/cli.jsa")
  echo "AppCDS archive: $(du -k "$work/cli.jsa" | cut -f1) KiB"
fi
full=(); next=()
for i in $(seq 1 "$runs"); do
  app=com.example.bench$i
  pb app create "$app" --name "Bench $i" >/dev/null
  PATCHBAY_KEY_PASSPHRASE=bench-passphrase pb key create --app "$app" --dir "$work/keys$i" >/dev/null
  # release A with the passphrase: registers the trust and certifies the server (root key), not timed
  PATCHBAY_KEY_PASSPHRASE=bench-passphrase pb bundle publish "$A" --app "$app" --version 1.0.0 \
    --keys "$work/keys$i" --quiet >/dev/null
  PATCHBAY_KEY_PASSPHRASE=bench-passphrase pb agent add --app "$app" --keys "$work/keys$i" >/dev/null
  s=$(date +%s%N); PATCHBAY_PUBLISH_TIMING=1 pbt bundle publish "$B" --app "$app" --version 1.1.0 \
    --keys "$work/keys$i" --quiet >/dev/null 2>"$work/next$i.timing"
  next+=($(( ($(date +%s%N) - s) / 1000000 )))
  s=$(date +%s%N); PATCHBAY_PUBLISH_TIMING=1 pbt bundle publish "$B2" --app "$app" --version 1.2.0 \
    --keys "$work/keys$i" --patches 0 --quiet >/dev/null 2>"$work/full$i.timing"
  full+=($(( ($(date +%s%N) - s) / 1000000 )))
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; timed JVM options: ${timed_opts[*]:-none}"
echo "full publish, 32 files (ms): ${full[*]}  median $(printf '%s\n' "${full[@]}" | median)"
echo "B after A (ms):         ${next[*]}  median $(printf '%s\n' "${next[@]}" | median)"
# Phase breakdown (PATCHBAY_PUBLISH_TIMING): the median of each phase over the runs, in the order they ran.
phases() {
  local lines; lines=$(cat "$work"/$1*.timing | sed -n 's/^timing: \(.*[^ ]\)  *\([-0-9][0-9]*\) ms$/\1|\2/p')
  printf '%s\n' "$lines" | cut -d'|' -f1 | awk '!seen[$0]++' | while IFS= read -r p; do
    printf '  %-36s %6s ms\n' "$p" "$(printf '%s\n' "$lines" | awk -F'|' -v p="$p" '$1 == p {print $2}' | median)"
  done
}
echo "phases, full publish (median of each):"; phases full
echo "phases, B after A (median of each):"; phases next
