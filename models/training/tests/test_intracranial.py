"""sdpm.intracranial: the intracranial gate (engine post-processing, not SDPM) on synthetic skulls."""
from __future__ import annotations

import json

import numpy as np
import pytest

from sdpm.bundle import preprocessing_json
from sdpm.intracranial import (
    DEFAULT_GATE,
    IntracranialGateConfig,
    convex_hull_mask,
    fill_holes,
    intracranial_gate,
    largest_component,
)
from sdpm.preprocessing import PreprocessingConfig, preprocess_slice, resize_slice_hu, window_normalise

S = 64


def radius() -> np.ndarray:
    yy, xx = np.mgrid[0:S, 0:S]
    return np.hypot(yy - 31.5, xx - 31.5)


def head(gap_deg: float = 0.0) -> np.ndarray:
    """Air, scalp (r 24..28, 40 HU), skull (r 20..24, 1000 HU, optional wedge gap on the right), brain (35 HU)."""
    r = radius()
    hu = np.full((S, S), -1000.0)
    hu[r < 28] = 40.0
    hu[r < 24] = 1000.0
    hu[r < 20] = 35.0
    if gap_deg > 0:
        yy, xx = np.mgrid[0:S, 0:S]
        ang = np.degrees(np.arctan2(yy - 31.5, xx - 31.5))
        hu[(np.abs(ang) < gap_deg / 2) & (r >= 20) & (r < 24)] = 40.0
    return hu


def test_closed_ring_keeps_the_brain_and_drops_the_scalp() -> None:
    hu = head()
    g = intracranial_gate(hu)
    r = radius()
    assert g.rule == "enclosed"
    assert g.gate[r < 20].all()  # every brain pixel
    assert not g.gate[(r >= 24.5) & (r < 28)].any()  # no scalp pixel
    assert not g.gate[r >= 28].any()  # no air
    bone = hu > 150
    # grown by one pixel into the bone (inner table), never further
    assert g.gate[bone].any()
    assert not (g.gate & ~fill_holes(bone)).any()
    assert g.interior_px == int((r < 20).sum())


def test_wide_opening_falls_back_to_no_gating() -> None:
    g = intracranial_gate(head(gap_deg=60))
    assert g.rule == "no-cavity"
    assert g.gate.all()


def test_brain_beside_the_enclosed_cavity_is_gated_by_the_skull_hull() -> None:
    # a septum splits the cranium; the right half's wall has a 2-pixel gap: only the left half is enclosed and
    # the right half (brain, inside the skull's convex hull) would be cut by the cavity alone
    hu = head()
    r = radius()
    hu[:, 31:33][r[:, 31:33] < 22] = 1000.0
    hu[31:33, 51:56] = 40.0
    g = intracranial_gate(hu)
    assert g.rule == "skull-hull"
    assert g.pocket_px > 0
    assert g.gate[r < 20].all()  # both halves of the brain
    assert not g.gate[r >= 24.5].any()  # no scalp (beyond the skull's outer surface)
    nohull = intracranial_gate(hu, IntracranialGateConfig(hull_fallback=False))
    assert nohull.rule == "tissue-outside-ring" and nohull.gate.all()
    # without the pocket test the left half alone would be gated: the right half cut
    g0 = intracranial_gate(hu, IntracranialGateConfig(max_pocket_fraction=10.0))
    assert g0.rule == "enclosed"
    assert not g0.gate[31, 45] and g0.gate[31, 18]


def test_a_separate_head_holder_does_not_change_the_gate() -> None:
    hu = head()
    plain = intracranial_gate(hu)
    hu[2:62, 1] = 900.0  # a thin bone-density arc (head holder) left of the head, its own component
    hu[2:62, 62] = 900.0
    g = intracranial_gate(hu)
    assert g.rule == "enclosed" and np.array_equal(g.gate, plain.gate)


