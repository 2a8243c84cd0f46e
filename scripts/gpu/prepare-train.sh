#!/usr/bin/env bash
# Before a device call (issue 10 item 6), on this machine: the training slices a GPU run carries, rebuilt from seeds on
# a fresh machine (models/training/work/ is not kept between machines).
#   scripts/gpu/prepare-train.sh        -> build/gpu-train/train.npz, then scripts/gpu/train-gpu.sh on the device
# Data, generator v2, deterministic by seed: work/synth-train-v4 (320 cases, seed 4001: the bulk of bundle 0.3.0's
# training set), its infarct-only cases linked a second time (work/infarct-v4, as in work/train-mix-v8), mixed into
# work/train-gpu; sdpm.carry packs up to MAX_SLICES slices of it (half with lesion, seeded), as many as fit the room a
# device call leaves (64 MiB in all, the working tree included: about 30 MiB of it). train-mix-v8 also held 48 older
# cases (generator v1.2 set of 40, generator v2 set of 8) whose seeds were not recorded; they are not rebuilt.
# Environment: WINDOW (K,C[,V]: pack with that window; give train-gpu.sh the same WINDOW), MAX_SLICES (6000),
#   EXTRA ("SEED:N ..." more generator-v2 sets to mix in, e.g. "4002:320"), INIT=shipped (also write
#   build/gpu-train/init.pt: the shipped compact-s weights recovered from its ONNX, for PRESET=compact-s
#   INIT=build/gpu-train/init.pt; it takes 15.8 MiB of the call's room), PYTHON (/usr/bin/python3), JOBS (2).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
CARRY_DIR="$ROOT/build/gpu-train"  # not build/gpu-carry: pack-carry.sh (the CUDA check) empties that one
cd "$ROOT/models/training"
. tools/heldout-sets.sh  # generate_set (the training seeds are not held-out seeds)
WORKERS="${JOBS:-2}"
gen() { generate_set "work/$1" "$2" "$3" "$4"; }  # NAME SEED N PREFIX
t0=$(date +%s)
gen synth-train-v4 4001 320 trainv4
"$PY" -m sdpm.data.link_kind --data work/synth-train-v4 --kind infarct --out work/infarct-v4
rm -rf work/train-gpu
mix=(v4=work/synth-train-v4 inf=work/infarct-v4)
for spec in ${EXTRA:-}; do
  gen "synth-train-s${spec%%:*}" "${spec%%:*}" "${spec#*:}" "train${spec%%:*}"
  mix+=("s${spec%%:*}=work/synth-train-s${spec%%:*}")
done
echo "== work/train-gpu: $(tools/mix_datasets.sh work/train-gpu "${mix[@]}") cases"
mkdir -p "$CARRY_DIR"
rm -f "$CARRY_DIR/init.pt"
if [ "${INIT:-}" = shipped ]; then
  step=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["training"]["emaStep"])' ../bundles/sdpm-synth-compact-s/metadata.json)
  "$PY" -m sdpm.warm_start --onnx ../bundles/sdpm-synth-compact-s/sdpm_net.onnx --preset compact-s --step "$step" \
    --out "$CARRY_DIR/init.pt"
fi
. "$ROOT/scripts/gpu/carry-room.sh"  # one call carries 64 MiB IN ALL, the working tree included
tree=$(carry_tree_bytes)
init=$( [ -f "$CARRY_DIR/init.pt" ] && stat -c %s "$CARRY_DIR/init.pt" || echo 0)
room=$(carry_room_mib "$tree" "$init")
echo "== room for the training slices: $CARRY_LIMIT_MIB MiB - working tree $(carry_mib "$tree") MiB - init.pt $(carry_mib "$init") MiB - 1 MiB margin = $room MiB"
awk -v r="$room" 'BEGIN {exit !(r >= 4)}' || { echo "prepare-train.sh: only $room MiB left for the training slices" >&2; exit 1; }
"$PY" -m sdpm.carry --data work/train-gpu --out "$CARRY_DIR/train.npz" --max-slices "${MAX_SLICES:-6000}" \
  --max-mib "$room" --fit ${WINDOW:+--window-extension "$WINDOW"}
files=(build/gpu-train/train.npz)
[ -f "$CARRY_DIR/init.pt" ] && files+=(build/gpu-train/init.pt)
carried=$(cd "$ROOT" && du -cb "${files[@]}" | tail -1 | cut -f1)
echo "prepare-train.sh: carry ${files[*]} ($(carry_mib "$carried") MiB; with the working tree $(carry_mib $((carried + tree))) of $CARRY_LIMIT_MIB MiB)," \
  "$(( $(date +%s) - t0 )) s"
