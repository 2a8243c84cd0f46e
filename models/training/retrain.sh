#!/bin/sh
# Retrain the default SDPM bundle from scratch on synthetic data, evaluate it against the "SDPM w/o noise"
# baseline, and export it (npm run train).
#   models/training/retrain.sh [STEPS] [BASELINE_STEPS]   (defaults 50000 and 10000; resumable: run it again)
# Environment: PYTHON (default /usr/bin/python3), PRESET (compact-s), RUN (work/runs/compact-s-synth),
#              BUNDLE (../bundles/sdpm-synth-compact-s), THREADS (all cores), LR (5e-4).
# The recipe is the one the shipped bundle's second phase used (see its MODEL_CARD.md "Training"):
# Adam lr 5e-4 poly, L_d1 weighted by ab_t, lesion slices 30 % of draws, batch 4, generator sdpm-synth-1.2.
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
STEPS=${1:-50000}
BSTEPS=${2:-10000}
PRESET=${PRESET:-compact-s}
RUN=${RUN:-work/runs/compact-s-synth}
BRUN=${BRUN:-work/runs/baseline-compact-s-synth}
BUNDLE=${BUNDLE:-../bundles/sdpm-synth-compact-s}
THREADS=${THREADS:-0}
LR=${LR:-5e-4}
TRAIN=work/synth-train-v2
TEST=work/synth-test-v2
if [ ! -f "$TRAIN/READY" ]; then
  "$PY" -m sdpm.data.synthetic --out "$TRAIN" --n-cases 300 --seed 1 --prefix synth --jobs 2 --ready-file
fi
if [ ! -f "$TEST/READY" ]; then
  "$PY" -m sdpm.data.synthetic --out "$TEST" --n-cases 40 --seed 1001 --prefix test --jobs 2 --ready-file
fi
"$PY" -m sdpm.train --data "$TRAIN" --preset "$PRESET" --out "$RUN" --steps "$STEPS" --batch-size 4 --lr "$LR" \
  --ld1-weight ab_t --lesion-fraction 0.3 --threads "$THREADS" --resume
"$PY" -m sdpm.train --data "$TRAIN" --preset "$PRESET" --out "$BRUN" --steps "$BSTEPS" --batch-size 4 --lr "$LR" \
  --baseline --lesion-fraction 0.3 --threads "$THREADS" --resume
"$PY" -m sdpm.evaluate --checkpoint "$RUN/checkpoints/latest.pt" --baseline-checkpoint "$BRUN/checkpoints/latest.pt" \
  --data "$TEST" --sampling-cases 0 --threads "$THREADS" --out "$RUN/metrics.json"
"$PY" -m sdpm.bundle --checkpoint "$RUN/checkpoints/latest.pt" --out "$BUNDLE" --name "$(basename "$BUNDLE")" \
  --metrics "$RUN/metrics.json"
