#!/usr/bin/env bash
# Update checks per second and latency of POST /updates on loopback, measured with wrk against a real
# `patchbay serve` (H2 file database): an app with trust registered, the server trusted (freshness certificate), a
# published bundle served by the default channel. Every answer is signed (Ed25519 freshness statement) and every
# check is recorded (device state + timeline, write-behind). 10,000 devices, half on builtin (answer: update with the
# release envelope), half on the bundle (up_to_date). Usage: bench/update-checks.sh [duration, default 30s]; BENCH_SERVER_JVM_OPTS adds JVM options to the server
# (e.g. -XX:StartFlightRecording=filename=checks.jfr to profile it); BENCH_SERVE_ARGS adds options to `serve`
# (e.g. "--db jdbc:postgresql://127.0.0.1/bench" for PostgreSQL instead of H2; docs/benchmarks.md, "PostgreSQL").
#
# bench/update-checks.sh --rollout [duration]: rollout evaluation on vs off, side by side on the same server process.
# Two self-assignable channels serve 1.5.0: "fixed" (no rollout) and "staged" (a running rollout to 1.6.0 at 50 %).
# 10,000 device ids per side (two pools, so a device always gets the same answer and, after the warm-up, adds no
# timeline row); every device runs what it should get, so every answer is up_to_date on both sides: on "fixed" all
# run 1.5.0; on "staged" the devices the rollout selects run 1.6.0, the others 1.5.0. The runs go fixed, staged,
# staged, fixed at 64 connections, then staged, fixed, fixed, staged at 1 connection, with a 5 s pause before each
# (the write-behind of the last run drains), so a busy machine's load drift hits both sides alike; the ratio
# staged / fixed is printed.
#
# bench/update-checks.sh --vs-health [duration] [rounds]: update checks vs the same server's GET /api/v1/health at
# 64 connections, alternating health, checks, checks, health per round (default 10s each, 2 rounds) after a warm-up,
# and prints the ratio checks/s / health/s with p50/p99, server CPU per request (and its kernel part) and the server's
# context switches per request (issue 13, "update checks at the HTTP limit"); then one run of each at one connection
# (sequential requests: latency at light load).
#
# --db h2 (default) | postgres | both | jdbc:postgresql://...: the server's database. "postgres" makes a throwaway
# PostgreSQL cluster with the installed Debian binaries (initdb, pg_ctl on a free port of 127.0.0.1, fsync and
# synchronous_commit on, as the server expects in production; as root it runs as the postgres user, as the tests'
# PostgresCluster does), deleted at the end; "both" runs the whole --vs-health measurement on H2, then on
# PostgreSQL, and prints the two summaries together: bench/update-checks.sh --vs-health --db both 8s 3.
# --vs-health warms up first with BENCH_WARMUP (default 4) iterations of checks then health at 64 connections, each
# of the measured duration, not counted (as JMH's warm-up iterations): the JIT compiles the check path and the first
# re-write of every device's lastSeen (30-60 s after its first check, ADR 0115/0126) starts within them.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=mixed
db=h2
while [ $# -gt 0 ]; do
  case "$1" in
    --rollout) mode=rollout; shift ;;
    --vs-health) mode=health; shift ;;
    --db) db=$2; shift 2 ;;
    *) break ;;
  esac
done
if [ "$db" = both ]; then
  [ "$mode" = health ] || { echo "--db both goes with --vs-health" >&2; exit 2; }
  out=$(mktemp -d)
  for d in h2 postgres; do
    echo "######## database: $d"
    "$0" --vs-health --db "$d" "$@" | tee "$out/$d.txt"
  done
  echo "######## summary (both databases, this machine, one after the other)"
  grep -h '^SUMMARY' "$out/h2.txt" "$out/postgres.txt"
  rm -rf "$out"
  exit 0
fi
duration=${1:-30s}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
jar=${BENCH_JAR:-target/patchbay.jar}   # BENCH_JAR: another build of the server (a before/after comparison)
[ -f "$jar" ] || mvn -q -B package -DskipTests

