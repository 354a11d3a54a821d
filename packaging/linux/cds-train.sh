#!/bin/sh
# Makes Patchbay's class-data sharing archive (AppCDS, ADR 0121) for an app-image or installed folder, and turns it on
# in both launchers. JDK 17 checks an archive's class path literally, so it is made where the program lives: by
# packaging/build.sh for an app-image (target/dist/patchbay), by the .deb's postinst for /opt/patchbay.
#   cds-train.sh APP_DIR          (APP_DIR holds bin/patchbay, lib/app/, lib/runtime/)
# A training run starts the console headless (Monocle, software rendering, throwaway HOME and data folder), lets it
# start its Local sandbox, shows every page once and quits; the JVM then writes the classes it loaded
# (-XX:ArchiveClassesAtExit) to lib/app/patchbay.jsa. On success the launchers' .cfg files get
# -XX:SharedArchiveFile=$APPDIR/patchbay.jsa. On failure nothing is turned on (exit 1): the program starts as before.
# First it makes the runtime's base archive (lib/runtime/lib/server/classes.jsa, `java -Xshare:dump`, what jlink's
# --generate-cds-archive would do at build time), which Patchbay's archive builds on: made here, not shipped, so the
# package is smaller and the two archives always come from the same run (an archive made on another base is refused).
set -eu

dir=${1:?usage: cds-train.sh APP_DIR}
app="$dir/lib/app"
jsa="$app/patchbay.jsa"
base="$dir/lib/runtime/lib/server/classes.jsa"
option='java-options=-XX:SharedArchiveFile=$APPDIR/patchbay.jsa'

fail() { echo "cds-train: $*" >&2; exit 1; }
[ -x "$dir/bin/patchbay" ] || fail "no launcher $dir/bin/patchbay"
[ -x "$dir/lib/runtime/bin/java" ] || fail "no $dir/lib/runtime/bin/java"

# Off first: the training run must start on the base archive alone, and a stale archive must not stay on.
for cfg in "$app/patchbay.cfg" "$app/patchbay-cli.cfg"; do
    [ -f "$cfg" ] && sed -i '/-XX:SharedArchiveFile=/d' "$cfg"
done
rm -f "$jsa" "$jsa.tmp"

# The base archive, from the runtime's default class list (lib/classlist).
rm -f "$base"
if ! out=$("$dir/lib/runtime/bin/java" -Xshare:dump 2>&1) || [ ! -s "$base" ]; then
    rm -f "$base"
    echo "$out" | sed 's/^/  | /' >&2
    fail "java -Xshare:dump failed; no archive"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
rc=0
env -u DISPLAY -u WAYLAND_DISPLAY HOME="$work/home" PATCHBAY_HOME="$work/data" \
    JAVA_TOOL_OPTIONS="-XX:ArchiveClassesAtExit=$jsa.tmp -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dpatchbay.startup.report=true -Dpatchbay.startup.exit=true -Dpatchbay.startup.train=true" \
    timeout 300 "$dir/bin/patchbay" >"$work/log" 2>&1 || rc=$?
if [ "$rc" != 0 ] || ! grep -q '^startup: trained-ms=' "$work/log" || [ ! -s "$jsa.tmp" ]; then
    rm -f "$jsa.tmp"
    sed 's/^/  | /' "$work/log" >&2
    fail "the training run failed (exit $rc); no archive"
fi
mv "$jsa.tmp" "$jsa"
chmod 644 "$jsa"
for cfg in "$app/patchbay.cfg" "$app/patchbay-cli.cfg"; do
    [ -f "$cfg" ] && sed -i "/^\[JavaOptions\]\$/a $option" "$cfg"
done
echo "cds-train: $jsa ($(du -k "$jsa" | cut -f1) KiB, $(sed -n 's/^startup: trained-ms=//p' "$work/log") ms training run)"
