"""SliceDataset: item contract, ignore weights, cache reuse, deterministic splits."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from data_fixtures import tiny_dataset
from sdpm.data.readers import find_cases, read_case
from sdpm.data.slice_dataset import SliceDataset, split_cases
from sdpm.preprocessing import PreprocessingConfig, preprocess_label, preprocess_slice


def test_items_follow_the_contract(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "d", n=3, seed=21)
    ds = SliceDataset(d, image_size=64, cache_dir=tmp_path / "cache", log=False)
    assert len(ds) > 0
    it = ds[0]
    for k in ("x0n", "y0n", "m", "w"):
        assert it[k].dtype == torch.float32 and tuple(it[k].shape) == (1, 64, 64)
    assert isinstance(it["case"], str) and isinstance(it["slice"], int)
    assert set(torch.unique(it["y0n"]).tolist()) <= {-1.0, 1.0}
    assert torch.equal(it["m"], (it["x0n"] > -1).float())
    # same numbers as the preprocessing module applied directly
    cfg = PreprocessingConfig(image_size=64)
    ref = next(r for r in find_cases(d) if r.name == it["case"])
    cv = read_case(ref)
    x0n, m = preprocess_slice(cv.hu[it["slice"]], cfg)
    assert np.allclose(it["x0n"][0].numpy(), x0n, atol=1e-3)
    assert np.array_equal(it["m"][0].numpy(), m)
    assert np.array_equal(it["y0n"][0].numpy(), preprocess_label(cv.label[it["slice"]], cfg))
    assert ds.has_lesion.any()


def test_ignore_mask_gives_zero_weight(tmp_path: Path) -> None:
    import nibabel as nib

    d = tiny_dataset(tmp_path / "d", n=1, seed=22)
    p = d / "ignoreTr" / "tiny_0000.nii.gz"
    img = nib.load(str(p))
    ign = np.zeros(img.shape, dtype=np.uint8)
    ign[:, :, 5] = 1  # one whole slice (z index 5) ignored
    nib.save(nib.Nifti1Image(ign, img.affine, img.header), str(p))
    ds = SliceDataset(d, image_size=32, cache_dir=tmp_path / "cache", log=False, min_mask_fraction=0.0)
    ws = {ds[i]["slice"]: ds[i]["w"] for i in range(len(ds))}
    assert float(ws[5].sum()) == 0.0
    assert float(ws[4].min()) == 1.0


def test_cache_is_reused_and_keyed_by_config(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "d", n=2, seed=23)
    a = SliceDataset(d, image_size=32, cache_dir=tmp_path / "cache", log=False)
    stamp = (a.cache_path / "x0n.npy").stat().st_mtime_ns
    b = SliceDataset(d, image_size=32, cache_dir=tmp_path / "cache", log=False)
    assert b.cache_path == a.cache_path and (b.cache_path / "x0n.npy").stat().st_mtime_ns == stamp
    c = SliceDataset(d, image_size=64, cache_dir=tmp_path / "cache", log=False)
    assert c.cache_path != a.cache_path


def test_split_is_deterministic_and_disjoint() -> None:
    cases = [f"c{i:03d}" for i in range(100)]
    s1 = split_cases(cases, seed=3)
    s2 = split_cases(list(reversed(cases)), seed=3)
    assert s1 == s2
    assert [len(s1[k]) for k in ("train", "val", "test")] == [80, 10, 10]
    assert not (set(s1["train"]) & set(s1["val"])) and not (set(s1["val"]) & set(s1["test"]))
    assert split_cases(cases, seed=4) != s1


def test_split_selects_cases(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "d", n=4, seed=24)
    full = SliceDataset(d, image_size=32, cache_dir=tmp_path / "cache", log=False)
    parts = [SliceDataset(d, image_size=32, cache_dir=tmp_path / "cache", log=False, split=s,
                          split_fractions=(0.5, 0.25, 0.25)) for s in ("train", "val", "test")]
    assert sum(len(p) for p in parts) == len(full)
    assert sorted(sum((p.cases for p in parts), [])) == full.cases


def test_dicom_seg_folder_through_the_dataset(tmp_path: Path) -> None:
    import os

    import pytest

    from data_fixtures import SHARED

    src = SHARED / "seg" / "dcmqi" / "data" / "segmentations"
    if not src.is_dir():
        pytest.skip("shared test data not present")
    case = tmp_path / "ds" / "liver01"
    case.mkdir(parents=True)
    for p in (src / "ct-3slice").iterdir():
        os.symlink(p, case / p.name)
    os.symlink(src / "liver.dcm", case / "seg.dcm")
    ds = SliceDataset(tmp_path / "ds", image_size=64, cache_dir=tmp_path / "cache", log=False, min_mask_fraction=0.0)
    assert len(ds) == 3 and ds.has_lesion.all()
    assert {ds[i]["case"] for i in range(3)} == {"liver01"}


def test_a_window_extension_gets_its_own_cache_and_values(tmp_path: Path) -> None:
    d = tiny_dataset(tmp_path / "d", n=1, seed=24)
    cfg = PreprocessingConfig(image_size=32, extension=(1.0, 160.0, 1.25))
    plain = SliceDataset(d, image_size=32, cache_dir=tmp_path / "cache", log=False)
    ext = SliceDataset(d, cfg=cfg, cache_dir=tmp_path / "cache", log=False)
    assert ext.cache_path != plain.cache_path
    it = ext[0]
    cv = read_case(next(r for r in find_cases(d) if r.name == it["case"]))
    x0n, m = preprocess_slice(cv.hu[it["slice"]], cfg)
    assert np.allclose(it["x0n"][0].numpy(), x0n, atol=1e-3)
    assert np.array_equal(it["m"][0].numpy(), m)
    assert not np.allclose(it["x0n"][0].numpy(), plain[0]["x0n"][0].numpy(), atol=1e-3)


def test_lesion_share_weights_give_the_asked_share_of_draws() -> None:
    from sdpm.data.slice_dataset import lesion_share_weights

    has = np.array([True, False, False, False])
    w = lesion_share_weights(has, 0.3)
    assert np.allclose(w, [0.3, 0.7 / 3, 0.7 / 3, 0.7 / 3]) and abs(w.sum() - 1) < 1e-12
    assert np.array_equal(lesion_share_weights(np.array([True, True]), 0.3), [1.0, 1.0])  # one kind only: uniform