work=$(mktemp -d)
pg_stop=""
server_pid=""
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; eval "$pg_stop"; rm -rf "$work"' EXIT
pg_cpu() { echo 0; }   # CPU ticks of the PostgreSQL processes (0 on H2)
pg_commits() { echo 0; }
db_args=()
case "$db" in
  h2) ;;
  jdbc:postgresql:*) db_args=(--db "$db") ;;
  postgres)
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)   # Debian's (initdb, pg_ctl, psql)
    [ -x "$pg_bin/psql" ] || pg_bin=$(dirname "$(command -v psql 2>/dev/null || echo /none/psql)")
    [ -x "$pg_bin/pg_ctl" ] && [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
    pg_dir="$work/pg"
    mkdir -p "$pg_dir"
    as_pg=()
    if [ "$(id -u)" = 0 ]; then
      chmod 755 "$work"
      chown postgres "$pg_dir"
      as_pg=(runuser -u postgres --)
    fi
    pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -o "-p $pg_port -k $pg_dir \
        -c listen_addresses=127.0.0.1 -c shared_buffers=128MB -c max_connections=100" start >/dev/null
    pg_stop="${as_pg[*]} $pg_bin/pg_ctl -D $pg_dir/data -m fast -w stop >/dev/null 2>&1 || true"
    "${as_pg[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -qc 'CREATE DATABASE bench' >/dev/null
    db_args=(--db "jdbc:postgresql://127.0.0.1:$pg_port/bench?user=postgres")
    pg_pid=$(head -1 "$pg_dir/data/postmaster.pid")
    pg_cpu() { # the postmaster and its children (the backends of the server's pool, WAL writer, checkpointer, ...)
      { echo "$pg_pid"; ps -o pid= --ppid "$pg_pid"; } | while read -r p; do
        awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true; done | awk '{ n += $1 } END { print n + 0 }'
    }
    pg_commits() {
      "${as_pg[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -d bench -tAc \
        "SELECT xact_commit FROM pg_stat_database WHERE datname = 'bench'"
    }
    echo "== PostgreSQL $("$pg_bin/postgres" --version | awk "{print \$3}") on 127.0.0.1:$pg_port (throwaway cluster; fsync on)"
    ;;
  *) echo "--db: h2, postgres, both or a jdbc:postgresql:// URL, not $db" >&2; exit 2 ;;
esac
java ${BENCH_SERVER_JVM_OPTS:-} -jar "$jar" serve --port 0 --data-dir "$work/data" "${db_args[@]}" ${BENCH_SERVE_ARGS:-} \
    >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q 'listening on' "$work/serve.log" 2>/dev/null && [ -s "$work/data/admin-api-key" ] && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
export PATCHBAY_SERVER=$url PATCHBAY_API_KEY=$(cat "$work/data/admin-api-key") PATCHBAY_KEY_PASSPHRASE=bench-passphrase
app=com.example.bench
cli() { java -jar "$jar" "$@" >/dev/null; }
cli key create --app $app --dir "$work/keys" --kdf-cost=15
cli app create $app --name Bench
cli channel create production --app $app --default-for android,ios
mkdir -p "$work/site/assets"
echo '<!doctype html><title>bench</title><script src="assets/app.js"></script>' >"$work/site/index.html"
head -c 200000 /dev/urandom | base64 >"$work/site/assets/app.js"
for i in $(seq 1 30); do echo "body { --n: $i; }" >"$work/site/assets/style-$i.css"; done
java -jar "$jar" bundle publish "$work/site" --app $app --version 1.5.0 --keys "$work/keys" \
    --channel production --quiet >/dev/null
cli key trust-server --app $app --keys "$work/keys"

