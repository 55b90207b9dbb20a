#!/usr/bin/env bash
# PDQ robustness over real photographs (issue 21), as reported in BENCHMARKS.md: the
# sample images of scikit-image (its PyPI wheel) and Debian's wallpaper packages
# (plasma-workspace-wallpapers, gnome-backgrounds, mate-backgrounds; downloaded with
# `apt-get download`, unpacked, not installed), one file per wallpaper (its largest size),
# cut into non-overlapping tiles by crates/core/examples/pdq_robustness.rs, which prints
# the tables. The sources are cached in ~/.cache/lineage/photos.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

TILE="${TILE:-256}"
PER_SOURCE="${PER_SOURCE:-30}"
CACHE="${LINEAGE_CACHE:-$HOME/.cache/lineage}/photos"
mkdir -p "$CACHE"

if [[ ! -d $CACHE/skimage ]]; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: scikit-image==0.26.0 -d "$CACHE/wheel"
    python3 -m zipfile -e "$CACHE"/wheel/scikit_image-*.whl "$CACHE/wheel/x"
    mkdir -p "$CACHE/skimage"
    cp "$CACHE"/wheel/x/skimage/data/*.{png,jpg} "$CACHE/skimage/" 2>/dev/null || true
    rm -rf "$CACHE/wheel"
fi
for pkg in plasma-workspace-wallpapers gnome-backgrounds mate-backgrounds; do
    if [[ ! -d $CACHE/$pkg ]]; then
        (cd "$CACHE" && apt-get download -qq "$pkg" && dpkg-deb -x "$pkg"_*.deb "$pkg" && rm "$pkg"_*.deb)
    fi
done

# One file per picture: scikit-image's, and per wallpaper its largest file (Plasma ships
# each in several sizes; GNOME a light and a dark one; MATE some in several sizes).
mapfile -t files < <(python3 - "$CACHE" <<'PY'
import os, re, sys
root = sys.argv[1]
best = {}
for dirpath, _, names in os.walk(root):
    for n in names:
        if not n.lower().endswith((".png", ".jpg", ".jpeg", ".webp")):
            continue
        path = os.path.join(dirpath, n)
        parts = path[len(root):].split(os.sep)
        # Plasma: wallpapers/NAME/contents/images/WxH.ext -> NAME; else the file's stem.
        # Elsewhere the stem, less a size suffix (MATE's Elephants_3840x2160) and GNOME's
        # light/dark suffix: the same picture under two names counts once.
        key = (parts[parts.index("wallpapers") + 1] if "wallpapers" in parts and "contents" in parts
               else re.sub(r"(_\d+x\d+|-[ld])$", "", os.path.splitext(n)[0]))
        size = os.path.getsize(path)
        if size > best.get(key, ("", 0))[1]:
            best[key] = (path, size)
for path, _ in sorted(best.values()):
    print(path)
PY
)
echo "${#files[@]} source images" >&2
cargo run --locked -q -p lineage-core --example pdq_robustness -- "$TILE" "$PER_SOURCE" "${files[@]}"