def test_convex_hull_and_largest_component() -> None:
    m = np.zeros((8, 8), bool)
    m[1, 1] = m[1, 5] = m[5, 1] = True  # a right triangle of pixel centres
    h = convex_hull_mask(m)
    assert h[1, 1:6].all() and h[1:6, 1].all() and h[3, 3] and not h[4, 4] and h.sum() == 15
    assert np.array_equal(convex_hull_mask(np.eye(8, dtype=bool)), np.eye(8, dtype=bool))  # collinear
    two = np.zeros((6, 6), bool)
    two[0, 0:2] = True
    two[4:6, 4:6] = True
    assert largest_component(two).sum() == 4 and largest_component(two)[5, 5]


def test_diagonal_steps_close_the_ring() -> None:
    # a ring drawn with 8-connected (diagonal) steps only: the background cannot pass between diagonal bone
    hu = np.full((S, S), 30.0)
    for i in range(10):
        for y, x in ((20 - i, 20 + i), (20 + i, 20 + i), (20 - i, 38 - i), (20 + i, 38 - i)):
            hu[y, x] = 800.0
    g = intracranial_gate(hu, IntracranialGateConfig(min_interior_fraction=0.1))
    assert g.rule == "enclosed"
    assert g.gate[20, 29] and not g.gate[0, 0]


def test_no_bone_means_no_gating() -> None:
    g = intracranial_gate(np.full((S, S), 30.0))
    assert g.rule == "no-cavity" and g.gate.all()


def test_threshold_is_strict_and_configurable() -> None:
    hu = head()
    hu[hu == 1000.0] = 150.0  # exactly boneHu: not bone
    assert intracranial_gate(hu).rule == "no-cavity"
    assert intracranial_gate(hu, IntracranialGateConfig(bone_hu=149.0)).rule == "enclosed"


def test_resize_slice_hu_does_not_change_preprocessing() -> None:
    rng = np.random.default_rng(0)
    sl = rng.uniform(-1100, 1500, size=(75, 90))
    cfg = PreprocessingConfig(image_size=32)
    x0n, m = preprocess_slice(sl, cfg)
    hu_s = resize_slice_hu(sl, cfg)
    x2, m2 = window_normalise(hu_s, cfg)
    assert hu_s.shape == (32, 32) and hu_s.dtype == np.float64
    assert np.array_equal(x0n, x2) and np.array_equal(m, m2)


def test_json_round_trip_and_bundle_block() -> None:
    obj = json.loads(json.dumps(preprocessing_json(64)))
    assert obj["intracranialGate"]["enabled"] is True
    assert IntracranialGateConfig.from_json(obj["intracranialGate"]) == DEFAULT_GATE
    assert IntracranialGateConfig.from_json(None) is None
    assert IntracranialGateConfig.from_json({"enabled": False}) is None
    assert "intracranialGate" not in preprocessing_json(64, intracranial_gate=False)
    # the preprocessing config (and so the training cache key) is untouched by the gate
    assert "intracranialGate" not in PreprocessingConfig(image_size=64).to_json()
    with pytest.raises(ValueError):
        IntracranialGateConfig.from_json({"enabled": True, "fallback": "convex-hull"})


def test_predict_volume_gates_every_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    import sdpm.evaluate as ev

    def everywhere(tn, eps, sched, x0n, m, scfg, modes, noise):  # type: ignore[no-untyped-def]
        return {f"mask_{mode}": torch.ones_like(m) for mode in modes}

    monkeypatch.setattr(ev, "sample_slice", everywhere)
    monkeypatch.setattr(ev.NoiseSource, "seeded", staticmethod(lambda seed: None))
    vol = np.stack([head(), head(gap_deg=60)])  # native 64x64 -> model grid 32x32 (area 2x2)
    pcfg = PreprocessingConfig(image_size=32)
    tn = type("T", (), {"eps": None})()
    gated = ev.predict_volume(tn, None, vol, pcfg, {}, ("yAvg", "ySal"), 0)
    plain = ev.predict_volume(tn, None, vol, pcfg, {}, ("yAvg", "ySal"), 0, intracranial_gate=None)
    r = radius()
    for mode in ("yAvg", "ySal"):
        assert plain[mode][0].all()
        assert gated[mode][0][r < 19].all() and not gated[mode][0][r >= 25].any()
        assert gated[mode][1].all()  # open ring: not gated


