#!/usr/bin/env bash
# Issue 15: the one script the GPU machine runs (prepared and tested on CPU; see scripts/gpu/README.md).
# Prints the nvidia-smi line, then scripts/gpu/cudaCheck.ts: onnxruntime version, the provider actually used,
# golden parity CUDA vs CPU, demo wall time (default profile and paper preset), PyTorch eager ratio.
# Where there is no NVIDIA GPU it runs the CPU fallback path and says so. Numbers also go to $OUT/cuda-check.json.
#   check-cuda.sh [--quick] [cudaCheck options...]
# Inputs (all optional, see README): build/gpu-carry/ from scripts/gpu/pack-carry.sh (onnxruntime-node 1.29.0, its
# CUDA 13 provider, the bundled checker and a node binary as tar.xz parts, joined here by unpack-carry.sh); CUDA 13 +
# cuDNN 9 libraries from the Python packages of the machine's PyTorch (site-packages/nvidia/*/lib), found with $PYTHON (default python3).
# SDPM_GPU_CARRY names another carry folder (tests point it at an empty one).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
CARRY="${SDPM_GPU_CARRY:-build/gpu-carry}"
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || PY=/usr/bin/python3

echo "== nvidia-smi"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader || true
else
  echo "no nvidia-smi on this machine: CPU fallback path"
fi

# CUDA 13 / cuDNN 9 libraries shipped as Python wheels (PyTorch's nvidia-* dependencies) and torch/lib
LIBS=$("$PY" - <<'PY' 2>/dev/null
import glob, os
dirs = []
try:
    import nvidia
    for root in list(nvidia.__path__):
        dirs += sorted(glob.glob(os.path.join(root, "*", "lib")))
except Exception:
    pass
try:
    import torch
    dirs.append(os.path.join(os.path.dirname(torch.__file__), "lib"))
except Exception:
    pass
print(":".join(d for d in dirs if os.path.isdir(d)))
PY
)
if [ -n "$LIBS" ]; then export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; echo "CUDA libraries from Python packages: $(echo "$LIBS" | tr ':' '\n' | wc -l) folders"; fi

# onnxruntime-node 1.29.0 + CUDA 13 provider + the bundled checker, carried over in parts (pack-carry.sh)
if ls "$CARRY"/cuda-carry.tar.xz.part-* >/dev/null 2>&1; then
  bash scripts/gpu/unpack-carry.sh "$CARRY" || exit 2
fi
if [ -d "$CARRY/ort129" ]; then
  export SDPM_ORT_DIR="$(cd "$CARRY/ort129" && pwd)"
  echo "onnxruntime-node from $SDPM_ORT_DIR"
fi

NODE=node
command -v node >/dev/null 2>&1 || NODE="$CARRY/node/bin/node"
if [ -d node_modules/tsx ]; then
  CHECK=("$NODE" --import tsx scripts/gpu/cudaCheck.ts)
elif [ -f "$CARRY/cudaCheck.mjs" ]; then
  CHECK=("$NODE" "$CARRY/cudaCheck.mjs")
else
  echo "cannot run the checker: neither node_modules (npm ci) nor $CARRY/cudaCheck.mjs (pack-carry.sh)"; exit 2
fi
echo "== cudaCheck ($("$NODE" --version))"
PYTHON="$PY" "${CHECK[@]}" --json "$OUT/cuda-check.json" "$@"
rc=$?
echo "== numbers: $OUT/cuda-check.json (exit $rc)"
exit $rc
