#!/usr/bin/env bash
# What each part of the Patchbay package costs: per runtime (jlink) module, per native library, per app jar, on disk
# (installed) and compressed as in the .deb (xz -6, dpkg-deb's default; each part compressed alone, so the sum is
# close to, not equal to, the .deb's one solid stream).
#   bench/package-size.sh [--no-xz] [DIR|FILE.deb]
# DIR: an app folder with lib/runtime and lib/app (default target/dist/patchbay; /opt/patchbay when installed);
# a .deb is unpacked to a temporary folder first. Prints Markdown tables (KiB). Needs jimage (JDK) and xz.
set -euo pipefail

xz=1
if [ "${1:-}" = --no-xz ]; then xz=0; shift; fi
src=${1:-target/dist/patchbay}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -f "$src" ]; then
  dpkg-deb -x "$src" "$tmp/deb"
  echo "package: $(basename "$src"), $(( $(stat -c %s "$src") / 1024 )) KiB;" \
    "Installed-Size $(dpkg-deb -f "$src" Installed-Size) KiB"
  dir="$tmp/deb/opt/patchbay"
else
  dir=$src
fi
[ -d "$dir/lib/runtime" ] && [ -d "$dir/lib/app" ] || { echo "package-size: no lib/runtime and lib/app in $dir" >&2; exit 2; }
rt="$dir/lib/runtime"

kib() { echo $(( ($1 + 1023) / 1024 )); }
# KiB after xz -6 of stdin, or "–" with --no-xz.
xzk() { if [ "$xz" = 1 ]; then kib "$(nice xz -6 -T1 -c | wc -c)"; else cat >/dev/null; echo "–"; fi; }

echo
echo "| part | installed KiB | xz KiB |"
echo "|---|---:|---:|"
row() { # name, files...
  local name=$1; shift
  [ $# -gt 0 ] || return 0
  echo "| $name | $(kib "$(cat "$@" | wc -c)") | $(cat "$@" | xzk) |"
}
mapfile -t fxlibs < <(find "$rt/lib" -maxdepth 1 -name '*.so' \
  \( -name 'libjfx*' -o -name 'libglass*' -o -name 'libprism*' -o -name 'libjavafx*' -o -name 'libdecora*' \
     -o -name 'libgstreamer*' -o -name 'libfxplugins*' -o -name 'libavplugin*' \) | sort)
mapfile -t jdklibs < <(find "$rt/lib" -name '*.so' | sort | grep -vxF -f <(printf '%s\n' "${fxlibs[@]}"))
mapfile -t jsas < <(find "$rt/lib" -name '*.jsa' | sort)
mapfile -t jars < <(find "$dir/lib/app" -name '*.jar' | sort)
row "runtime: modules file (\`lib/modules\`)" "$rt/lib/modules"
row "runtime: JavaFX native libraries (${#fxlibs[@]})" "${fxlibs[@]}"
row "runtime: JDK native libraries (${#jdklibs[@]}, incl. \`libjvm.so\`)" "${jdklibs[@]}"
row "runtime: base class-data sharing archives" "${jsas[@]}"
row "app: jars (${#jars[@]})" "${jars[@]}"
echo "| all files under the folder | $(du -sk "$dir" | cut -f1) (du) | |"

echo
echo "Runtime modules (\`jimage list --verbose\`; stored = as in the modules file):"
echo
echo "| module | classes and resources KiB | stored KiB | xz KiB |"
echo "|---|---:|---:|---:|"
if [ "$xz" = 1 ]; then jimage extract --dir "$tmp/modules" "$rt/lib/modules"; fi
jimage list --verbose "$rt/lib/modules" | awk '
  /^Module: / { m = $2; next }
  NF == 4 && $1 ~ /^[0-9]+$/ { size[m] += $2; stored[m] += ($3 > 0 ? $3 : $2) }
  END { for (m in size) printf "%d %d %s\n", size[m], stored[m], m }' | sort -rn |
  while read -r size stored module; do
    x="–"
    [ "$xz" = 1 ] && x=$(tar -C "$tmp/modules/$module" -cf - . | xzk)
    echo "| $module | $(kib "$size") | $(kib "$stored") | $x |"
  done

echo
echo "Native libraries in the runtime's \`lib/\` (largest first):"
echo
echo "| library | KiB | xz KiB |"
echo "|---|---:|---:|"
for f in "${fxlibs[@]}" "${jdklibs[@]}"; do echo "$(stat -c %s "$f") $f"; done | sort -rn | while read -r size f; do
  echo "| \`${f#"$rt/"}\` | $(kib "$size") | $(xzk <"$f") |"
done

echo
echo "App jars (largest first):"
echo
echo "| jar | KiB | xz KiB |"
echo "|---|---:|---:|"
for f in "${jars[@]}"; do echo "$(stat -c %s "$f") $f"; done | sort -rn | while read -r size f; do
  echo "| \`${f#"$dir/lib/app/"}\` | $(kib "$size") | $(xzk <"$f") |"
done
