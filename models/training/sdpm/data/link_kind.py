"""Link the cases of a generated dataset whose lesions are all of one kind into another folder (nnU-Net layout), so
that kind can be drawn more often when the folder is mixed in again (``tools/mix_datasets.sh``).

Bundle 0.3.0 trained on work/train-mix-v8, where the 127 infarct-only cases of work/synth-train-v4 were linked a
second time; that step was done by hand. This is it, by the generator's cases.json (`sdpm.evaluate.case_lesion_kinds`):

    python3 -m sdpm.data.link_kind --data work/synth-train-v4 --kind infarct --out work/infarct-v4
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import List, Optional

from ..evaluate import case_lesion_kinds

KINDS = ("hemorrhage", "infarct", "mixed", "none")


def link_kind(data: Path, kind: str, out: Path) -> List[str]:
    """Symbolic links of image, label and (if present) ignore mask of every case of ``kind``; returns the case names.
    A dataset without cases.json, or a case listed there without its image, is an error naming the file."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    kinds = case_lesion_kinds(data)
    if not kinds:
        raise ValueError(f"{data / 'cases.json'}: missing (only generated datasets record their lesion kinds)")
    names = sorted(c for c, k in kinds.items() if k == kind)
    for sub in ("imagesTr", "labelsTr", "ignoreTr"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    src = data.resolve()
    for c in names:
        pairs = [(src / "imagesTr" / f"{c}_0000.nii.gz", out / "imagesTr" / f"{c}_0000.nii.gz"),
                 (src / "labelsTr" / f"{c}.nii.gz", out / "labelsTr" / f"{c}.nii.gz"),
                 (src / "ignoreTr" / f"{c}.nii.gz", out / "ignoreTr" / f"{c}.nii.gz")]
        for i, (s, d) in enumerate(pairs):
            if not s.exists():
                if i < 2:
                    raise ValueError(f"{s}: listed in cases.json but missing")
                continue
            if d.is_symlink() or d.exists():
                d.unlink()
            os.symlink(s, d)
    return names


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--kind", required=True, choices=KINDS)
    ap.add_argument("--out", required=True, type=Path)
    a = ap.parse_args(argv)
    try:
        names = link_kind(a.data, a.kind, a.out)
    except ValueError as e:
        ap.exit(2, f"{e}\n")
    print(f"{a.out}: {len(names)} {a.kind} case(s) of {a.data} linked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
