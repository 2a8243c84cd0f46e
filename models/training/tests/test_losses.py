"""SDPM loss terms (SPEC §1.4, §3.2.4)."""
import pytest
import torch

from sdpm.diffusion import make_schedule
from sdpm.losses import LossConfig, ld1_weights, sdpm_loss, soft_dice_terms
from sdpm.presets import build_unet
from sdpm.toy import ToyDataset

S = make_schedule(500)


def batch(n=2):
    ds = ToyDataset(n, 64, seed=3)
    it = [ds[i] for i in range(n)]
    return [torch.stack([d[k] for d in it]) for k in ("x0n", "y0n", "m", "w")]


def test_each_term_finite_with_expected_sign() -> None:
    torch.manual_seed(0)
    x0n, y0n, m, w = batch()
    out = sdpm_loss(build_unet("tiny-test"), S, x0n, y0n, m, w, LossConfig(), t=torch.tensor([3, 300]))
    for k in ("L_d2", "L_p", "L_d1"):
        assert torch.isfinite(out[k]) and out[k] > 0, k
    assert -3 <= float(out["L_dice"]) < 0
    total = out["L_d2"] + out["L_p"] + out["L_d1"] + out["L_dice"]
    assert torch.allclose(out["loss"], total)


class Oracle(torch.nn.Module):
    """Returns the exact targets, given them up front: every MSE term is then 0."""

    def __init__(self, eps, y_t):
        super().__init__()
        self.eps, self.y_t = eps, y_t

    def forward(self, x, t):
        return self.eps, self.y_t


def test_terms_vanish_for_perfect_predictions_and_noise_is_shared() -> None:
    x0n, y0n, m, w = batch()
    t = torch.tensor([10, 200])
    noise = torch.randn_like(x0n)
    sab, s1m = S.sqrt_ab[t].view(-1, 1, 1, 1), S.sqrt_1mab[t].view(-1, 1, 1, 1)
    y_t = (sab * y0n + s1m * noise) * m  # the label is noised with the SAME noise as the image
    out = sdpm_loss(Oracle(noise * m, y_t), S, x0n, y0n, m, w, LossConfig(), t=t, noise=noise)
    assert float(out["L_d2"]) < 1e-12 and float(out["L_p"]) < 1e-12 and float(out["L_d1"]) < 1e-8


def test_p2_weight_applies_to_eps_only() -> None:
    x0n, y0n, m, w = batch(1)
    noise = torch.zeros_like(x0n)
    t = torch.tensor([249])
    wrong_eps = torch.ones_like(x0n)
    sab = S.sqrt_ab[t].view(-1, 1, 1, 1)
    out = sdpm_loss(Oracle(wrong_eps, sab * y0n * m), S, x0n, y0n, m, w, LossConfig(), t=t, noise=noise)
    assert float(out["L_d2"]) == pytest.approx(0.5, abs=1e-6)  # (1 - ab_249) * mean(1^2)


def test_loss_weight_zero_ignores_pixels() -> None:
    x0n, y0n, m, _ = batch(1)
    t = torch.tensor([5])
    noise = torch.randn_like(x0n)
    w0 = torch.zeros_like(x0n)
    out = sdpm_loss(build_unet("tiny-test"), S, x0n, y0n, m, w0, LossConfig(), t=t, noise=noise)
    assert float(out["L_d2"]) == 0 and float(out["L_p"]) == 0 and float(out["L_d1"]) == 0


def test_switches() -> None:
    torch.manual_seed(1)
    x0n, y0n, m, w = batch()
    net = build_unet("tiny-test")
    t = torch.tensor([400, 450])
    noise = torch.randn_like(x0n)
    base = sdpm_loss(net, S, x0n, y0n, m, w, LossConfig(), t=t, noise=noise)
    win = sdpm_loss(net, S, x0n, y0n, m, w, LossConfig(Lp_window=100), t=t, noise=noise)
    assert float(win["L_p"]) == 0 and float(base["L_p"]) > 0
    abw = sdpm_loss(net, S, x0n, y0n, m, w, LossConfig(Ld1_weight="ab_t"), t=t, noise=noise)
    assert float(abw["L_d1"]) < float(base["L_d1"])
    d1 = sdpm_loss(net, S, x0n, y0n, m, w, LossConfig(dice="dice_only"), t=t, noise=noise)
    assert -1 <= float(d1["L_dice"]) < 0
    assert ld1_weights(S, "paper").mean() == pytest.approx(1.0, rel=1e-5)


def test_dice_perfect_prediction_is_minus_three() -> None:
    y = torch.zeros(2, 1, 4, 4)
    y[:, :, 1:3, 1:3] = 1
    assert float(soft_dice_terms(y, y, torch.ones_like(y), "dice_sens_prec", 1e-8)) == pytest.approx(-3, abs=1e-6)
    assert float(soft_dice_terms(y, torch.zeros_like(y), torch.ones_like(y), "dice_sens_prec", 1e-8)) == 0
