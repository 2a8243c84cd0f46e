"""NIfTI dataset layouts.

* nnU-Net (v1/v2): ``imagesTr/<case>_0000.nii.gz`` + ``labelsTr/<case>.nii.gz`` (any case names; the
  ``_0000`` channel suffix is required for images, only channel 0 is used), optional ``ignoreTr/<case>.nii.gz``
  written by the synthetic generator. ``.nii`` works as well as ``.nii.gz``.
* CT-ICH (PhysioNet) style: ``ct_scans/<case>.nii`` + ``masks/<case>.nii``.

Labels: every nonzero value is lesion unless ``label_values`` picks some (e.g. only the hemorrhage classes of
a multi-class dataset). Images are read in HU (NIfTI scl_slope/scl_inter applied by nibabel).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import nibabel as nib
import numpy as np

from .case import CaseRef, CaseVolume
from .ge_head import nifti_to_display

_NII = re.compile(r"^(?P<case>.+?)(?P<chan>_\d{4})?\.nii(\.gz)?$")


def _strip(name: str) -> tuple[str, str | None] | None:
    m = _NII.match(name)
    if not m:
        return None
    return m.group("case"), m.group("chan")


def _index(folder: Path, with_channel: bool) -> dict[str, Path]:
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for p in sorted(folder.iterdir()):
        s = _strip(p.name)
        if s is None or p.name.startswith("."):
            continue
        case, chan = s
        if with_channel:
            if chan is None:
                continue
            if chan != "_0000":
                continue
        elif chan is not None and not (folder / p.name).exists():
            continue
        out[case if (with_channel or chan is None) else case + chan] = p
    return out


def find_nifti_cases(root: Path) -> list[CaseRef]:
    """Cases of an nnU-Net or CT-ICH style folder (empty list when neither layout is present)."""
    root = Path(root)
    if (root / "imagesTr").is_dir():
        images = _index(root / "imagesTr", with_channel=True)
        labels = _index(root / "labelsTr", with_channel=False)
        ignores = _index(root / "ignoreTr", with_channel=False)
        missing = sorted(set(images) - set(labels))
        if missing:
            raise FileNotFoundError(f"{root / 'labelsTr'}: no label for case(s) {missing[:5]}"
                                    f"{' ...' if len(missing) > 5 else ''} (expected labelsTr/<case>.nii.gz)")
        return [CaseRef(c, "nifti", images[c], labels[c], ignores.get(c)) for c in sorted(images)]
    if (root / "ct_scans").is_dir() and (root / "masks").is_dir():
        images = _index(root / "ct_scans", with_channel=False)
        labels = _index(root / "masks", with_channel=False)
        missing = sorted(set(images) - set(labels))
        if missing:
            raise FileNotFoundError(f"{root / 'masks'}: no mask for case(s) {missing[:5]}")
        return [CaseRef(c, "nifti", images[c], labels[c]) for c in sorted(images)]
    return []


def _check_same_grid(a: nib.Nifti1Image, b: nib.Nifti1Image, pa: Path, pb: Path) -> None:
    if a.shape[:3] != b.shape[:3]:
        raise ValueError(f"{pb}: shape {b.shape[:3]} differs from the image {pa} {a.shape[:3]}")
    if not np.allclose(a.affine, b.affine, atol=1e-3 * max(1.0, float(np.abs(a.affine).max()))):
        raise ValueError(f"{pb}: affine differs from the image {pa}")


def read_nifti_case(ref: CaseRef, label_values: Sequence[int] | None = None) -> CaseVolume:
    img = nib.load(str(ref.image))
    if len(img.shape) == 4 and img.shape[3] == 1:
        img = img.slicer[..., 0]
    if len(img.shape) != 3:
        raise ValueError(f"{ref.image}: expected a 3-D image, got shape {img.shape}")
    hu, spacing = nifti_to_display(img)
    label = np.zeros(hu.shape, dtype=bool)
    if ref.label is not None:
        lab_img = nib.load(str(ref.label))
        if len(lab_img.shape) == 4 and lab_img.shape[3] == 1:
            lab_img = lab_img.slicer[..., 0]
        _check_same_grid(img, lab_img, ref.image, ref.label)
        lab, _ = nifti_to_display(lab_img)
        lab = np.rint(lab).astype(np.int32)
        label = np.isin(lab, list(label_values)) if label_values else lab > 0
    ignore = np.zeros(hu.shape, dtype=bool)
    if ref.ignore is not None:
        ig_img = nib.load(str(ref.ignore))
        _check_same_grid(img, ig_img, ref.image, ref.ignore)
        ignore = nifti_to_display(ig_img)[0] > 0
    return CaseVolume(ref.name, hu.astype(np.float32), label, ignore, spacing,
                      {"image": str(ref.image), "label": str(ref.label), "ignore": str(ref.ignore)})
