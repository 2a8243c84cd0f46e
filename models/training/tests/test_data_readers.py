"""Readers: nnU-Net and CT-ICH NIfTI layouts, DICOM CT + SEG (dcmqi and highdicom samples)."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest

from data_fixtures import SHARED, TINY, tiny_dataset
from sdpm.data.case import CaseRef
from sdpm.data.dicom_reader import load_ct_series, read_seg_mask
from sdpm.data.readers import find_cases, read_case
from sdpm.data.synthetic import make_case

SEG = SHARED / "seg"
needs_shared = pytest.mark.skipif(not SEG.is_dir(), reason="shared test data not present")


def _nrrd(path: Path) -> np.ndarray:
    """Minimal reader for dcmqi's gzip NRRD label maps (short, LPS, axis-aligned)."""
    b = path.read_bytes()
    i = b.index(b"\n\n")
    hdr = b[:i].decode()
    sizes = [int(x) for x in next(ln for ln in hdr.splitlines() if ln.startswith("sizes:")).split()[1:]]
    return np.frombuffer(gzip.decompress(b[i + 2:]), "<i2").reshape(sizes[::-1])


def test_nnunet_layout_reads_the_generated_arrays(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "nn", n=2, seed=8)
    refs = find_cases(d)
    assert [r.name for r in refs] == ["tiny_0000", "tiny_0001"]
    assert all(r.ignore is not None for r in refs)
    cv = read_case(refs[1])
    bg, hu, label, _ = make_case(8, 1, TINY)
    assert np.array_equal(cv.hu, np.rint(hu).astype(np.float32))
    assert np.array_equal(cv.label, label)
    assert np.allclose(cv.spacing_zyx_mm, bg.spacing_zyx_mm, rtol=1e-6)


def test_ct_ich_layout_and_label_values(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "nn", n=1, seed=9)
    ct = tmp_path / "ctich"
    (ct / "ct_scans").mkdir(parents=True)
    (ct / "masks").mkdir()
    os.symlink(d / "imagesTr" / "tiny_0000_0000.nii.gz", ct / "ct_scans" / "049.nii.gz")
    os.symlink(d / "labelsTr" / "tiny_0000.nii.gz", ct / "masks" / "049.nii.gz")
    refs = find_cases(ct)
    assert [r.name for r in refs] == ["049"]
    cv = read_case(refs[0])
    assert cv.hu.shape == cv.label.shape and not cv.ignore.any()
    assert not read_case(refs[0], label_values=[2]).label.any()


def test_missing_label_names_the_case(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "nn", n=2, seed=10)
    (d / "labelsTr" / "tiny_0001.nii.gz").unlink()
    with pytest.raises(FileNotFoundError, match="tiny_0001"):
        find_cases(d)


def test_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no cases found"):
        find_cases(tmp_path)


@needs_shared
@pytest.mark.parametrize("image,seg,nrrd", [
    ("dcmqi/data/segmentations/24x38x3/image", "dcmqi/data/segmentations/24x38x3/seg/label.seg",
     "dcmqi/data/segmentations/24x38x3/nrrd/label.nrrd"),
    ("dcmqi/data/segmentations/ct-3slice", "dcmqi/data/segmentations/liver.dcm",
     "dcmqi/data/segmentations/liver_seg.nrrd"),
])
def test_dcmqi_seg_matches_its_nrrd(image: str, seg: str, nrrd: str) -> None:
    hu, spacing, dss, geom = load_ct_series(SEG / image)
    mask = read_seg_mask(SEG / seg, dss, geom)
    ref = _nrrd(SEG / nrrd) > 0
    assert mask.shape == ref.shape == hu.shape
    assert mask.sum() > 0 and np.array_equal(mask, ref)
    assert np.all(np.diff(geom["positions"]) > 0)


@needs_shared
def test_highdicom_binary_and_fractional_agree() -> None:
    hu, _, dss, geom = load_ct_series(SEG / "highdicom" / "pydicom_CT2_source")
    b = read_seg_mask(SEG / "highdicom" / "seg_image_ct_binary.dcm", dss, geom)
    f = read_seg_mask(SEG / "highdicom" / "seg_image_ct_binary_fractional.dcm", dss, geom)
    assert b.sum() > 0 and np.array_equal(b, f)
    with pytest.raises(ValueError, match="frame size"):
        read_seg_mask(SEG / "highdicom" / "seg_image_ct_binary_single_frame.dcm", dss, geom)


@needs_shared
def test_dicom_case_folder_layout(tmp_path: Path) -> None:
    case = tmp_path / "ds" / "case01"
    case.mkdir(parents=True)
    for p in (SEG / "dcmqi/data/segmentations/24x38x3/image").iterdir():
        os.symlink(p, case / p.name)
    os.symlink(SEG / "dcmqi/data/segmentations/24x38x3/seg/label.seg", case / "seg.dcm")
    refs = find_cases(tmp_path / "ds")
    assert refs == [CaseRef("case01", "dicom", case, case / "seg.dcm")]
    cv = read_case(refs[0])
    assert cv.hu.shape == (3, 38, 24) and cv.label.sum() == 315
    assert np.allclose(cv.spacing_zyx_mm, [2.5, 0.7, 0.7])


def test_demo_study_as_a_dicom_case_folder() -> None:
    demo = Path(__file__).resolve().parents[2] / "demo"
    refs = find_cases(demo)
    assert [r.name for r in refs] == ["ge-head-ich"] and refs[0].label is None
    cv = read_case(refs[0])
    assert cv.hu.shape == (28, 256, 256) and not cv.label.any()
    assert np.allclose(cv.spacing_zyx_mm[1:], [0.9765624, 0.9765624])
