"""SDPM training loss (SPEC §1.4, §3.2.4), code-faithful by default.

L = mean_b[(1-ab_t) mse_px(eps_hat, eps*m)]            L_d2 (P2 weight, eps loss only)
  + mse(y_t_hat, y_t)                                   L_p (all t unless Lp_window)
  + mse(y0_hat, y0n*m)                                  L_d1 (unweighted unless Ld1_weight)
  - (Dice + Sens + Prec)(sigmoid(y0_hat), (y0n*m+1)/2)  soft, pooled over the batch, smooth 1e-8
with ONE noise draw shared by image and label, and the intensity mask m applied to x_t, y_t and the targets.

Every per-pixel term is multiplied by the loss weight `w` (0 = ignore the pixel; 1 everywhere reproduces the
authors' code exactly): squared errors become mean(w * err^2) over all pixels, and the soft Dice counts
tp/fp/fn with weight w.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Literal, Optional

import torch

from .diffusion import Schedule

Ld1Weight = Literal["none", "paper", "ab_t"]
DiceKind = Literal["dice_sens_prec", "dice_only"]


@dataclass
class LossConfig:
    Lp_window: Optional[int] = None  # restrict L_p to t <= Lp_window (paper's T_p); None = all t (code)
    Ld1_weight: Ld1Weight = "none"
    dice: DiceKind = "dice_sens_prec"
    smooth: float = 1e-8
    # Baseline "SDPM w/o noise": no diffusion, see baseline.py.
    deviations: Dict[str, object] = field(default_factory=dict)

    def describe(self) -> Dict[str, object]:
        return {"Lp_window": self.Lp_window, "Ld1_weight": self.Ld1_weight, "dice": self.dice}


def ld1_weights(sched: Schedule, kind: Ld1Weight) -> torch.Tensor:
    """Per-t weight of L_d1 (float32 [T]).
    - none: 1 (authors' code).
    - ab_t: ab_t, which cancels the 1/ab_t amplification of errors in y0_hat = (y_t_hat - s1m eps_hat)/sab.
    - paper: eq. 13's ab_{t-1}/(2 sigma_t^2) with sigma_t^2 = beta_t (DDPM's choice; beta~_0 = 0 would be
      infinite), normalised to mean 1 over t. An assumption; logged as a deviation."""
    T = sched.T
    if kind == "none":
        return torch.ones(T)
    if kind == "ab_t":
        return sched.alphas_cumprod.clone()
    if kind == "paper":
        w = sched.alphas_cumprod_prev.double() / (2 * sched.betas.double())
        return (w / w.mean()).float()
    raise ValueError(f"unknown Ld1_weight {kind!r}")


def soft_dice_terms(pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor, kind: DiceKind,
                    smooth: float) -> torch.Tensor:
    """Authors' `dice_custom` (pooled over the kept batch elements), returning -(Dice+Sens+Prec) or -Dice.
    Batch elements whose target sums to 0 are dropped, as in the code; with none left the term is 0
    (the code's branch would crash on a typo)."""
    flag = (target * weight).flatten(1).sum(1) > 0
    if not bool(flag.any()):
        return pred.sum() * 0.0
    p, y, w = pred[flag], target[flag], weight[flag]
    tp = (w * p * y).sum()
    fp = (w * p * (1 - y)).sum()
    fn = (w * (1 - p) * y).sum()
    dice = (2 * tp + smooth) / (2 * tp + fp + fn + smooth + 1e-8)
    if kind == "dice_only":
        return -dice
    sens = (tp + smooth) / (tp + fn + smooth + 1e-8)
    prec = (tp + smooth) / (tp + fp + smooth + 1e-8)
    return -(dice + sens + prec)


def sdpm_loss(unet: torch.nn.Module, sched: Schedule, x0n: torch.Tensor, y0n: torch.Tensor, m: torch.Tensor,
              w: torch.Tensor, cfg: LossConfig, t: Optional[torch.Tensor] = None,
              noise: Optional[torch.Tensor] = None, generator: Optional[torch.Generator] = None) -> Dict[str, torch.Tensor]:
    """One SDPM loss evaluation. Inputs [B,1,S,S]; returns the total and each term (scalars), plus the
    per-sample total `per_sample` [B] and the drawn `t` [B] for per-t-bucket logging."""
    B = x0n.shape[0]
    dev = x0n.device
    if t is None:
        t = torch.randint(0, sched.T, (B,), generator=generator, device="cpu").to(dev)
    if noise is None:
        noise = torch.randn(x0n.shape, generator=generator, device="cpu").to(dev)
    sab = sched.sqrt_ab.to(dev)[t].view(-1, 1, 1, 1)
    s1m = sched.sqrt_1mab.to(dev)[t].view(-1, 1, 1, 1)
    x_t = (sab * x0n + s1m * noise) * m
    y_t = (sab * y0n + s1m * noise) * m
    eps_tgt = noise * m
    y0_tgt = y0n * m
    eps_hat, y_t_hat = unet(x_t, t)
    y0_hat = (y_t_hat - s1m * eps_hat) / sab

    def px_mean(err: torch.Tensor) -> torch.Tensor:  # [B]
        return (w * err).flatten(1).mean(1)

    p2 = sched.p2_weight.to(dev)[t]
    l_d2_b = p2 * px_mean((eps_hat - eps_tgt) ** 2)
    l_p_b = px_mean((y_t_hat - y_t) ** 2)
    if cfg.Lp_window is not None:
        l_p_b = l_p_b * (t <= cfg.Lp_window).to(l_p_b.dtype)
    l_d1_b = ld1_weights(sched, cfg.Ld1_weight).to(dev)[t] * px_mean((y0_hat - y0_tgt) ** 2)
    l_dice = soft_dice_terms(torch.sigmoid(y0_hat), (y0_tgt + 1) / 2, w, cfg.dice, cfg.smooth)
    l_d2, l_p, l_d1 = l_d2_b.mean(), l_p_b.mean(), l_d1_b.mean()
    total = l_d2 + l_p + l_d1 + l_dice
    return {"loss": total, "L_d2": l_d2, "L_p": l_p, "L_d1": l_d1, "L_dice": l_dice,
            "per_sample": (l_d2_b + l_p_b + l_d1_b).detach(), "t": t.detach()}
