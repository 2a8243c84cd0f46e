#!/usr/bin/env bash
# Issue 10 item 6: one device call (under 10 minutes) that trains a larger preset with CUDA on the carried training
# slices and writes the weights and the training log to $OUT (what comes back). The device has PyTorch 2.x and numpy but no
# nibabel/pydicom and reaches nothing, so the slices are packed here first (one file, <= 60 MiB):
#   (cd models/training && /usr/bin/python3 -m sdpm.carry --data work/train-mix-v8 --out ../../build/gpu-carry/train.npz)
# then, with the device tool:  run(command="bash scripts/gpu/train-gpu.sh", carry=["build/gpu-carry/train.npz"], timeout_s=600)
# The full checkpoint (with the optimizer state, ~60 MiB for compact-m) stays in build/gpu-run/ on the device, which
# keeps ignored files while it is warm: a second call there continues it with RESUME=1. $OUT gets weights.pt (network +
# EMA, no optimizer: what sdpm.bundle exports and --init-from warm-starts from), log.jsonl, config.json, train-gpu.log.
# Settings (environment): PRESET (compact-m), DEVICE (cuda), BUDGET_S (training wall seconds, 480), STEPS (planned steps,
# the poly-LR horizon; the budget usually stops first), BATCH (8), LR (1e-4), SEED (0), WINDOW (K,C[,V]: must be the
# window the file was packed with), INIT (checkpoint to warm start from), CARRY (build/gpu-carry/train.npz),
# RUN_DIR (build/gpu-run), RESUME (1: continue RUN_DIR), PYTHON (python3). Without a GPU, DEVICE=cpu runs the same path (the project's test does, with a tiny preset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${OUT:?OUT must name the folder that comes back (the device machine sets it)}"
CARRY="${CARRY:-$ROOT/build/gpu-carry/train.npz}"
PRESET="${PRESET:-compact-m}"
DEVICE="${DEVICE:-cuda}"
BUDGET_S="${BUDGET_S:-480}"
STEPS="${STEPS:-20000}"
PY="${PYTHON:-python3}"
[ -f "$CARRY" ] || { echo "train-gpu.sh: no training slices at $CARRY (pack them with sdpm.carry and carry the file)" >&2; exit 2; }
mkdir -p "$OUT"
LOG="$OUT/train-gpu.log"
{
  echo "train-gpu.sh $(date -u +%FT%TZ): preset $PRESET, device $DEVICE, budget ${BUDGET_S}s, data $CARRY"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no nvidia-smi"
  "$PY" -c 'import torch; print("torch", torch.__version__, "cuda available", torch.cuda.is_available())'
} | tee "$LOG"
RUN="${RUN_DIR:-$ROOT/build/gpu-run}"
ARGS=(--data "carry:$CARRY" --preset "$PRESET" --device "$DEVICE" --out "$RUN" --steps "$STEPS"
      --batch-size "${BATCH:-8}" --lr "${LR:-1e-4}" --ld1-weight ab_t --lesion-fraction 0.3 --seed "${SEED:-0}"
      --ckpt-minutes 2 --log-every 20)
[ -n "${WINDOW:-}" ] && ARGS+=(--window-extension "$WINDOW")
[ -n "${INIT:-}" ] && ARGS+=(--init-from "$INIT")
[ "${RESUME:-0}" = 1 ] && ARGS+=(--resume)
# the budget ends training with SIGTERM: sdpm.train finishes the step, saves the checkpoint and exits 0
set +e
(cd "$ROOT/models/training" && timeout -s TERM -k 60 "$BUDGET_S" "$PY" -m sdpm.train "${ARGS[@]}") 2>&1 | tee -a "$LOG"
rc=${PIPESTATUS[0]}
set -e
[ -f "$RUN/checkpoints/latest.pt" ] || { echo "train-gpu.sh: no checkpoint written (exit $rc)" | tee -a "$LOG" >&2; exit 1; }
(cd "$ROOT/models/training" && "$PY" - "$RUN/checkpoints/latest.pt" "$OUT/weights.pt") <<'PY' | tee -a "$LOG"
import sys, torch
from sdpm.checkpoint import load_checkpoint
sd = load_checkpoint(sys.argv[1])
torch.save({k: v for k, v in sd.items() if k != "opt"}, sys.argv[2])
print(f"weights.pt: step {sd['step']}, preset {sd['preset']} (network + EMA, no optimizer state)")
PY
for f in log.jsonl config.json; do [ -f "$RUN/$f" ] && cp "$RUN/$f" "$OUT/"; done
echo "train-gpu.sh: exit $rc ($( [ "$rc" = 124 ] && echo 'stopped by the budget' || echo 'finished')); $OUT/weights.pt, full checkpoint $RUN/checkpoints/latest.pt" | tee -a "$LOG"