def test_parity_golden_is_up_to_date() -> None:
    """test/fixtures/intracranial-gate/ (read by the TypeScript parity test) equals what the module writes now.
    Regenerate with `cd models/training && python3 -m sdpm.intracranial_golden` after a deliberate change."""
    import gzip

    from sdpm.intracranial_golden import GOLDEN_DIR, golden

    manifest, hu, gate = golden()
    assert json.loads((GOLDEN_DIR / "manifest.json").read_text()) == manifest
    got_hu = np.frombuffer(gzip.decompress((GOLDEN_DIR / "hu_x4.i16.gz").read_bytes()), dtype="<i2")
    got_gate = np.frombuffer(gzip.decompress((GOLDEN_DIR / "gate.u8.gz").read_bytes()), dtype=np.uint8)
    assert np.array_equal(got_hu, hu.ravel()) and np.array_equal(got_gate, gate.ravel())
    rules = {s["rule"] for s in manifest["slices"]}
    assert rules == {"enclosed", "no-cavity", "skull-hull"}  # every rule of the default settings is exercised
    # and the stored input reproduces the stored gates
    for i, s in enumerate(manifest["slices"]):
        g = intracranial_gate(got_hu.reshape(hu.shape)[i].astype(np.float64) / manifest["huScale"])
        assert g.rule == s["rule"] and np.array_equal(g.gate.astype(np.uint8), gate[i])


def test_demo_true_lesion_lies_inside_the_gate() -> None:
    """Real GE head with the synthetic putaminal haemorrhage (models/demo/ge-head-ich): a gate that cuts true
    lesion is a bug. Every truth voxel's model pixel (256 -> 128: index // 2) must be inside its slice's gate."""
    from pathlib import Path

    import nibabel as nib

    from sdpm.data.dicom_reader import load_ct_series
    from sdpm.data.ge_head import nifti_to_display
    from sdpm.intracranial_golden import DEMO_DICOM

    hu, _, _, _ = load_ct_series(DEMO_DICOM)
    truth, _ = nifti_to_display(nib.load(str(Path(DEMO_DICOM).parent / "truth" / "mask.nii.gz")))
    assert truth.shape == hu.shape and abs(float(hu[truth > 0].mean()) - 60.3) < 1  # same orientation
    cfg = PreprocessingConfig(image_size=128)
    inside = total = 0
    for k in np.flatnonzero(truth.reshape(truth.shape[0], -1).any(axis=1)):
        g = intracranial_gate(resize_slice_hu(hu[k], cfg))
        assert g.rule == "enclosed"  # the lesion slices are gated by the cavity (the strictest rule)
        rr, cc = np.nonzero(truth[k])
        inside += int(g.gate[rr // 2, cc // 2].sum())
        total += len(rr)
    assert total == 2722 and inside == total


def test_ge_head_brain_is_inside_the_gate() -> None:
    """Lesion-free real GE head: on every gated slice, every parenchyma pixel (sdpm.data.ge_head masks) is
    inside the gate (cavity and skull-hull rules), and the gate removes in-window extracranial tissue."""
    from sdpm.data.ge_head import GE_TILT_NIFTI, load_ge_head
    from sdpm.preprocessing import pad_to_square, resize_square

    if not GE_TILT_NIFTI.is_file():
        pytest.skip(f"{GE_TILT_NIFTI} not available")
    ge = load_ge_head()
    cfg = PreprocessingConfig(image_size=128)
    gated = removed_tissue = 0
    for k in range(ge.hu.shape[0]):
        h = resize_slice_hu(ge.hu[k], cfg)
        g = intracranial_gate(h)
        if g.rule == "no-cavity":
            continue
        gated += 1
        par = resize_square(pad_to_square(ge.parenchyma[k].astype(np.float64), 0.0), 128) >= 0.5
        assert not (par & ~g.gate).any(), f"slice {k}: parenchyma outside the gate"
        removed_tissue += int(((window_normalise(h, cfg)[1] > 0) & ~g.gate).sum())
    assert gated >= 45 and removed_tissue > 10_000
