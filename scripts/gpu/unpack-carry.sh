#!/usr/bin/env bash
# On the device (called by check-cuda.sh): joins pack-carry.sh's parts in CARRY (default build/gpu-carry) into
# CARRY/ort129, CARRY/cudaCheck.mjs and CARRY/node/bin/node (where packed). Refuses, naming them, parts that are
# missing or damaged; a second run after a successful one does nothing.
#   unpack-carry.sh [CARRY]
set -euo pipefail
C="${1:-build/gpu-carry}"
[ -f "$C/cudaCheck.mjs" ] && [ -d "$C/ort129" ] && exit 0
shopt -s nullglob
parts=("$C"/cuda-carry.tar.xz.part-*)
[ ${#parts[@]} -gt 0 ] || { echo "$C: no cuda-carry parts (pack-carry.sh writes them; carry one per call)" >&2; exit 2; }
n=${parts[0]##*-of-}
for i in $(seq 0 $((10#$n - 1))); do
  f="$C/cuda-carry.tar.xz.part-$(printf %02d "$i")-of-$n"
  [ -f "$f" ] || { echo "$f: missing (carried ${#parts[@]} of $((10#$n)) parts); carry it and run again" >&2; exit 2; }
done
if [ -f "$C/cuda-carry.sha256" ]; then
  (cd "$C" && sha256sum --quiet -c cuda-carry.sha256) >&2 || { echo "$C: a cuda-carry part is damaged (sha256 above)" >&2; exit 2; }
fi
T="$C/.unpack.$$"; rm -rf "$T"; mkdir -p "$T"
cat "${parts[@]}" | xz -dc | tar -C "$T" -xf - || { rm -rf "$T"; echo "$C: the cuda-carry parts do not decompress" >&2; exit 2; }
rm -rf "$C/ort129" "$C/cudaCheck.mjs"
[ -d "$T/node" ] && rm -rf "$C/node"
mv "$T"/* "$C/"
rmdir "$T"
echo "unpacked ${#parts[@]} parts into $C: $(cd "$C" && ls -d ort129 cudaCheck.mjs node 2>/dev/null | tr '\n' ' ')"
