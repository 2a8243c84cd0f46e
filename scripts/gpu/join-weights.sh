#!/usr/bin/env bash
# Join the weights a device call returned in parts (train-gpu.sh: weights.pt.part-NN, each under the 16 MiB a returned
# file may have) and check them against weights.pt.sha256.
#   scripts/gpu/join-weights.sh DIR [OUT.pt]      (OUT.pt defaults to DIR/weights.pt; DIR may be read-only: give OUT.pt)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DIR [OUT.pt]" >&2; exit 2; }
dir="$1"; out="${2:-$1/weights.pt}"
parts=("$dir"/weights.pt.part-*)
[ -e "${parts[0]}" ] || { echo "$dir: no weights.pt.part-* (not a train-gpu.sh output folder?)" >&2; exit 2; }
[ -f "$dir/weights.pt.sha256" ] || { echo "$dir/weights.pt.sha256: missing; cannot check the joined weights" >&2; exit 2; }
cat "${parts[@]}" > "$out.tmp$$"
want=$(cut -d' ' -f1 "$dir/weights.pt.sha256"); got=$(sha256sum "$out.tmp$$" | cut -d' ' -f1)
if [ "$want" != "$got" ]; then
  rm -f "$out.tmp$$"
  echo "$dir: the ${#parts[@]} part(s) join to sha256 $got, not $want (a part missing or damaged)" >&2
  exit 1
fi
mv "$out.tmp$$" "$out"
echo "$out: ${#parts[@]} part(s) joined, sha256 $got"
