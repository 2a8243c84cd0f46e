#!/usr/bin/env bash
# Prepares build/gpu-carry/ (git-ignored) for scripts/gpu/check-cuda.sh on a GPU machine that reaches nothing and
# takes at most 64 MiB per call: onnxruntime-node 1.29.0 (linux-x64 only) + onnxruntime-common, its CUDA 13
# provider xz-compressed and split into parts, and the checker bundled into one file (no node_modules needed).
#   pack-carry.sh [RUNTIME_HOME]   (default: where `sdpm setup-gpu --route npm` installed, ~/.cache/sdpm/onnxruntime-gpu)
# Then carry build/gpu-carry/ort129 + cudaCheck.mjs with the first call and one provider part per call (the
# device keeps ignored files between calls while it is warm), and run check-cuda.sh with the last one.
set -euo pipefail
cd "$(dirname "$0")/../.."
HOME_RT="${1:-${SDPM_GPU_RUNTIME_HOME:-$HOME/.cache/sdpm/onnxruntime-gpu}}"
SRC="$HOME_RT/node_modules/onnxruntime-node"
NATIVE=bin/napi-v6/linux/x64
[ -f "$SRC/$NATIVE/libonnxruntime_providers_cuda.so" ] || { echo "no CUDA provider in $SRC: run \`npx sdpm setup-gpu --route npm\` first" >&2; exit 2; }
D=build/gpu-carry
rm -rf "$D"; mkdir -p "$D/ort129/$NATIVE" "$D/ort129/node_modules"
cp "$SRC/package.json" "$D/ort129/"
cp -r "$SRC/dist" "$D/ort129/"
cp "$SRC/$NATIVE/libonnxruntime.so.1" "$SRC/$NATIVE/onnxruntime_binding.node" "$SRC/$NATIVE/libonnxruntime_providers_shared.so" "$D/ort129/$NATIVE/"
cp -r "$HOME_RT/node_modules/onnxruntime-common" "$D/ort129/node_modules/"
xz -T2 -6 -c "$SRC/$NATIVE/libonnxruntime_providers_cuda.so" | split -b 60M - "$D/provider_cuda.so.xz.part-"
# the checker with every JS dependency inlined; onnxruntime-node is loaded at run time from SDPM_ORT_DIR
npx esbuild scripts/gpu/cudaCheck.ts --bundle --platform=node --format=esm --target=node20 --external:onnxruntime-node \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" --outfile="$D/cudaCheck.mjs" --log-level=warning
du -sh "$D"/* | sed 's/^/  /'
echo "carry per call (<= 64 MiB each): 1) $D/ort129 $D/cudaCheck.mjs; then each $D/provider_cuda.so.xz.part-*; run: bash scripts/gpu/check-cuda.sh"
