#!/bin/sh
# Link the cases of several nnU-Net-layout datasets into one folder (names prefixed by the source tag), so
# SliceDataset trains on their union. Only complete cases (image present) are linked; rerun to add new ones.
#   tools/mix_datasets.sh OUT TAG1=DIR1 [TAG2=DIR2 ...]
set -eu
out=$1; shift
mkdir -p "$out/imagesTr" "$out/labelsTr" "$out/ignoreTr"
for spec in "$@"; do
  tag=${spec%%=*}; dir=$(cd "${spec#*=}" && pwd)
  for img in "$dir"/imagesTr/*_0000.nii.gz; do
    [ -e "$img" ] || continue
    case_name=$(basename "$img" _0000.nii.gz)
    ln -sf "$img" "$out/imagesTr/${tag}_${case_name}_0000.nii.gz"
    ln -sf "$dir/labelsTr/$case_name.nii.gz" "$out/labelsTr/${tag}_${case_name}.nii.gz"
    [ -e "$dir/ignoreTr/$case_name.nii.gz" ] && ln -sf "$dir/ignoreTr/$case_name.nii.gz" "$out/ignoreTr/${tag}_${case_name}.nii.gz"
  done
done
ls "$out/imagesTr" | wc -l
