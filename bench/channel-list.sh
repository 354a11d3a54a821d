#!/usr/bin/env bash
# p50/p99 latency and throughput of GET /api/v1/apps/{app}/channels on loopback, measured with wrk against a real
# `patchbay serve` (H2 file database, 10 channels). Usage: bench/channel-list.sh [duration, default 20s]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -f target/patchbay.jar ] || mvn -q -B package -DskipTests

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
java -jar target/patchbay.jar serve --port 0 --data-dir "$work/data" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/serve.log" 2>/dev/null && [ -s "$work/data/admin-api-key" ] && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
export PATCHBAY_SERVER=$url PATCHBAY_API_KEY=$(cat "$work/data/admin-api-key")
cli() { java -jar target/patchbay.jar "$@" >/dev/null; }
cli app create com.example.bench --name Bench
for i in $(seq 1 10); do cli channel create "channel-$i" --app com.example.bench --description "Channel $i"; done

path="$url/api/v1/apps/com.example.bench/channels"
auth="Authorization: Bearer $PATCHBAY_API_KEY"
echo "== warm-up (10 s, 8 connections)"
wrk -t2 -c8 -d10s -H "$auth" "$path" >/dev/null
echo "== 1 connection (sequential calls: latency as one console sees it), $duration"
wrk -t1 -c1 -d"$duration" --latency -H "$auth" "$path"
echo "== 16 connections, 2 threads, $duration"
wrk -t2 -c16 -d"$duration" --latency -H "$auth" "$path"
