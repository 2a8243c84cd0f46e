"""Issue 10 item 1: crop batches, t sampling, the bmm LinearAttention and the ONNX warm start."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from sdpm.net.unet2 import LinearAttention, mark_folded
from sdpm.preprocessing import PreprocessingConfig, window_value
from sdpm.train import BRIGHT_HU, TrainConfig, bright_x0n, crop_batch, crop_centres, preprocessing_of, sample_t, uses_crops
from sdpm.warm_start import unet_from_onnx

TINY = Path(__file__).resolve().parents[2] / "bundles" / "sdpm-tiny-test"


def _slices(B: int = 2, S: int = 128) -> tuple:
    x = -torch.ones(B, 1, S, S)
    x[:, :, 20:108, 20:108] = 0.0
    y = -torch.ones(B, 1, S, S)
    y[0, 0, 100:104, 30:34] = 1.0  # a lesion near the edge in slice 0 only
    x[1, 0, 25:27, 90:92] = 1.0  # a bright spot (hard negative) in slice 1
    m = (x > -1).float()
    return x, y, m, torch.ones(B, 1, S, S)


def test_crop_batch_shapes_and_lesion_kept() -> None:
    cfg = TrainConfig(crop_size=64, crops_per_image=3, hard_negative_fraction=1.0)
    x, y, m, w = _slices()
    cx, cy, cm, cw = crop_batch(x, y, m, w, cfg, torch.Generator().manual_seed(0))
    assert cx.shape == (6, 1, 64, 64) and cy.shape == cm.shape == cw.shape == cx.shape
    assert all(bool((cy[i] > 0).any()) for i in range(3)), "every crop of a lesion slice holds lesion"
    assert all(bool((cx[i] > 0.9).any()) for i in range(3, 6)), "hard-negative crops hold the bright spot"


def test_hard_negatives_are_the_same_hu_under_an_extended_window() -> None:
    """Crop centres are 'bright' above BRIGHT_HU in either window: 0.9 in x0n for the plain 0-80 HU window (as
    before), the x0n of 76 HU under the extension, so a 100 HU spot (x0n 0.775 there) is still a hard negative."""
    plain, ext = TrainConfig(), TrainConfig(window_extension=[0.85, 160.0])
    assert bright_x0n(preprocessing_of(plain)) == 0.9
    assert preprocessing_of(ext) == PreprocessingConfig(image_size=preprocessing_of(ext).image_size, extension=(0.85, 160.0, 1.0))
    assert abs(bright_x0n(preprocessing_of(ext)) - (2 * 0.85 * BRIGHT_HU / 80 - 1)) < 1e-12
    cfg = TrainConfig(crop_size=64, crops_per_image=3, hard_negative_fraction=1.0, window_extension=[0.85, 160.0])
    x, y, m, w = _slices()
    spot = float(2 * window_value(100.0, preprocessing_of(cfg)) - 1)
    x[x > 0.9] = spot
    x[x == 0.0] = float(2 * window_value(30.0, preprocessing_of(cfg)) - 1)
    cx = crop_batch(x, y, m, w, cfg, torch.Generator().manual_seed(0))[0]
    assert all(bool((cx[i] == spot).any()) for i in range(3, 6)), "hard-negative crops hold the 100 HU spot"
    spot_px = {(25, 90), (25, 91), (26, 90), (26, 91)}
    at = lambda above: crop_centres(y[1], x[1], m[1], 8, 1.0, torch.Generator().manual_seed(0), 1.0, above)  # noqa: E731
    assert set(at(bright_x0n(preprocessing_of(cfg)))) <= spot_px
    assert not set(at(0.9)) & spot_px, "with the plain threshold 0.9 the spot is not a hard negative (the test can fail)"


def test_lesion_centre_fraction_lowers_the_lesion_share_of_crops() -> None:
    x, y, m, w = _slices()
    share = {}
    for f in (1.0, 0.25):
        cfg = TrainConfig(crop_size=64, crops_per_image=64, hard_negative_fraction=0.0, lesion_centre_fraction=f)
        cx, cy, cm, cw = crop_batch(x, y, m, w, cfg, torch.Generator().manual_seed(1))
        share[f] = float(torch.stack([(cy[i] > 0).any() for i in range(64)]).float().mean())
    assert share[1.0] == 1.0, "default: every crop of a lesion slice holds lesion (session-5 behaviour)"
    assert share[0.25] < 0.6, share


def test_crop_batch_deterministic_by_generator() -> None:
    cfg = TrainConfig(crop_size=64, crops_per_image=2)
    a = crop_batch(*_slices(), cfg, torch.Generator().manual_seed(5))
    b = crop_batch(*_slices(), cfg, torch.Generator().manual_seed(5))
    assert all(torch.equal(p, q) for p, q in zip(a, b))


def test_full_every_alternates() -> None:
    cfg = TrainConfig(crop_size=64, full_every=4)
    assert [uses_crops(cfg, i) for i in range(5)] == [False, True, True, True, False]
    assert not uses_crops(TrainConfig(), 1)


def test_t_power_favours_small_t() -> None:
    g = torch.Generator().manual_seed(0)
    uni = sample_t(TrainConfig(), 20000, 500, g)
    low = sample_t(TrainConfig(t_power=2.0), 20000, 500, g)
    assert int(uni.min()) >= 0 and int(uni.max()) <= 499 and int(low.min()) >= 0 and int(low.max()) <= 499
    assert abs(float((uni < 125).float().mean()) - 0.25) < 0.02
    assert abs(float((low < 125).float().mean()) - 0.5) < 0.02  # P(T u^2 < T/4) = 1/2


def test_linear_attention_bmm_equals_einsum() -> None:
    torch.manual_seed(0)
    att = LinearAttention(16, heads=4, dim_head=8)
    x = torch.randn(3, 16, 8, 8)
    fast = att(x)
    LinearAttention.einsum_reference = True
    try:
        ref = att(x)
    finally:
        LinearAttention.einsum_reference = False
    assert torch.allclose(fast, ref, atol=1e-6)


def test_warm_start_recovers_the_exported_network() -> None:
    """Tiny bundle: the recovered net, with weight standardisation folded as at export, reproduces the
    bundle's golden network outputs."""
    unet = mark_folded(unet_from_onnx(TINY / "sdpm_net.onnx", "tiny-test").eval())
    g = TINY / "golden"
    x = torch.from_numpy(np.fromfile(g / "network__x_t.f32", dtype="<f4").copy())
    t = torch.from_numpy(np.fromfile(g / "network__t.i64", dtype="<i8").copy())
    eps = np.fromfile(g / "network__eps_hat.f32", dtype="<f4")
    S = int(round((x.numel() / t.numel()) ** 0.5))
    with torch.no_grad():
        e, _ = unet(x.reshape(-1, 1, S, S), t)
    assert np.abs(e.numpy().ravel() - eps).max() < 1e-4
