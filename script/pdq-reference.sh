#!/usr/bin/env bash
# Checks lineage_core's PDQ (crates/core/src/output/pdq.rs) against Meta's reference C++,
# bit for bit: builds script/pdq-reference/harness.cpp against the ThreatExchange sources
# that PyPI's pdqhash 0.2.8 ships (its sdist, fetched from PyPI's file host by its address
# and pinned by SHA-256, cached outside the clone), has the Rust side write its test images and fingerprints
# (`pdq::tests::reference_images`, ignored in a plain cargo test), and compares each
# hash and quality with the harness's. Needs python3 (pip download) and g++.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=0.2.8
sha=eb9a9de36745937ce3e481a02ce933fe907c84e0b1748c9dfea52c12ca5c1e35
url=https://files.pythonhosted.org/packages/98/83/258f070fbe134c2bd6f20dc0a9b142842ff35bc1369a98e7df30b496177b/pdqhash-$version.tar.gz
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lineage/pdq-reference-$version"
if [[ ! -x $cache/harness || script/pdq-reference/harness.cpp -nt $cache/harness ]]; then
    rm -rf "$cache.tmp"
    mkdir -p "$cache.tmp"
    curl -sSfL --retry 3 -o "$cache.tmp/pdqhash-$version.tar.gz" "$url"
    echo "$sha  $cache.tmp/pdqhash-$version.tar.gz" | sha256sum -c --quiet
    tar xzf "$cache.tmp/pdqhash-$version.tar.gz" -C "$cache.tmp"
    t=$cache.tmp/pdqhash-$version/ThreatExchange
    g++ -O2 -I"$t" -o "$cache.tmp/harness" script/pdq-reference/harness.cpp \
        "$t/pdq/cpp/hashing/pdqhashing.cpp" "$t/pdq/cpp/hashing/torben.cpp" \
        "$t/pdq/cpp/downscaling/downscaling.cpp" "$t/pdq/cpp/common/pdqhashtypes.cpp"
    rm -rf "$cache"
    mv "$cache.tmp" "$cache"
fi

images=$(mktemp -d)
trap 'rm -rf "$images"' EXIT
LINEAGE_PDQ_IMAGES=$images cargo test --locked -q --workspace --lib pdq::tests::reference_images \
    -- --ignored --nocapture | grep '^pdq ' >"$images/rust.txt"
n=0
while read -r _ w h hash quality; do
    got=$("$cache/harness" "$w" "$h" <"$images/${w}x$h.rgb")
    if [[ $got != "$hash $quality" ]]; then
        echo "pdq-reference: ${w}x$h: Rust $hash $quality, reference $got" >&2
        exit 1
    fi
    n=$((n + 1))
done <"$images/rust.txt"
[[ $n -ge 8 ]] || { echo "pdq-reference: only $n images compared" >&2; exit 1; }
echo "pdq-reference: $n images, every hash and quality the reference's"
