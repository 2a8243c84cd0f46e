#!/usr/bin/env bash
# After a device call (issue 10 item 6): the returned weights as a candidate bundle, judged by the release check.
#   scripts/gpu/candidate.sh WEIGHTS OUT RULE.json
# WEIGHTS: the folder a train-gpu.sh call came back in (its weights.pt.part-* are joined and checked into OUT/weights.pt
# by join-weights.sh), or a checkpoint file (a training run's latest.pt, or a joined weights.pt).
# 1. sdpm.bundle exports the weights to OUT/bundle with the shipped
#    bundle's postprocessing.json, calibration.json and detection.json copied in, so the engine runs it at the shipped
#    settings (the copied calibration and detection describe the SHIPPED weights: a candidate that passes is
#    recalibrated and re-measured on the test sets before it ships; no golden vectors until then);
# 2. models/training/tools/release-check.sh on OUT/bundle with RULE.json, which must be written BEFORE this runs
#    (a rule file newer than the results gives the verdict NOT VALID).
# Exit status: release-check's (0 PASS, 1 FAIL, 3 NOT VALID, 2 bad input).
# Environment: PYTHON (/usr/bin/python3), SHIPPED (models/bundles/sdpm-synth-compact-s), NAME (sdpm-candidate).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 WEIGHTS OUT RULE.json (write the rule before running this)" >&2; exit 2; }
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
W="$(abs "$1")"; OUT="$(abs "$2")"; RULE="$(abs "$3")"
PY="${PYTHON:-/usr/bin/python3}"
SHIPPED="$(abs "${SHIPPED:-$ROOT/models/bundles/sdpm-synth-compact-s}")"
[ -f "$RULE" ] || { echo "$RULE: no such rule file (write the shipping rule before the run)" >&2; exit 2; }
mkdir -p "$OUT"
if [ -d "$W" ]; then
  "$ROOT/scripts/gpu/join-weights.sh" "$W" "$OUT/weights.pt" || exit 2
  W="$OUT/weights.pt"
fi
[ -f "$W" ] || { echo "$W: no such weights file" >&2; exit 2; }
if [ ! -f "$OUT/bundle/SHA256SUMS" ]; then
  (cd "$ROOT/models/training" && "$PY" -m sdpm.bundle --checkpoint "$W" --out "$OUT/bundle" --name "${NAME:-sdpm-candidate}" \
    --no-golden --postprocessing "$SHIPPED/postprocessing.json" --calibration "$SHIPPED/calibration.json" \
    --detection "$SHIPPED/detection.json" --summary "Candidate from $(basename "$W"), not shipped: judged by the release check.") \
    > "$OUT/bundle.log" 2>&1 || { echo "export of $W failed (log $OUT/bundle.log)" >&2; tail -5 "$OUT/bundle.log" >&2; exit 2; }
  grep WARNING "$OUT/bundle.log" || true
fi
LABEL="${LABEL:-$(basename "$OUT")}" exec "$ROOT/models/training/tools/release-check.sh" "$OUT/bundle" "$OUT/check" "$RULE"
