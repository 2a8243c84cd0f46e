"""Hand-computed cases for sdpm.preprocessing (BUNDLE-FORMAT.md § preprocessing.json)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from sdpm.preprocessing import (
    PreprocessingConfig,
    extension_of,
    mask_to_native,
    pad_to_square,
    preprocess_label,
    preprocess_slice,
    preprocess_weight,
    probability_to_native,
    read_preprocessing_json,
    resize_bilinear,
    resize_square,
    window_normalise,
    window_value,
    write_preprocessing_json,
)


def test_pad_puts_the_odd_pixel_after() -> None:
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    got = pad_to_square(a, -9.0)
    assert got.tolist() == [[1, 2, 3], [4, 5, 6], [-9, -9, -9]]
    b = np.ones((1, 4))
    assert pad_to_square(b, 0.0)[:, 0].tolist() == [0, 1, 0, 0]


def test_area_average_when_integer_factor() -> None:
    a = np.arange(16, dtype=np.float64).reshape(4, 4)
    # blocks: [0,1,4,5] -> 2.5, [2,3,6,7] -> 4.5, [8,9,12,13] -> 10.5, [10,11,14,15] -> 12.5
    assert resize_square(a, 2).tolist() == [[2.5, 4.5], [10.5, 12.5]]


def test_bilinear_half_pixel_by_hand() -> None:
    # 3 -> 2: source positions (o + 0.5) * 1.5 - 0.5 = 0.25 and 1.75
    a = np.array([[0.0, 4.0, 8.0]] * 3)
    got = resize_square(a, 2)  # 3 is not a multiple of 2 -> bilinear
    assert np.allclose(got, [[1.0, 7.0], [1.0, 7.0]])
    # 2 -> 4 (upsampling): positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (right neighbour clamped)
    b = np.array([[0.0, 4.0], [0.0, 4.0]])
    assert np.allclose(resize_bilinear(b, 4)[0], [0.0, 1.0, 3.0, 4.0])


@pytest.mark.parametrize("n_in,n_out", [(611, 128), (300, 128), (7, 3), (5, 12), (128, 611)])
def test_bilinear_matches_torch(n_in: int, n_out: int) -> None:
    rng = np.random.default_rng(n_in * 1000 + n_out)
    a = rng.normal(size=(n_in, n_in))
    ref = torch.nn.functional.interpolate(
        torch.from_numpy(a)[None, None], size=(n_out, n_out), mode="bilinear", align_corners=False
    )[0, 0].numpy()
    assert np.allclose(resize_bilinear(a, n_out), ref, atol=1e-12)


def test_window_and_mask() -> None:
    cfg = PreprocessingConfig(image_size=1)
    vals = [-10.0, 0.0, 40.0, 80.0, 100.0, 20.0]
    got = [preprocess_slice(np.array([[v]]), cfg) for v in vals]
    assert [float(x[0][0, 0]) for x in got] == [-1.0, -1.0, 0.0, 1.0, 1.0, -0.5]
    assert [float(x[1][0, 0]) for x in got] == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0]


def test_slice_pipeline_pads_then_averages() -> None:
    cfg = PreprocessingConfig(image_size=2, pad_hu=-1024)
    hu = np.full((2, 4), 40.0)  # rows 2, cols 4 -> padded with one row before and after
    x0n, m = preprocess_slice(hu, cfg)
    # each 2x2 block holds one padded row (-1024) and one 40 HU row -> mean -492 HU -> x0n -1, m 0
    assert x0n.tolist() == [[-1.0, -1.0], [-1.0, -1.0]]
    assert m.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    hu2 = np.full((4, 4), 40.0)
    hu2[0, 0] = 120.0  # block mean (120 + 3*40)/4 = 60 HU -> x = 0.75 -> x0n 0.5
    x0n2, m2 = preprocess_slice(hu2, cfg)
    assert x0n2.tolist() == [[0.5, 0.0], [0.0, 0.0]]
    assert x0n2.dtype == np.float32 and m2.dtype == np.float32


def test_label_threshold_at_half() -> None:
    cfg = PreprocessingConfig(image_size=2)
    lab = np.zeros((4, 4), dtype=np.uint8)
    lab[0, 0] = 1  # 1/4 of the block -> background
    lab[2:4, 2] = 1  # 2/4 of the block -> lesion (>= 0.5)
    assert preprocess_label(lab, cfg).tolist() == [[-1.0, -1.0], [-1.0, 1.0]]


def test_weight_zero_where_any_ignored() -> None:
    cfg = PreprocessingConfig(image_size=2)
    ign = np.zeros((4, 4), dtype=np.uint8)
    ign[0, 3] = 1
    assert preprocess_weight(ign, cfg).tolist() == [[1.0, 0.0], [1.0, 1.0]]


def test_inverse_upsamples_then_crops() -> None:
    cfg = PreprocessingConfig(image_size=2, threshold=0.5)
    p = np.array([[0.0, 1.0], [0.0, 1.0]])
    # native 3 rows x 4 cols -> side 4, rows padded (0 before, 1 after); columns 0,1,3/4... = 0, .25, .75, 1
    got = probability_to_native(p, (3, 4))
    assert got.shape == (3, 4)
    assert np.allclose(got, [[0.0, 0.25, 0.75, 1.0]] * 3)
    assert mask_to_native(p, (3, 4), cfg).tolist() == [[False, False, True, True]] * 3


def test_round_trip_of_a_block_lesion() -> None:
    cfg = PreprocessingConfig(image_size=64)
    lab = np.zeros((200, 256), dtype=np.uint8)
    lab[80:120, 100:160] = 1
    y0n = preprocess_label(lab, cfg)
    back = mask_to_native((y0n + 1) / 2, lab.shape, cfg)
    inter = np.logical_and(back, lab > 0).sum()
    dice = 2 * inter / (back.sum() + lab.sum())
    assert dice > 0.95


def test_preprocessing_json_round_trip(tmp_path: Path) -> None:
    cfg = PreprocessingConfig(image_size=256)
    p = tmp_path / "preprocessing.json"
    write_preprocessing_json(p, cfg)
    obj = json.loads(p.read_text())
    assert obj["formatVersion"] == 1 and obj["imageSize"] == 256
    assert obj["huWindow"] == {"lowerHu": 0.0, "upperHu": 80.0}
    assert obj["inPlane"]["method"] == "pad-square-then-area-or-bilinear" and obj["inPlane"]["padHu"] == -1024
    assert obj["mask"] == {"rule": "x0n > -1"} and obj["thresholdRule"] == "p > threshold"
    assert obj["labelEncoding"] == {"background": -1, "lesion": 1}
    assert read_preprocessing_json(p) == cfg


def test_window_extension_by_hand() -> None:
    """huWindow.extension {0.85, 160}: 0.85 at 80 HU, linear to 1 at 160 HU; a 125 HU calcification and an 80 HU clot
    differ (the plain window gives both 1)."""
    plain = PreprocessingConfig(image_size=8)
    ext = PreprocessingConfig(image_size=8, extension=(0.85, 160.0, 1.0))
    hu = np.array([-10.0, 0.0, 40.0, 80.0, 100.0, 125.0, 160.0, 1000.0])
    assert window_value(hu, plain).tolist() == [0.0, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    got = window_value(hu, ext)
    assert got.tolist() == pytest.approx([0.0, 0.0, 0.425, 0.85, 0.8875, 0.934375, 1.0, 1.0], abs=1e-12)
    x0n, m = window_normalise(hu.reshape(2, 4), ext)
    assert m.ravel().tolist() == [0, 0, 1, 1, 1, 1, 1, 1]  # the mask rule is unchanged (x0n > -1 <=> hu > lowerHu)
    assert np.allclose(x0n.ravel(), 2 * got - 1, atol=1e-7)
    # above 1 (upperValue 1, ceilingValue 1.25): every input up to 80 HU as the plain window, x0n up to 1.5 above it
    over = PreprocessingConfig(image_size=8, extension=(1.0, 160.0, 1.25))
    got = window_value(hu, over)
    assert got.tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0625, 1.140625, 1.25, 1.25], abs=1e-12)
    assert np.array_equal(got[hu <= 80], window_value(hu, plain)[hu <= 80])
    assert float(window_normalise(hu.reshape(2, 4), over)[0].max()) == 1.5


def test_window_extension_json_round_trip_and_checks(tmp_path: Path) -> None:
    cfg = PreprocessingConfig(image_size=64, extension=(1.0, 160.0, 1.25))
    p = tmp_path / "preprocessing.json"
    write_preprocessing_json(p, cfg)
    obj = json.loads(p.read_text())
    assert obj["huWindow"] == {"lowerHu": 0.0, "upperHu": 80.0,
                               "extension": {"upperValue": 1.0, "ceilingHu": 160.0, "ceilingValue": 1.25}}
    assert read_preprocessing_json(p) == cfg
    assert cfg.cache_key() != PreprocessingConfig(image_size=64).cache_key()  # a new window never reuses a slice cache
    ext = dict(obj["huWindow"]["extension"])
    del ext["ceilingValue"]  # absent = 1 (the window of a first version of this block)
    ext["upperValue"] = 0.85
    assert PreprocessingConfig.from_json({**obj, "huWindow": {**obj["huWindow"], "extension": ext}}).extension == (0.85, 160.0, 1.0)
    with pytest.raises(ValueError, match="upperValue must be in"):
        PreprocessingConfig(extension=(0.0, 160.0, 1.0))
    with pytest.raises(ValueError, match="ceilingValue must be at least 1 and above upperValue"):
        PreprocessingConfig(extension=(1.0, 160.0, 1.0))
    with pytest.raises(ValueError, match="ceilingHu must be above upperHu"):
        PreprocessingConfig(extension=(0.85, 80.0, 1.0))
    assert extension_of([0.85, 160]) == (0.85, 160.0, 1.0) and extension_of(None) is None
    with pytest.raises(ValueError, match="expected K,C or K,C,V"):
        extension_of([0.85])
