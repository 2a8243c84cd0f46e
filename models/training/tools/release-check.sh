#!/usr/bin/env bash
# The release check of a candidate bundle (issue 10), from committed code only: the product engine at the bundle's
# shipped settings (mode avg, its default profile, intracranial gate and plausibility rules) on
#   - the calibration split: generator v2, seeds 3001 and 3002, 32 cases each (work/synth-calib-v3, synth-calib2-v3;
#     generated here when missing, deterministic by seed),
#   - the real GE head with no lesion inserted (../shared/data/dicom/ge-head-ncct),
#   - the demo study (models/demo/ge-head-ich, truth 18.17 mL),
# then `sdpm.release_check` prints the selection-table row and, with a rule, its verdict line by line.
#   models/training/tools/release-check.sh BUNDLE OUT [RULE.json]
# Write RULE.json BEFORE running this (the check refuses a rule file newer than the results: verdict NOT VALID).
# Idempotent: `sdpm batch` skips studies already in OUT, so a stopped check continues where it stopped.
# Environment: PYTHON (/usr/bin/python3), WORKERS (2), THREADS (1 per worker), LABEL (the bundle folder's name),
#              SHARED (the ../shared folder beside the repository), WORK (models/training/work).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BUNDLE OUT [RULE.json]" >&2; exit 2; }
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
BUNDLE="$(abs "$1")"; OUT="$(abs "$2")"; RULE="${3:+$(abs "$3")}"
PY="${PYTHON:-/usr/bin/python3}"
SHARED="${SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
WORK="${WORK:-$ROOT/models/training/work}"
LABEL="${LABEL:-$(basename "$BUNDLE")}"
GE="$SHARED/data/dicom/ge-head-ncct"
[ -f "$BUNDLE/metadata.json" ] || { echo "$BUNDLE: not a model bundle (no metadata.json)" >&2; exit 2; }
[ -d "$GE" ] || { echo "$GE: the lesion-free GE head is missing (../shared beside the repository?)" >&2; exit 2; }
[ -z "$RULE" ] || [ -f "$RULE" ] || { echo "$RULE: no such rule file" >&2; exit 2; }
mkdir -p "$OUT" "$WORK"
SDPM=(node "$ROOT/electron/cli/bin/sdpm.mjs")
cd "$ROOT/models/training"
. "$ROOT/models/training/tools/heldout-sets.sh"
RUN=("${ENGINE_RUN[@]}" --bundle "$BUNDLE")
evals=()
for name in synth-calib-v3 synth-calib2-v3; do
  heldout_engine "$name" "$OUT" "$BUNDLE"
  evals+=("$OUT/$name.json")
done
echo "== engine on the lesion-free GE head"
printf 'id,path\nge-head-ncct,%s\n' "$GE" > "$OUT/lesion-free.csv"
"${SDPM[@]}" batch "$OUT/lesion-free.csv" --out "$OUT/lesion-free" "${RUN[@]}" > "$OUT/lesion-free.log" 2>&1 \
  || { echo "sdpm batch failed on $GE (log $OUT/lesion-free.log)" >&2; tail -5 "$OUT/lesion-free.log" >&2; exit 1; }
"$PY" -m sdpm.evaluate_engine --batch "$OUT/lesion-free" --lesion-free > "$OUT/lesion-free.txt"
echo "== demo"
[ -f "$OUT/demo/report.json" ] || "${SDPM[@]}" demo --out "$OUT/demo" "${RUN[@]}" > "$OUT/demo.log" 2>&1 \
  || { echo "sdpm demo failed (log $OUT/demo.log)" >&2; tail -5 "$OUT/demo.log" >&2; exit 1; }
set +e
"$PY" -m sdpm.release_check --calib "${evals[@]}" --lesion-free "$OUT/lesion-free" --demo "$OUT/demo/report.json" \
  --demo-truth "$ROOT/models/demo/ge-head-ich/truth.json" --label "$LABEL" ${RULE:+--rule "$RULE"} --out "$OUT/release-check.json" \
  | tee "$OUT/release-check.txt"
exit "${PIPESTATUS[0]}"