trust="$work/keys/trust.json"
export BENCH_APP=$app BENCH_BUNDLE=1.5.0
export BENCH_ROOT_KEY_ID=$(sed -n 's/.*"keyId" *: *"\([0-9a-f]\{16\}\)".*/\1/p' "$trust" | head -1)
export BENCH_CONTENT_KEY_ID=$(sed -n 's/.*"contentKeyId" *: *"\([0-9a-f]\{16\}\)".*/\1/p' "$trust" | head -1)
script=bench/update-checks.lua
cpu() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }   # server CPU time so far, in clock ticks
sys_cpu() { awk '{print $15}' "/proc/$server_pid/stat"; }       # of which in the kernel
switches() { cat /proc/"$server_pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n }'; }

if [ "$mode" = rollout ]; then
  api() { curl -sf -H "Authorization: Bearer $PATCHBAY_API_KEY" -H 'Content-Type: application/json' "$@"; }
  for ch in fixed staged; do
    cli channel create $ch --app $app --self-assign
    cli channel update $ch --app $app --bundle 1.5.0
  done
  echo "body { --target: 1; }" >"$work/site/assets/target.css"
  java -jar "$jar" bundle publish "$work/site" --app $app --version 1.6.0 --keys "$work/keys" \
      --quiet >/dev/null
  seq_of() { api "$url/api/v1/apps/$app/bundles/$1" | sed -n 's/.*"sequence" *: *\([0-9]*\).*/\1/p'; }
  export BENCH_STABLE=1.5.0 BENCH_STABLE_SEQUENCE=$(seq_of 1.5.0) BENCH_TARGET_SEQUENCE=$(seq_of 1.6.0)
  rollout=$(api -X POST -d '{"targetBundle":"1.6.0","bps":5000,"reason":"bench: rollout evaluation"}' \
      "$url/api/v1/apps/$app/channels/staged/rollout")
  rollout_id=$(echo "$rollout" | sed -n 's/.*"id" *: *"\([0-9a-f]\{16\}\)".*/\1/p' | head -1)
  [ -n "$rollout_id" ] || { echo "could not start the rollout: $rollout" >&2; exit 1; }
  java --class-path "$jar" bench/RolloutPool.java "$rollout_id" 5000 10000 42 >"$work/pool.txt"
  java --class-path "$jar" bench/RolloutPool.java "$rollout_id" 5000 10000 43 >"$work/pool-fixed.txt"
  echo "rollout $rollout_id at 50 %: $(grep -c ' 1$' "$work/pool.txt") of $(wc -l <"$work/pool.txt") devices selected"
  check() { # device current channel -> kind (error)
    curl -s -H 'Content-Type: application/json' -d "{\"appId\":\"$app\",\"deviceId\":\"$1\",\"platform\":\"android\",\"nativeVersion\":\"1.4.0\",\"currentBundle\":\"$2\",\"channel\":\"$3\",\"keyIds\":{\"root\":\"$BENCH_ROOT_KEY_ID\",\"content\":\"$BENCH_CONTENT_KEY_ID\"},\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}" \
      "$url/updates" | grep -o '"kind":"[a-z_]*"\|"error":"[a-z_]*"' | tr '\n' ' '
  }
  sel=$(grep -m1 ' 1$' "$work/pool.txt" | cut -d' ' -f1)
  unsel=$(grep -m1 ' 0$' "$work/pool.txt" | cut -d' ' -f1)
  fixed=$(head -1 "$work/pool-fixed.txt" | cut -d' ' -f1)
  echo "== answers: staged, selected on 1.5.0: $(check "$sel" 1.5.0 staged)"
  echo "            staged, selected on 1.6.0: $(check "$sel" 1.6.0 staged)"
  echo "            staged, not selected on 1.5.0: $(check "$unsel" 1.5.0 staged)"
  echo "            fixed, on 1.5.0: $(check "$fixed" 1.5.0 fixed)"
  side() { # side -> the wrk environment of that side
    if [ "$1" = staged ]; then echo "BENCH_CHANNEL=staged BENCH_TARGET=1.6.0 BENCH_POOL_FILE=$work/pool.txt"
    else echo "BENCH_CHANNEL=fixed BENCH_TARGET= BENCH_POOL_FILE=$work/pool-fixed.txt"; fi
  }
  measure() { # side connections threads -> one result line "side c rps p50 p99 us_per_check load1"
    local before after
    sleep 5
    before=$(cpu)
    env $(side "$1") wrk -t"$3" -c"$2" -d"$duration" --latency -s "$script" "$url" >"$work/run.txt"
    after=$(cpu)
    local rps p50 p99 n
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/run.txt")
    p50=$(sed -n 's/^p50 \([0-9.]*\) ms.*/\1/p' "$work/run.txt")
    p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$work/run.txt")
    n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/run.txt")
    grep -q 'errors (non-2xx 0)' "$work/run.txt" || { echo "errors in the $1 run:" >&2; cat "$work/run.txt" >&2; }
    awk -v s="$1" -v c="$2" -v r="$rps" -v a="$p50" -v b="$p99" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
      -v n="$n" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { printf "%-7s %3d conn  %9.0f checks/s  p50 %7.2f ms  p99 %7.2f ms  server CPU %5.0f us/check  load %s\n", s, c, r, a, b, t * 1e9 / hz / n / 1000, l }'
  }
  echo "== warm-up (15 s per side, 32 connections)"
  for s in fixed staged; do env $(side $s) wrk -t2 -c32 -d15s -s "$script" "$url" >/dev/null; done
  echo "== side by side, $duration each (load average at the start: $(cut -d' ' -f1-3 /proc/loadavg))"
  : >"$work/results.txt"
  for s in fixed staged staged fixed; do measure $s 64 2 | tee -a "$work/results.txt"; done
  for s in staged fixed fixed staged; do measure $s 1 1 | tee -a "$work/results.txt"; done
  awk '{ k = $1 " " $2; rps[k] += $4; p99[k] += $10; cnt[k]++ }
    END { split("64 1", cs, " ");
          for (i = 1; i <= 2; i++) { c = cs[i]; f = "fixed " c; g = "staged " c;
            if (cnt[f] && cnt[g]) printf "ratio staged / fixed at %s connection(s): checks/s %.2f, p99 %.2f (mean of %d run(s) each)\n",
              c, (rps[g] / cnt[g]) / (rps[f] / cnt[f]), (p99[g] / cnt[g]) / (p99[f] / cnt[f]), cnt[f] } }' "$work/results.txt"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

if [ "$mode" = health ]; then
  rounds=${2:-2}
  warmup=${BENCH_WARMUP:-4}
  to_ms() { # a wrk latency (12.3us, 4.5ms, 1.2s) -> milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000;
      printf "%.3f", n }'
  }
  measure() { # what [connections, default 64] -> one result line (fields: see the printf below)
    local before after target=("$url/api/v1/health") connections=${2:-64} threads=2
    [ "$connections" -lt 2 ] && threads=1
    [ "$1" = checks ] && target=(-s "$script" "$url")
    sleep 2
    local sys_before sw_before pg_before commits_before
    before=$(cpu)
    sys_before=$(sys_cpu)
    sw_before=$(switches)
    pg_before=$(pg_cpu)
    commits_before=$(pg_commits)
    wrk -t"$threads" -c"$connections" -d"$duration" --latency "${target[@]}" >"$work/run.txt"
    after=$(cpu)
    local sys=$(($(sys_cpu) - sys_before)) sw=$(($(switches) - sw_before)) pg=$(($(pg_cpu) - pg_before))
    local commits=$(($(pg_commits) - commits_before))
    local rps p50 p99 n
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/run.txt")
    n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/run.txt")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$work/run.txt")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$work/run.txt")")
    grep -q 'Non-2xx\|Socket errors' "$work/run.txt" && { echo "errors in the $1 run:" >&2; cat "$work/run.txt" >&2; }
    awk -v s="$1" -v r="$rps" -v a="$p50" -v b="$p99" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
      -v n="$n" -v l="$(cut -d' ' -f1 /proc/loadavg)" -v c="$connections" -v k="$sys" -v w="$sw" -v pg="$pg" \
      -v x="$commits" -v db="$db" \
      'BEGIN { printf "%-7s %2d conn  %9.0f req/s  p50 %8.2f ms  p99 %8.2f ms  server CPU %5.0f us/request (kernel %4.0f)  %4.1f context switches/request", s, c, r, a, b, t * 1e9 / hz / n / 1000, k * 1e9 / hz / n / 1000, w / n;
               if (db != "h2") printf "  PostgreSQL CPU %4.0f us/request, %.4f commits/request", pg * 1e9 / hz / n / 1000, x / n;
               printf "  load %s\n", l }'
  }
  echo "== warm-up, not counted: $warmup iteration(s) of checks then health, $duration each, 64 connections"
  for i in $(seq 1 "$warmup"); do
    for s in checks health; do echo "warm-up $i: $(measure $s)"; done
  done
  echo "== measured: $rounds round(s) of health, checks, checks, health; $duration each (load average at the start: $(cut -d' ' -f1-3 /proc/loadavg))"
  : >"$work/results.txt"
  for _ in $(seq 1 "$rounds"); do
    for s in health checks checks health; do measure $s | tee -a "$work/results.txt"; done
  done
  echo "== light load: one connection (sequential requests), $duration each"
  for s in health checks; do measure $s 1; done
  # Summary: means of the measured runs at 64 connections; p50/p99 of checks as the median and the worst run.
  awk -v db="$db" -v rounds="$rounds" -v warmup="$warmup" -v d="$duration" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" '
    function med(a, k,   i, j, t, m) { m = cnt[k]; for (i = 1; i <= m; i++) b[i] = a[k, i];
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
      return m % 2 ? b[(m + 1) / 2] : (b[m / 2] + b[m / 2 + 1]) / 2 }
    function max(a, k,   i, x) { x = a[k, 1]; for (i = 2; i <= cnt[k]; i++) if (a[k, i] > x) x = a[k, i]; return x }
    { k = $1; i = ++cnt[k]; rps[k] += $4; p50[k, i] = $7; p99[k, i] = $10; us[k] += $14
      for (f = 1; f <= NF; f++) if ($f == "PostgreSQL") { pgus[k] += $(f + 2); commits[k] += $(f + 4) } }
    END {
      hc = rps["health"] / cnt["health"]; cc = rps["checks"] / cnt["checks"]
      printf "SUMMARY %-8s checks %6.0f/s  health %6.0f/s  ratio %.2f  checks p50 %.2f ms (median run)  p99 %.2f ms median, %.2f ms worst run  CPU %.0f us/check vs %.0f us/health (health/check %.2f)",
        db, cc, hc, cc / hc, med(p50, "checks"), med(p99, "checks"), max(p99, "checks"), us["checks"] / cnt["checks"],
        us["health"] / cnt["health"], (us["health"] / cnt["health"]) / (us["checks"] / cnt["checks"])
      if (db != "h2") printf "  PostgreSQL CPU %.0f us/check, %.4f commits/check", pgus["checks"] / cnt["checks"], commits["checks"] / cnt["checks"]
      printf "  [%d measured run(s) of each, %s, after %d warm-up iteration(s); load at the end %s]\n", cnt["checks"], d, warmup, l
    }' "$work/results.txt"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

echo "== one check (answer size)"
curl -s -o "$work/answer.json" -w '%{http_code} %{size_download} bytes\n' -H 'Content-Type: application/json' \
  -d "{\"appId\":\"$app\",\"deviceId\":\"00000000-0000-4000-a000-000000000000\",\"platform\":\"android\",\"nativeVersion\":\"1.4.0\",\"currentBundle\":\"builtin\",\"keyIds\":{\"root\":\"$BENCH_ROOT_KEY_ID\",\"content\":\"$BENCH_CONTENT_KEY_ID\"},\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}" \
  "$url/updates"
grep -o '"kind":"[a-z_]*"' "$work/answer.json"
echo "== warm-up (15 s, 32 connections)"
wrk -t2 -c32 -d15s -s "$script" "$url" >/dev/null
echo "== 1 connection (sequential checks), $duration"
wrk -t1 -c1 -d"$duration" --latency -s "$script" "$url"
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
java -jar "$jar" device list --app $app --limit 100000 --json | grep -o '"deviceId"' | wc -l
