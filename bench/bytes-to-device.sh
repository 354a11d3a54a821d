#!/usr/bin/env bash
# Bytes to the device for two consecutive releases of real web apps from npm (issue 12, docs/benchmarks.md):
# first install vs `zip -9`, delta A->B vs `zstd -19 --patch-from` of the changed files, second-publish upload,
# the delta with binary patches (bundle-format 5.4, ADR 0082) and the device-side apply (time, peak heap at -Xmx32m).
# Packages are fetched once with `npm pack` into target/bench-apps/. Needs npm; installs zip and zstd with apt-get if missing.
# Usage: bench/bytes-to-device.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cache=target/bench-apps
mkdir -p "$cache"
for tool in zip zstd; do # installed if missing (Debian), as the issue's reference tools
  command -v $tool >/dev/null || apt-get install -y -q $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
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

measure() { # name versionA versionB
  local a b
  a=$(fetch "$1" "$2"); b=$(fetch "$1" "$3")
  echo "== $1 $2 -> $3"
  local raw zipped patch=0 whole=0 changed=0
  raw=$(du -sb "$b" | cut -f1)
  rm -f "$cache/b.zip"; (cd "$b" && zip -9 -q -r "$root/$cache/b.zip" .)
  zipped=$(stat -c %s "$cache/b.zip")
  while IFS= read -r f; do
    if [ ! -f "$a/$f" ]; then
      whole=$((whole + $(zstd -19 -q -c "$b/$f" | wc -c))); changed=$((changed + 1))
    elif ! cmp -s "$a/$f" "$b/$f"; then
      patch=$((patch + $(zstd -19 -q --long=27 -c 2>/dev/null --patch-from="$a/$f" "$b/$f" | wc -c))); changed=$((changed + 1))
    fi
  done < <(cd "$b" && find . -type f | sed 's|^\./||' | sort)
  echo "files $(find "$b" -type f | wc -l), raw $raw bytes, zip -9 $zipped, changed+added $changed," \
    "zstd -19 --patch-from (added files: zstd -19) $((patch + whole))"
  java -cp "$cp" dev.patchbay.bench.BytesToDevice "$a" "$b"
  java -cp "$cp" dev.patchbay.bench.DeltaSizes "$a" "$b"
  rm -rf "$cache/patches" && java -cp "$cp" dev.patchbay.bench.PatchApply make "$a" "$b" "$cache/patches"
  java -Xmx32m -cp "$cp" dev.patchbay.bench.PatchApply apply "$a" "$b" "$cache/patches"
}

measure swagger-ui-dist 5.35.0 5.36.0
measure swagger-editor-dist 4.14.6 4.14.8
