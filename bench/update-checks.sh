#!/usr/bin/env bash
# Update checks per second and latency of POST /updates on loopback, measured with wrk against a real
# `patchbay serve` (H2 file database): an app with trust registered, the server trusted (freshness certificate), a
# published bundle served by the default channel. Every answer is signed (Ed25519 freshness statement) and every
# check is recorded (device state + timeline, write-behind). 10,000 devices, half on builtin (answer: update with the
# release envelope), half on the bundle (up_to_date). Usage: bench/update-checks.sh [duration, default 30s]; BENCH_SERVER_JVM_OPTS adds JVM options to the server
# (e.g. -XX:StartFlightRecording=filename=checks.jfr to profile it).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-30s}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -f target/patchbay.jar ] || mvn -q -B package -DskipTests

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
java ${BENCH_SERVER_JVM_OPTS:-} -jar target/patchbay.jar serve --port 0 --data-dir "$work/data" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q 'listening on' "$work/serve.log" 2>/dev/null && [ -s "$work/data/admin-api-key" ] && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
export PATCHBAY_SERVER=$url PATCHBAY_API_KEY=$(cat "$work/data/admin-api-key") PATCHBAY_KEY_PASSPHRASE=bench-passphrase
app=com.example.bench
cli() { java -jar target/patchbay.jar "$@" >/dev/null; }
cli key create --app $app --dir "$work/keys" --kdf-cost=15
cli app create $app --name Bench
cli channel create production --app $app --default-for android,ios
mkdir -p "$work/site/assets"
echo '<!doctype html><title>bench</title><script src="assets/app.js"></script>' >"$work/site/index.html"
head -c 200000 /dev/urandom | base64 >"$work/site/assets/app.js"
for i in $(seq 1 30); do echo "body { --n: $i; }" >"$work/site/assets/style-$i.css"; done
java -jar target/patchbay.jar bundle publish "$work/site" --app $app --version 1.5.0 --keys "$work/keys" \
    --channel production --quiet >/dev/null
cli key trust-server --app $app --keys "$work/keys"

trust="$work/keys/trust.json"
export BENCH_APP=$app BENCH_BUNDLE=1.5.0
export BENCH_ROOT_KEY_ID=$(sed -n 's/.*"keyId" *: *"\([0-9a-f]\{16\}\)".*/\1/p' "$trust" | head -1)
export BENCH_CONTENT_KEY_ID=$(sed -n 's/.*"contentKeyId" *: *"\([0-9a-f]\{16\}\)".*/\1/p' "$trust" | head -1)
script=bench/update-checks.lua
echo "== one check (answer size)"
curl -s -o "$work/answer.json" -w '%{http_code} %{size_download} bytes\n' -H 'Content-Type: application/json' \
  -d "{\"appId\":\"$app\",\"deviceId\":\"00000000-0000-4000-a000-000000000000\",\"platform\":\"android\",\"nativeVersion\":\"1.4.0\",\"currentBundle\":\"builtin\",\"keyIds\":{\"root\":\"$BENCH_ROOT_KEY_ID\",\"content\":\"$BENCH_CONTENT_KEY_ID\"},\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}" \
  "$url/updates"
grep -o '"kind":"[a-z_]*"' "$work/answer.json"
echo "== warm-up (15 s, 32 connections)"
wrk -t2 -c32 -d15s -s "$script" "$url" >/dev/null
echo "== 1 connection (sequential checks), $duration"
wrk -t1 -c1 -d"$duration" --latency -s "$script" "$url"
cpu() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }   # server CPU time so far, in clock ticks
echo "== 64 connections, 2 threads, $duration"
before=$(cpu)
wrk -t2 -c64 -d"$duration" --latency -s "$script" "$url" | tee "$work/wrk.txt"
after=$(cpu)
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")
awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {
  ms = t * 1000 / hz; printf "server CPU: %.0f ms for %d checks = %.0f us per check (%.0f checks/s per fully used core)\n",
  ms, n, ms * 1000 / n, n * 1000 / ms }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== devices recorded"
java -jar target/patchbay.jar device list --app $app --limit 100000 --json | grep -o '"deviceId"' | wc -l
