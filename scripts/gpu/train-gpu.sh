#!/usr/bin/env bash
# Issue 10 item 6: one device call (under 10 minutes) that trains a larger preset with CUDA on the carried training
# slices and writes the weights and the training log to $OUT (what comes back). The device has PyTorch 2.x and numpy but no
# nibabel/pydicom and reaches nothing, so the slices are generated and packed here first, sized to what one call
# carries (64 MiB in all, the working tree included):
#   bash scripts/gpu/prepare-train.sh          # -> build/gpu-train/train.npz (INIT=shipped: also init.pt)
# then, with the device tool:  run(command="bash scripts/gpu/train-gpu.sh", carry=["build/gpu-train/train.npz"], timeout_s=600)
# and here: scripts/gpu/candidate.sh <files_at> OUT RULE.json (the returned folder; the rule written before the call).
# The full checkpoint (with the optimizer state, ~60 MiB for compact-m) stays in build/gpu-run/ on the device, which
# keeps ignored files while it is warm: a second call there continues it with RESUME=1. $OUT gets weights.pt (network +
# EMA, no optimizer: what sdpm.bundle exports and --init-from warm-starts from) as weights.pt.part-NN with
# weights.pt.sha256 (scripts/gpu/join-weights.sh joins them), log.jsonl, config.json, train-gpu.log.
# Settings (environment): PRESET (compact-m), DEVICE (cuda), BUDGET_S (training wall seconds, 480), STEPS (planned steps,
# the poly-LR horizon; the budget usually stops first), BATCH (8), LR (1e-4), SEED (0), LESION_FRACTION (share of
# draws that are lesion slices, 0.3 as 0.3.1's last phase), WINDOW (K,C[,V]: must be the
# window the file was packed with), INIT (checkpoint to warm start from, e.g. build/gpu-train/init.pt: 0.3.1's compact-s
# weights, widened to PRESET by sdpm.widen when PRESET is wider; ignored with RESUME=1), CARRY (build/gpu-train/
# train.npz), RUN_DIR (build/gpu-run), RESUME (1: continue RUN_DIR),
# PYTHON (python3); relative paths are from the repository root. Without a GPU, DEVICE=cpu runs the same path (the
# project's test does, with a tiny preset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${OUT:?OUT must name the folder that comes back (the device machine sets it)}"
fromroot() { case "$1" in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }  # the trainer runs in models/training
CARRY="$(fromroot "${CARRY:-build/gpu-train/train.npz}")"
[ -n "${INIT:-}" ] && INIT="$(fromroot "$INIT")"
[ -n "${RUN_DIR:-}" ] && RUN_DIR="$(fromroot "$RUN_DIR")"
PRESET="${PRESET:-compact-m}"
DEVICE="${DEVICE:-cuda}"
BUDGET_S="${BUDGET_S:-480}"
STEPS="${STEPS:-20000}"
LESION_FRACTION="${LESION_FRACTION:-0.3}"
PY="${PYTHON:-python3}"
[ -z "${INIT:-}" ] || [ -f "$INIT" ] || { echo "train-gpu.sh: no warm-start checkpoint at $INIT (INIT)" >&2; exit 2; }
[ -f "$CARRY" ] || { echo "train-gpu.sh: no training slices at $CARRY (pack them with sdpm.carry and carry the file)" >&2; exit 2; }
mkdir -p "$OUT"
LOG="$OUT/train-gpu.log"
{
  echo "train-gpu.sh $(date -u +%FT%TZ): preset $PRESET, device $DEVICE, budget ${BUDGET_S}s, data $CARRY," \
       "lesion fraction $LESION_FRACTION"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no nvidia-smi"
  "$PY" -c 'import torch; print("torch", torch.__version__, "cuda available", torch.cuda.is_available())'
} | tee "$LOG"
RUN="${RUN_DIR:-$ROOT/build/gpu-run}"
ARGS=(--data "carry:$CARRY" --preset "$PRESET" --device "$DEVICE" --out "$RUN" --steps "$STEPS"
      --batch-size "${BATCH:-8}" --lr "${LR:-1e-4}" --ld1-weight ab_t --lesion-fraction "$LESION_FRACTION"
      --seed "${SEED:-0}"
      --ckpt-minutes 2 --log-every 20)
[ -n "${WINDOW:-}" ] && ARGS+=(--window-extension "$WINDOW")
if [ -n "${INIT:-}" ] && [ "${RESUME:-0}" != 1 ]; then
  # a narrower warm start (prepare-train.sh INIT=shipped: 0.3.1's compact-s) is widened to PRESET first, keeping what
  # it computes (sdpm.widen), so the wider network continues 0.3.1 instead of starting from random weights
  TRAINING="$ROOT/models/training"
  from=$(cd "$TRAINING" && "$PY" -c \
    'import sys; from sdpm.checkpoint import load_checkpoint; print(load_checkpoint(sys.argv[1])["preset"])' "$INIT")
  if [ "$from" != "$PRESET" ]; then
    WIDE="$(dirname "$RUN")/init-$PRESET.pt"
    if ! (cd "$TRAINING" && "$PY" -m sdpm.widen --checkpoint "$INIT" --preset "$PRESET" --out "$WIDE") 2>&1 | tee -a "$LOG"
    then
      echo "train-gpu.sh: could not widen $INIT ($from) to $PRESET" | tee -a "$LOG" >&2; exit 1
    fi
    INIT="$WIDE"
  fi
  ARGS+=(--init-from "$INIT")
fi
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
# A file comes back from $OUT only under 16 MiB (8 files, 64 MiB in all); compact-m's network + EMA are 30.6 MiB. So
# weights.pt travels as 15 MiB parts with its sha256; scripts/gpu/join-weights.sh joins and checks them here.
(cd "$OUT" && sha256sum weights.pt > weights.pt.sha256 && rm -f weights.pt.part-* && split -b 15M -d -a 2 weights.pt weights.pt.part- \
  && rm weights.pt && echo "weights.pt: $(ls weights.pt.part-* | wc -l) part(s) of at most 15 MiB + weights.pt.sha256") | tee -a "$LOG"
for f in log.jsonl config.json; do [ -f "$RUN/$f" ] && cp "$RUN/$f" "$OUT/"; done
echo "train-gpu.sh: exit $rc ($( [ "$rc" = 124 ] && echo 'stopped by the budget' || echo 'finished')); $OUT/weights.pt.part-*, full checkpoint $RUN/checkpoints/latest.pt" | tee -a "$LOG"
