#!/usr/bin/env bash
# Prepares build/gpu-carry/ (git-ignored) for scripts/gpu/check-cuda.sh on a GPU machine that reaches nothing and
# takes 64 MiB per call IN ALL (the working tree travels with every call): onnxruntime-node 1.29.0 (linux-x64 only) +
# onnxruntime-common, its CUDA 13 provider, the checker bundled into one file (no node_modules needed there) and a
# Node binary, as one tar.xz cut into parts that each fit the room a call leaves (scripts/gpu/carry-room.sh).
#   pack-carry.sh [RUNTIME_HOME]   (default: where `sdpm setup-gpu --route npm` installed, ~/.cache/sdpm/onnxruntime-gpu)
# Then carry one part per call while the device stays warm (it keeps ignored files between calls) and run
# check-cuda.sh with the last one: it joins the parts (scripts/gpu/unpack-carry.sh) and refuses a set with one missing.
# Environment: CARRY_ROOM_MIB (part size in MiB; default: computed from the working tree), XZ_LEVEL (6),
#   NODE_BIN (the Node binary packed as node/bin/node; default this machine's `node`, which needs only glibc and
#   libstdc++; `none` leaves it out),
#   SDPM_GPU_CARRY (the folder written, default build/gpu-carry: emptied first; tests point it elsewhere).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/gpu/carry-room.sh
HOME_RT="${1:-${SDPM_GPU_RUNTIME_HOME:-$HOME/.cache/sdpm/onnxruntime-gpu}}"
SRC="$HOME_RT/node_modules/onnxruntime-node"
NATIVE=bin/napi-v6/linux/x64
[ -f "$SRC/$NATIVE/libonnxruntime_providers_cuda.so" ] || { echo "no CUDA provider in $SRC: run \`npx sdpm setup-gpu --route npm\` first" >&2; exit 2; }
tree=$(carry_tree_bytes)
room=$(carry_room_mib "$tree")
part_kib=$(awk -v r="$room" 'BEGIN {printf "%d", r * 1024}')
[ "$part_kib" -ge 64 ] || { echo "pack-carry.sh: only $room MiB left per call next to the working tree" >&2; exit 1; }
D="${SDPM_GPU_CARRY:-build/gpu-carry}"
rm -rf "$D"; mkdir -p "$D"
S="$(mktemp -d)"; trap 'rm -rf "$S"' EXIT
mkdir -p "$S/ort129/$NATIVE" "$S/ort129/node_modules"
cp "$SRC/package.json" "$S/ort129/"
cp -r "$SRC/dist" "$S/ort129/"
cp "$SRC/$NATIVE/libonnxruntime.so.1" "$SRC/$NATIVE/onnxruntime_binding.node" "$SRC/$NATIVE/libonnxruntime_providers_shared.so" \
  "$SRC/$NATIVE/libonnxruntime_providers_cuda.so" "$S/ort129/$NATIVE/"
cp -r "$HOME_RT/node_modules/onnxruntime-common" "$S/ort129/node_modules/"
# the checker with every JS dependency inlined; onnxruntime-node is loaded at run time from SDPM_ORT_DIR
npx esbuild scripts/gpu/cudaCheck.ts --bundle --platform=node --format=esm --target=node20 --external:onnxruntime-node \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" --outfile="$S/cudaCheck.mjs" --log-level=warning
# a Node binary for the device, which is not known to have one (check-cuda.sh uses it where `node` is missing)
what=(ort129 cudaCheck.mjs)
if [ "${NODE_BIN:-}" != none ]; then
  nb="$(readlink -f "${NODE_BIN:-$(command -v node)}")"
  mkdir -p "$S/node/bin" && cp "$nb" "$S/node/bin/node" && chmod +x "$S/node/bin/node" && what+=(node)
fi
tar -C "$S" -cf - "${what[@]}" | xz -T2 "-${XZ_LEVEL:-6}" -c | split -a 2 -d -b "${part_kib}K" - "$D/cuda-carry.tar.xz.part-"
n=$(ls "$D"/cuda-carry.tar.xz.part-* | wc -l)
for p in "$D"/cuda-carry.tar.xz.part-*; do mv "$p" "$p-of-$(printf %02d "$n")"; done
(cd "$D" && sha256sum cuda-carry.tar.xz.part-* > cuda-carry.sha256)
echo "pack-carry.sh: $(carry_mib "$(du -sb "$S" | cut -f1)") MiB of files, xz-compressed into $n parts of at most $room MiB (the room next to the $(carry_mib "$tree") MiB working tree):"
i=0
for p in "$D"/cuda-carry.tar.xz.part-*; do
  i=$((i + 1))
  extra=""; [ "$i" -eq 1 ] && extra=" + $D/cuda-carry.sha256"
  cmd="ls -l $D"; [ "$i" -eq "$n" ] && cmd="bash scripts/gpu/check-cuda.sh"
  echo "  call $i: carry $p$extra ($(carry_mib "$(stat -c %s "$p")") MiB); command: $cmd"
done
