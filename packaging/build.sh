#!/usr/bin/env bash
# Builds the native Patchbay package with jpackage (JDK 17).
#   packaging/build.sh [deb|app-image]      (default: deb; run from anywhere)
# Output: target/dist/patchbay_<version>-1_amd64.deb or target/dist/patchbay/ (app-image).
# Needs a JDK with jmods (openjdk-17-jdk-headless), unzip and zip, fakeroot and binutils (objcopy) for deb.
# Options: packaging/jlink.cfg (the runtime), jpackage.cfg (all types) + packaging/linux/jpackage-linux.cfg
# (+ jpackage-deb.cfg).
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
# (made into jmods for jlink below; the classifier-less openjfx jars are empty stubs and are left out).
work=target/jpackage
rm -rf "$work"
mkdir -p "$work/input/lib" "$work/javafx" "$work/jmods"
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
# JNA carries its native dispatch library for 26 platforms (1.6 of its 1.8 MB); the package is Linux amd64 only.
# The copy in the package keeps linux-x86-64's (target/lib is left as Maven made it).
for jna in "$work"/input/lib/jna-[0-9]*.jar; do
  if [ -f "$jna" ]; then zip -q -d "$jna" 'com/sun/jna/*/*jnidispatch*' -x 'com/sun/jna/linux-x86-64/*'; fi
done

# JavaFX as jmods, one per -linux jar: its classes and resources, with its native libraries (*.so at the jar's root)
# taken out as the jmod's libs. jlink puts those into the runtime's lib/, where System.loadLibrary finds them, so
# JavaFX loads them in place instead of unpacking them to ~/.openjfx/cache on first use (WebKit alone is 118 MiB),
# and the modules file no longer holds them (ADR 0128).
for fxjar in "$work"/javafx/*.jar; do
  module=$(basename "$fxjar" | sed -E 's/^javafx-([a-z]+)-.*$/javafx.\1/')
  tree="$work/fx/$module"
  mkdir -p "$tree/classes" "$tree/libs"
  unzip -q "$fxjar" -d "$tree/classes"
  find "$tree/classes" -maxdepth 1 -name '*.so' -exec mv {} "$tree/libs/" \;
  libs=()
  [ -n "$(ls "$tree/libs")" ] && libs=(--libs "$tree/libs")
  jmod create --class-path "$tree/classes" "${libs[@]}" "$work/jmods/$module.jmod"
done

# Modules the code needs, as jdeps sees them; added to the list in packaging/jlink.cfg, so a new
# dependency cannot silently miss a module. Anything not listed there yet is reported.
jdeps_modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps \
  --module-path "$work/javafx" "$work/input/patchbay.jar" "$work"/input/lib/*.jar | tail -n 1)
echo "$jdeps_modules" > "$work/jdeps-modules.txt"
listed=$(sed -n 's/^--add-modules //p' packaging/jlink.cfg | tr ',' '\n')
for m in ${jdeps_modules//,/ }; do
  if [ "$m" != java.base ] && ! grep -qx "$m" <<<"$listed"; then
    echo "build.sh: note: jdeps also needs module $m (added); list it in packaging/jlink.cfg"
  fi
done

# The runtime: the JDK's jmods (beside the jlink in use) and JavaFX's.
jdk_jmods=$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")/jmods
[ -f "$jdk_jmods/java.base.jmod" ] || { echo "build.sh: no JDK jmods at $jdk_jmods (openjdk-17-jdk-headless)" >&2; exit 1; }
echo "build.sh: jlink @packaging/jlink.cfg"
jlink @packaging/jlink.cfg --add-modules "$jdeps_modules" --module-path "$work/jmods:$jdk_jmods" \
  --output "$work/runtime"

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
  --dest target/dist

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
