"""Synthetic generator: determinism, volumes, HU ranges, volume distribution."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest

from data_fixtures import TINY, tiny_dataset
from sdpm.data.ge_head import nifti_to_display
from sdpm.data.lesions import insert_hemorrhage, insert_infarct, sample_volume_ml
from sdpm.data.procedural_head import procedural_head
from sdpm.data.synthetic import make_case


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    a = tiny_dataset(tmp_path / "a", n=3, seed=11)
    b = tiny_dataset(tmp_path / "b", n=3, seed=11)
    files = sorted(p.relative_to(a) for p in a.rglob("*.nii.gz"))
    assert len(files) == 9
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    ca = json.loads((a / "cases.json").read_text())["cases"]
    cb = json.loads((b / "cases.json").read_text())["cases"]
    for x, y in zip(ca, cb):
        x.pop("seconds"), y.pop("seconds")
        assert x == y


def test_different_seed_differs() -> None:
    _, hu1, _, _ = make_case(1, 0, TINY)
    _, hu2, _, _ = make_case(2, 0, TINY)
    assert hu1.shape != hu2.shape or not np.array_equal(hu1, hu2)


def test_reported_volumes_equal_mask_volumes(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "d", n=4, seed=3)
    cases = json.loads((d / "cases.json").read_text())["cases"]
    assert json.loads((d / "dataset.json").read_text())["numTraining"] == 4
    for c in cases:
        img = nib.load(str(d / "labelsTr" / f"{c['case']}.nii.gz"))
        lab = np.asanyarray(img.dataobj)
        assert lab.dtype == np.uint8 and set(np.unique(lab)) <= {0, 1}
        vox_ml = abs(np.linalg.det(img.affine[:3, :3])) / 1000
        assert c["voxelVolumeMl"] == pytest.approx(vox_ml, rel=1e-6)
        assert c["trueVolumeMl"] == pytest.approx(int(lab.sum()) * vox_ml, rel=1e-9)
        assert c["lesionVoxels"] == int(lab.sum())
        im = nib.load(str(d / "imagesTr" / f"{c['case']}_0000.nii.gz"))
        assert im.get_data_dtype() == np.int16 and np.allclose(im.affine, img.affine)
        if c["lesions"]:
            assert all(0.1 <= les["target_volume_ml"] <= 100 for les in c["lesions"])


def test_nifti_round_trip_keeps_display_orientation(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "r", n=1, seed=4)
    _, hu, label, _ = make_case(4, 0, TINY)
    back, spacing = nifti_to_display(nib.load(str(d / "imagesTr" / "tiny_0000_0000.nii.gz")))
    assert np.array_equal(back, np.rint(hu).astype(np.int16))
    lab, _ = nifti_to_display(nib.load(str(d / "labelsTr" / "tiny_0000.nii.gz")))
    assert np.array_equal(lab > 0, label)


@pytest.fixture(scope="module")
def head() -> object:
    return procedural_head(np.random.default_rng(0), matrix=128)


def test_hemorrhage_is_hyperdense(head: object) -> None:
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        hu = head.hu.copy()  # type: ignore[attr-defined]
        lab = np.zeros(hu.shape, dtype=bool)
        rec = insert_hemorrhage(head, hu, lab, rng, 8.0, "intraparenchymal")  # type: ignore[arg-type]
        assert rec is not None and lab.any()
        assert 50 <= hu[lab].mean() <= 90
        assert rec.mean_hu == pytest.approx(float(hu[lab].mean()), abs=1e-3)


def test_infarct_is_below_parenchyma(head: object) -> None:
    for seed, vol in [(1, 20.0), (2, 1.0), (3, 40.0)]:
        rng = np.random.default_rng(200 + seed)
        hu = head.hu.copy()  # type: ignore[attr-defined]
        lab = np.zeros(hu.shape, dtype=bool)
        rec = insert_infarct(head, hu, lab, rng, vol)  # type: ignore[arg-type]
        assert rec is not None and lab.any()
        before = head.hu[lab].mean()  # type: ignore[attr-defined]
        assert hu[lab].mean() < before - 3.0
        assert hu[lab].mean() < np.median(head.hu[head.parenchyma])  # type: ignore[attr-defined]


def test_volume_distribution_median_near_6_ml() -> None:
    rng = np.random.default_rng(0)
    v = np.array([sample_volume_ml(rng) for _ in range(20000)])
    assert v.min() >= 0.1 and v.max() <= 100
    assert 5.6 < np.median(v) < 6.4


@pytest.mark.skipif(not Path(__file__).resolve().parents[3].parent.joinpath("shared", "data").is_dir(),
                    reason="shared test data not present")
def test_ge_old_infarcts_are_ignored_and_avoided() -> None:
    from sdpm.data.ge_head import load_ge_head

    bg = load_ge_head()
    ign_ml = bg.ignore.sum() * bg.voxel_volume_ml
    assert 50 < ign_ml < 250
    # the large old infarct is left posterior (rows run to posterior, columns to patient left): that quadrant
    # holds the most ignored volume
    _, y, x = np.nonzero(bg.intracranial)
    cy, cx = y.mean(), x.mean()
    _, y, x = np.nonzero(bg.ignore)
    quadrants = [((y < cy) & (x < cx)).sum(), ((y < cy) & (x >= cx)).sum(), ((y >= cy) & (x < cx)).sum(),
                 ((y >= cy) & (x >= cx)).sum()]
    assert int(np.argmax(quadrants)) == 3
    assert not (bg.ignore & bg.ventricles).any() and not (bg.ignore & bg.parenchyma).any()
    # a 20-slice block keeps the test fast
    zs = slice(18, 38)
    part = dataclasses.replace(bg, hu=bg.hu[zs], intracranial=bg.intracranial[zs], parenchyma=bg.parenchyma[zs],
                               ventricles=bg.ventricles[zs], ignore=bg.ignore[zs])
    hu, lab = part.hu.copy(), np.zeros(part.hu.shape, dtype=bool)
    rec = insert_infarct(part, hu, lab, np.random.default_rng(1), 15.0)
    assert rec is not None and lab.any() and not (lab & part.ignore).any()
    assert hu[lab].mean() < part.hu[lab].mean() - 3
