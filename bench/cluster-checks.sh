#!/usr/bin/env bash
# Update checks per second through nginx with one and with two `patchbay serve` instances (ADR 0116,
# docs/production.md): an H2 TCP server holds the shared database, both instances share one data folder (admin key,
# freshness key, blobs), nginx balances round-robin over the instances (the same configuration as ClusterProxyTest).
# wrk runs bench/update-checks.lua (the same checks as bench/update-checks.sh) through nginx, first with one instance
# in the upstream, then with both. Reports checks/s, p50/p99 and each process's CPU time per check.
# Usage: bench/cluster-checks.sh [duration, default 15s] [connections, default 64]; BENCH_WARMUP (default 30s) is the
# warm-up through both instances before the runs. Needs wrk and nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15s}
conns=${2:-64}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
[ -f target/patchbay.jar ] || mvn -q -B package -DskipTests

work=$(mktemp -d)
pids=()
cleanup() {
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dbport=$(free_port)
java -Dh2.bindAddress=127.0.0.1 -cp target/patchbay.jar org.h2.tools.Server -tcp -tcpPort "$dbport" -ifNotExists -baseDir "$work/h2" \
  >"$work/h2.log" 2>&1 &
pids+=($!); h2_pid=$!
db="jdbc:h2:tcp://127.0.0.1:$dbport/bench"
serve() { # name -> pid and url in $work/<name>.{pid,url}
  java ${BENCH_SERVER_JVM_OPTS:--Xmx512m} -jar target/patchbay.jar serve --port 0 --data-dir "$work/data" --db "$db" \
    >"$work/$1.log" 2>&1 &
  pids+=($!); echo $! >"$work/$1.pid"
  for _ in $(seq 1 900); do grep -q 'listening on' "$work/$1.log" 2>/dev/null && break; sleep 0.1; done
  grep -o 'http://[0-9.:]*' "$work/$1.log" | head -1 >"$work/$1.url"
  [ -s "$work/$1.url" ] || { echo "instance $1 did not start:" >&2; cat "$work/$1.log" >&2; exit 1; }
}
serve a
serve b
url_a=$(cat "$work/a.url"); url_b=$(cat "$work/b.url")
export PATCHBAY_SERVER=$url_a PATCHBAY_API_KEY=$(cat "$work/data/admin-api-key") PATCHBAY_KEY_PASSPHRASE=bench-passphrase
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

lbport=$(free_port)
mkdir -p "$work/nginx/logs"
proxy() { # upstream servers... -> (re)starts nginx with them
  [ -f "$work/nginx/nginx.pid" ] && { kill "$(cat "$work/nginx/nginx.pid")"; sleep 1; }
  local servers=""
  for u in "$@"; do servers+="    server ${u#http://} max_fails=1 fail_timeout=10s;"$'\n'; done
  { [ "$(id -u)" = 0 ] && echo "user root;"
    cat <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/client_body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  upstream patchbay {
$servers    keepalive 64;
  }
  server {
    listen 127.0.0.1:$lbport;
    location / {
      proxy_pass http://patchbay;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }
  }
}
CONF
  } >"$work/nginx/nginx.conf"
  "$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log"
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$lbport/api/v1/health" >/dev/null && return; sleep 0.1; done
  echo "nginx did not start:" >&2; cat "$work/nginx/logs/error.log" >&2; exit 1
}
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() { # label -> one line
  local a0 b0 n0 a1 b1 n1 rps p50 p99 n nginx_pid
  nginx_pid=$(cat "$work/nginx/nginx.pid")
  wrk -t2 -c32 -d2s -s bench/update-checks.lua "http://127.0.0.1:$lbport" >/dev/null   # the new upstream set
  a0=$(cpu "$(cat "$work/a.pid")"); b0=$(cpu "$(cat "$work/b.pid")"); n0=$(for p in $(pgrep -P "$nginx_pid") "$nginx_pid"; do cpu "$p"; done | paste -sd+ | bc)
  wrk -t2 -c"$conns" -d"$duration" --latency -s bench/update-checks.lua "http://127.0.0.1:$lbport" >"$work/run.txt"
  a1=$(cpu "$(cat "$work/a.pid")"); b1=$(cpu "$(cat "$work/b.pid")"); n1=$(for p in $(pgrep -P "$nginx_pid") "$nginx_pid"; do cpu "$p"; done | paste -sd+ | bc)
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/run.txt")
  p50=$(sed -n 's/^p50 \([0-9.]*\) ms.*/\1/p' "$work/run.txt")
  p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$work/run.txt")
  n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/run.txt")
  grep -q 'errors (non-2xx 0)' "$work/run.txt" || { echo "errors in the $1 run:" >&2; cat "$work/run.txt" >&2; }
  awk -v s="$1" -v r="$rps" -v a="$p50" -v b="$p99" -v ta=$((a1 - a0)) -v tb=$((b1 - b0)) -v tn=$((n1 - n0)) \
    -v hz="$(getconf CLK_TCK)" -v n="$n" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%-13s %7.0f checks/s  p50 %6.2f ms  p99 %7.2f ms  CPU/check: A %4.0f us, B %4.0f us, nginx %4.0f us  load %s\n",
      s, r, a, b, ta * 1e6 / hz / n, tb * 1e6 / hz / n, tn * 1e6 / hz / n, l }'
}
echo "== warm-up: both instances, 32 connections, ${BENCH_WARMUP:-30s} (the JIT compiles the check path in each JVM)"
proxy "$url_a" "$url_b"
wrk -t2 -c32 -d"${BENCH_WARMUP:-30s}" -s bench/update-checks.lua "http://127.0.0.1:$lbport" >/dev/null
echo "== $conns connections, $duration per run (load average at the start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
proxy "$url_a"; measure "one instance"
proxy "$url_a" "$url_b"; measure "two instances"
proxy "$url_a"; measure "one instance"
proxy "$url_a" "$url_b"; measure "two instances"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
