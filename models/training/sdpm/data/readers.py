"""Find and read the cases of a dataset folder in any supported layout.

Layouts (checked in this order):
1. nnU-Net: ``imagesTr/<case>_0000.nii.gz`` + ``labelsTr/<case>.nii.gz`` (+ optional ``ignoreTr/``).
2. CT-ICH style: ``ct_scans/<case>.nii[.gz]`` + ``masks/<case>.nii[.gz]``.
3. DICOM: one sub-folder per case holding a CT series and a DICOM SEG object (BINARY or FRACTIONAL,
   FRACTIONAL thresholded at 0.5) that references it; a case folder without a SEG is lesion-free.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .case import CaseRef, CaseVolume
from .nifti_reader import find_nifti_cases, read_nifti_case


def find_cases(root: str | Path) -> list[CaseRef]:
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {root}")
    refs = find_nifti_cases(root)
    if refs:
        return refs
    from .dicom_reader import find_dicom_cases

    refs = find_dicom_cases(root)
    if refs:
        return refs
    raise FileNotFoundError(
        f"{root}: no cases found (expected imagesTr/+labelsTr/ (nnU-Net), ct_scans/+masks/ (CT-ICH), "
        "or one folder per case with a DICOM CT series and a DICOM SEG)")


def read_case(ref: CaseRef, label_values: Sequence[int] | None = None) -> CaseVolume:
    if ref.kind == "nifti":
        return read_nifti_case(ref, label_values)
    if ref.kind == "dicom":
        from .dicom_reader import read_dicom_case

        return read_dicom_case(ref, label_values)
    raise ValueError(f"unknown case kind {ref.kind!r} for {ref.name}")
