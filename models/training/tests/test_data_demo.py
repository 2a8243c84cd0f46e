"""The committed demo study (models/demo/ge-head-ich) parses and its truth is self-consistent."""
from __future__ import annotations

import json
from pathlib import Path

import nibabel as nib
import numpy as np
import pydicom
import pytest

from sdpm.data.dicom_reader import load_ct_series

DEMO = Path(__file__).resolve().parents[2] / "demo" / "ge-head-ich"


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((DEMO / "truth.json").read_text())


def test_dicom_files_parse_with_the_demo_identity(truth: dict) -> None:
    files = sorted((DEMO / "dicom").glob("*.dcm"))
    assert len(files) == 28
    uids = set()
    for f in files:
        ds = pydicom.dcmread(str(f))
        assert ds.PatientName == "SDPM^Demo" and ds.PatientID == "SDPM-DEMO-001"
        assert ds.SeriesDescription == "Demo: GE head NCCT with synthetic hemorrhage"
        assert (ds.Rows, ds.Columns) == (256, 256) and float(ds.PixelSpacing[0]) == pytest.approx(0.9765624)
        assert float(ds.GantryDetectorTilt) == pytest.approx(18.5)
        assert ds.SeriesInstanceUID == truth["series"]["seriesInstanceUid"]
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.pixel_array.shape == (256, 256)
        uids.add(ds.SOPInstanceUID)
    assert len(uids) == 28
    assert sum((DEMO / "dicom" / f.name).stat().st_size for f in files) < 4_000_000


def test_truth_volume_equals_mask_count_times_voxel_volume(truth: dict) -> None:
    img = nib.load(str(DEMO / "truth" / "mask.nii.gz"))
    m = np.asanyarray(img.dataobj)
    assert m.shape == (256, 256, 28) and set(np.unique(m)) == {0, 1}
    assert int(m.sum()) == truth["lesionVoxels"]
    assert truth["trueVolumeMl"] == pytest.approx(int(m.sum()) * truth["voxelVolumeMl"], rel=1e-12)
    # voxel volume of the run holding the lesion = |det| of the mask's affine
    assert truth["voxelVolumeMl"] == pytest.approx(abs(np.linalg.det(img.affine[:3, :3])) / 1000, rel=1e-5)
    assert 10 <= truth["trueVolumeMl"] <= 25
    lo, hi = truth["mask"]["affineExactForSlices"]
    lesion_k = np.flatnonzero(m.any(axis=(0, 1)))
    assert lesion_k.tolist() == truth["lesionSliceIndices"] and lo <= lesion_k.min() and lesion_k.max() <= hi


def test_mask_affine_matches_the_dicom_geometry(truth: dict) -> None:
    img = nib.load(str(DEMO / "truth" / "mask.nii.gz"))
    lo, hi = truth["mask"]["affineExactForSlices"]
    iop = np.array(truth["series"]["imageOrientationPatient"])
    dr, dc = truth["series"]["pixelSpacingMm"]
    for k in range(lo, hi + 1):
        ipp = np.array(truth["slices"][k]["imagePositionPatient"])
        for i, j in [(0, 0), (255, 0), (17, 200)]:
            lps = ipp + i * dc * iop[:3] + j * dr * iop[3:]
            ras = nib.affines.apply_affine(img.affine, [i, j, k])
            assert np.allclose(ras, lps * [-1, -1, 1], atol=1e-3)


def test_lesion_is_hyperdense_in_the_pixels(truth: dict) -> None:
    hu, _, _, _ = load_ct_series(DEMO / "dicom")
    m = np.transpose(np.asanyarray(nib.load(str(DEMO / "truth" / "mask.nii.gz")).dataobj), (2, 1, 0)) > 0
    assert 50 <= hu[m].mean() <= 90
    assert hu[m].mean() == pytest.approx(truth["meanHuInMask"], abs=0.5)
