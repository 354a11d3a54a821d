#!/usr/bin/env bash
# Capgo-compatible delivery, two figures on one `patchbay serve` (H2 file database):
# 1. update checks per second of the reference plugin's /compat/capgo/updates next to Patchbay's /updates, same
#    app, same published bundle, same 10,000 devices (half on builtin: update; half on the bundle: up to date),
#    runs interleaved patchbay, capgo, capgo, patchbay with a 5 s pause before each; the ratio capgo / patchbay.
# 2. the bytes a compat device downloads for a one-file change: the whole zip (no manifest) versus the files whose
#    hash changed (--capgo-manifest; the plugin reuses files it holds by hash).
# Usage: bench/capgo-checks.sh [duration per run, default 20s] [connections, default 64]. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
conns=${2:-64}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -d target/classes ] || mvn -q -B compile
[ -f target/cp.txt ] || mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
cp="target/classes:$(cat target/cp.txt)"
pb() { java -cp "$cp" dev.patchbay.Launcher "$@"; }

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
java -cp "$cp" dev.patchbay.Launcher serve --port 0 --data-dir "$work/data" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q 'listening on' "$work/serve.log" 2>/dev/null && [ -s "$work/data/admin-api-key" ] && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
export PATCHBAY_SERVER=$url PATCHBAY_API_KEY=$(cat "$work/data/admin-api-key") PATCHBAY_KEY_PASSPHRASE=bench-passphrase
app=com.example.bench
pb key create --app $app --dir "$work/keys" --kdf-cost=15 >/dev/null
pb app create $app --name Bench >/dev/null
pb app update $app --capgo-compat >/dev/null
pb channel create production --app $app --default-for android,ios >/dev/null
mkdir -p "$work/site/assets"
echo '<!doctype html><title>bench</title><script src="assets/app.js"></script>' >"$work/site/index.html"
head -c 200000 /dev/urandom | base64 >"$work/site/assets/app.js"
head -c 300000 /dev/urandom | base64 >"$work/site/assets/vendor.js"
for i in $(seq 1 30); do echo "body { --n: $i; }" >"$work/site/assets/style-$i.css"; done
pb bundle publish "$work/site" --app $app --version 1.5.0 --keys "$work/keys" --channel production --quiet \
    --capgo-compat --capgo-manifest >/dev/null
pb key trust-server --app $app --keys "$work/keys" >/dev/null
trust="$work/keys/trust.json"
export BENCH_APP=$app BENCH_BUNDLE=1.5.0
export BENCH_ROOT_KEY_ID=$(sed -n 's/.*"keyId" *: *"\([0-9a-f]\{16\}\)".*/\1/p' "$trust" | head -1)
export BENCH_CONTENT_KEY_ID=$(sed -n 's/.*"contentKeyId" *: *"\([0-9a-f]\{16\}\)".*/\1/p' "$trust" | head -1)
script=bench/capgo-checks.lua

echo "== answers"
for p in patchbay capgo; do
  BENCH_PROTOCOL=$p wrk -t1 -c1 -d1s -s "$script" "$url" | grep -o 'errors (non-2xx [0-9]*)' | sed "s/^/$p: /"
done
echo "== warm-up (10 s per side, 32 connections)"
for p in patchbay capgo; do BENCH_PROTOCOL=$p wrk -t2 -c32 -d10s -s "$script" "$url" >/dev/null; done
echo "== side by side, $duration each, $conns connections (load at the start: $(cut -d' ' -f1-3 /proc/loadavg))"
: >"$work/results.txt"
for p in patchbay capgo capgo patchbay; do
  sleep 5
  BENCH_PROTOCOL=$p wrk -t2 -c"$conns" -d"$duration" -s "$script" "$url" >"$work/run.txt"
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/run.txt")
  grep -q 'errors (non-2xx 0)' "$work/run.txt" || { echo "errors in the $p run:" >&2; cat "$work/run.txt" >&2; }
  printf '%-9s %9.0f checks/s  %s\n' "$p" "$rps" "$(grep '^p50' "$work/run.txt")" | tee -a "$work/results.txt"
done
awk '{ s[$1] += $2; n[$1]++ } END { printf "ratio capgo / patchbay: %.2f (mean of %d runs each)\n",
  (s["capgo"] / n["capgo"]) / (s["patchbay"] / n["patchbay"]), n["capgo"] }' "$work/results.txt"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== bytes a compat device downloads for a one-file change (1.5.0 -> 1.5.1: assets/style-7.css edited)"
echo "body { --n: 7; --changed: 1; }" >"$work/site/assets/style-7.css"
pb bundle publish "$work/site" --app $app --version 1.5.1 --keys "$work/keys" --quiet --capgo-compat \
    --capgo-manifest >/dev/null
art() { curl -sf -H "Authorization: Bearer $PATCHBAY_API_KEY" "$url/api/v1/apps/$app/bundles/$1/capgo"; }
art 1.5.0 >"$work/a.json"
art 1.5.1 >"$work/b.json"
python3 - "$work/a.json" "$work/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
held = {f["fileHash"] for f in a["manifest"]}
changed = [f for f in b["manifest"] if f["fileHash"] not in held]
print(f"without manifest entries: {b['zip']['length']} bytes (the whole zip)")
print(f"with manifest entries: {sum(f['length'] for f in changed)} bytes ({len(changed)} of {len(b['manifest'])} files)")
PY
