#!/usr/bin/env bash
# Regenerates the Patchbay icons from their SVG sources:
#   patchbay-{16,32,48,64,128,256,512}.png, patchbay.ico and patchbay.icns.
# 16 px comes from patchbay-small.svg (snapped to the pixel grid), the rest from patchbay.svg.
# Needs Debian's librsvg2-bin (rsvg-convert), imagemagick (convert) and icnsutils (png2icns):
#   apt-get install -y --no-install-recommends librsvg2-bin imagemagick icnsutils
# Usage: icons/render.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")"

# ImageMagick's real binary; a stand-in named convert may come first on PATH.
CONVERT=/usr/bin/convert
[ -x "$CONVERT" ] || CONVERT=$(command -v convert)

for n in 16 32 48 64 128 256 512; do
  src=patchbay.svg
  [ "$n" = 16 ] && src=patchbay-small.svg
  rsvg-convert --width "$n" --height "$n" --output "patchbay-$n.png" "$src"
done

# Windows icon: the sizes Windows uses (256 is stored as PNG inside the .ico).
"$CONVERT" patchbay-16.png patchbay-32.png patchbay-48.png patchbay-64.png \
  patchbay-128.png patchbay-256.png patchbay.ico

# macOS icon: png2icns takes 16, 32, 48, 128, 256 and 512 px images.
if command -v png2icns >/dev/null; then
  png2icns patchbay.icns patchbay-16.png patchbay-32.png patchbay-48.png \
    patchbay-128.png patchbay-256.png patchbay-512.png >/dev/null
else
  echo "render.sh: png2icns (icnsutils) not installed; patchbay.icns left as it was" >&2
fi
ls -l patchbay-*.png patchbay.ico patchbay.icns
