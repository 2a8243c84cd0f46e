#!/bin/sh
# Retrain the default SDPM bundle from scratch on synthetic data, then export it.
#   models/training/retrain.sh [STEPS]      (default 50000; resumable: run it again to continue)
# Environment: PYTHON (default /usr/bin/python3), PRESET (compact-s), RUN (work/runs/compact-s-synth-v1),
#              BUNDLE (../bundles/sdpm-synth-compact-s), THREADS (all cores).
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
STEPS=${1:-50000}
PRESET=${PRESET:-compact-s}
RUN=${RUN:-work/runs/compact-s-synth-v1}
BUNDLE=${BUNDLE:-../bundles/sdpm-synth-compact-s}
THREADS=${THREADS:-0}
if [ ! -f work/synth-train/READY ]; then
  "$PY" -m sdpm.data.synthetic --out work/synth-train --n-cases 300 --seed 1 --prefix synth --jobs 2 --ready-file
fi
if [ ! -f work/synth-test/READY ]; then
  "$PY" -m sdpm.data.synthetic --out work/synth-test --n-cases 40 --seed 1001 --prefix test --jobs 2 --ready-file
fi
"$PY" -m sdpm.train --data work/synth-train --preset "$PRESET" --out "$RUN" --steps "$STEPS" --batch-size 4 \
  --lesion-fraction 0.5 --threads "$THREADS" --resume
"$PY" -m sdpm.evaluate --checkpoint "$RUN/checkpoints/latest.pt" --data work/synth-test --out "$RUN/metrics.json"
"$PY" -m sdpm.bundle --checkpoint "$RUN/checkpoints/latest.pt" --out "$BUNDLE" --name "$(basename "$BUNDLE")" \
  --metrics "$RUN/metrics.json"
