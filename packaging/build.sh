#!/usr/bin/env bash
# Builds the native Patchbay package with jpackage (JDK 17).
#   packaging/build.sh [deb|app-image]      (default: deb; run from anywhere)
# Output: target/dist/patchbay_<version>-1_amd64.deb or target/dist/patchbay/ (app-image).
# Needs a JDK with jmods (openjdk-17-jdk-headless), fakeroot and binutils (objcopy) for deb.
# Options: jpackage.cfg (all types) + packaging/linux/jpackage-linux.cfg (+ jpackage-deb.cfg).
set -euo pipefail

type=${1:-deb}
case "$type" in
  deb|app-image) ;;
  *) echo "usage: packaging/build.sh [deb|app-image]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
start=$(date +%s)

jar=target/patchbay.jar
# Build the jar when it is missing or older than anything it is made from.
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src icons -newer "$jar" -print -quit 2>/dev/null)" ]; then
  # Not -q: a first build downloads for minutes, and Maven's lines show it is progressing.
  echo "build.sh: mvn -B -ntp package -DskipTests (the first build downloads the dependencies)"
  mvn -B -ntp package -DskipTests
fi

# The version Maven built (from pom.xml).
version=$(sed -n 's/^version=//p' target/maven-archiver/pom.properties | tr -d '\r')
[ -n "$version" ] || { echo "build.sh: no version in target/maven-archiver/pom.properties" >&2; exit 1; }

# The jar's manifest Class-Path names exactly the runtime libraries of this build
# (target/lib may also hold stale jars of older builds).
classpath=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g' \
  | sed -n 's/^Class-Path: //p')
[ -n "$classpath" ] || { echo "build.sh: $jar has no Class-Path" >&2; exit 1; }

# jpackage inputs: the app jar + non-JavaFX libraries (classpath), and the JavaFX -linux jars
# (module path; the classifier-less openjfx jars are empty stubs and are left out).
work=target/jpackage
rm -rf "$work"
mkdir -p "$work/input/lib" "$work/javafx"
cp "$jar" "$work/input/"
cp packaging/linux/patchbay.desktop "$work/input/"
cp packaging/linux/cds-train.sh "$work/input/"
cp icons/patchbay-256.png "$work/input/patchbay.png"
for entry in $classpath; do
  name=${entry#lib/}
  case "$name" in
    javafx-*-linux.jar) cp "target/lib/$name" "$work/javafx/" ;;
    javafx-*.jar) ;;
    *) cp "target/lib/$name" "$work/input/lib/" ;;
  esac
done
[ -n "$(ls "$work/javafx")" ] || { echo "build.sh: no javafx-*-linux.jar in target/lib" >&2; exit 1; }

# Modules the code needs, as jdeps sees them; added to the list in jpackage.cfg, so a new
# dependency cannot silently miss a module. Anything not listed there yet is reported.
jdeps_modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps \
  --module-path "$work/javafx" "$work/input/patchbay.jar" "$work"/input/lib/*.jar | tail -n 1)
echo "$jdeps_modules" > "$work/jdeps-modules.txt"
listed=$(sed -n 's/^--add-modules //p' jpackage.cfg | tr ',' '\n')
for m in ${jdeps_modules//,/ }; do
  if [ "$m" != java.base ] && ! grep -qx "$m" <<<"$listed"; then
    echo "build.sh: note: jdeps also needs module $m (added); list it in jpackage.cfg"
  fi
done

args=(@jpackage.cfg @packaging/linux/jpackage-linux.cfg)
[ "$type" = deb ] && args+=(@packaging/linux/jpackage-deb.cfg)

mkdir -p target/dist
if [ "$type" = deb ]; then
  rm -f target/dist/patchbay_*.deb
else
  rm -rf target/dist/patchbay
fi

echo "build.sh: jpackage --type $type --app-version $version"
jpackage "${args[@]}" --type "$type" --app-version "$version" \
  --add-modules "$jdeps_modules" --dest target/dist

if [ "$type" = deb ]; then
  out=$(ls target/dist/patchbay_*.deb)
else
  out=target/dist/patchbay
  # The class-data sharing archive, made where this folder is (the .deb's postinst makes its own: ADR 0121).
  if [ "${PATCHBAY_CDS:-1}" = 1 ]; then
    echo "build.sh: cds-train.sh $out (training run; PATCHBAY_CDS=0 skips it)"
    sh packaging/linux/cds-train.sh "$out" || echo "build.sh: warning: no class-data sharing archive" >&2
  fi
fi
echo "build.sh: $out ($(du -sh "$out" | cut -f1)) in $(( $(date +%s) - start )) s"
