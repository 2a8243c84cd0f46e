"""Diffusion schedule (SPEC §1.3): lucidrains `sigmoid_beta_schedule` in float64, buffers cast to float32
exactly as `GaussianDiffusion.register_buffer` does, plus q_sample and the P2 weight."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

import torch


def sigmoid_beta_schedule(timesteps: int, start: float = -3, end: float = 3, tau: float = 1) -> torch.Tensor:
    """Betas (float64, length T), reproduced operation by operation from lucidrains, including that
    `v_start`/`v_end` are float32 scalars (`torch.tensor(start / tau)` is float32) promoted to float64."""
    steps = timesteps + 1
    s = torch.linspace(0, timesteps, steps, dtype=torch.float64) / timesteps
    v_start = torch.tensor(start / tau).sigmoid()
    v_end = torch.tensor(end / tau).sigmoid()
    ab = (-((s * (end - start) + start) / tau).sigmoid() + v_end) / (v_end - v_start)
    ab = ab / ab[0]
    betas = 1 - (ab[1:] / ab[:-1])
    return torch.clip(betas, 0, 0.999)


@dataclass
class Schedule:
    """float32 tables of length T (torch tensors on CPU) and the float64 alphas_cumprod they came from."""

    T: int
    betas: torch.Tensor
    alphas_cumprod: torch.Tensor
    alphas_cumprod_prev: torch.Tensor
    sqrt_ab: torch.Tensor
    sqrt_1mab: torch.Tensor
    sqrt_recip_ab: torch.Tensor
    sqrt_recipm1_ab: torch.Tensor
    posterior_mean_coef1: torch.Tensor
    posterior_mean_coef2: torch.Tensor
    posterior_variance: torch.Tensor
    posterior_log_variance_clipped: torch.Tensor
    posterior_std: torch.Tensor
    p2_weight: torch.Tensor
    alphas_cumprod_f64: torch.Tensor

    def to_json(self) -> Dict[str, object]:
        """schedule.json payload (BUNDLE-FORMAT.md). float32 values are written as the shortest decimal of the
        float32 that round-trips via Math.fround."""
        def arr(t: torch.Tensor) -> List[float]:
            return [f32_json(v) for v in t.tolist()]

        return {
            "formatVersion": 1, "T": self.T, "kind": "sigmoid", "start": -3, "end": 3, "tau": 1, "clip": 0.999,
            "betas": arr(self.betas), "alphasCumprod": arr(self.alphas_cumprod),
            "alphasCumprodPrev": arr(self.alphas_cumprod_prev),
            "sqrtAlphasCumprod": arr(self.sqrt_ab), "sqrtOneMinusAlphasCumprod": arr(self.sqrt_1mab),
            "sqrtRecipAlphasCumprod": arr(self.sqrt_recip_ab), "sqrtRecipm1AlphasCumprod": arr(self.sqrt_recipm1_ab),
            "posteriorMeanCoef1": arr(self.posterior_mean_coef1), "posteriorMeanCoef2": arr(self.posterior_mean_coef2),
            "posteriorLogVarianceClipped": arr(self.posterior_log_variance_clipped),
            "posteriorStd": arr(self.posterior_std), "p2Weight": arr(self.p2_weight),
        }


def f32_json(v: float) -> float:
    """The shortest decimal that rounds (float64 parse, then Math.fround) back to the same float32."""
    import numpy as np

    return float(np.format_float_scientific(np.float32(v), unique=True))


def make_schedule(T: int = 500) -> Schedule:
    betas = sigmoid_beta_schedule(T)
    alphas = 1.0 - betas
    ab = torch.cumprod(alphas, dim=0)
    ab_prev = torch.nn.functional.pad(ab[:-1], (1, 0), value=1.0)
    post_var = betas * (1.0 - ab_prev) / (1.0 - ab)
    logvar = torch.log(post_var.clamp(min=1e-20))
    f = lambda v: v.to(torch.float32)  # noqa: E731
    logvar32 = f(logvar)
    return Schedule(
        T=T, betas=f(betas), alphas_cumprod=f(ab), alphas_cumprod_prev=f(ab_prev),
        sqrt_ab=f(torch.sqrt(ab)), sqrt_1mab=f(torch.sqrt(1.0 - ab)),
        sqrt_recip_ab=f(torch.sqrt(1.0 / ab)), sqrt_recipm1_ab=f(torch.sqrt(1.0 / ab - 1)),
        posterior_mean_coef1=f(betas * torch.sqrt(ab_prev) / (1.0 - ab)),
        posterior_mean_coef2=f((1.0 - ab_prev) * torch.sqrt(alphas) / (1.0 - ab)),
        posterior_variance=f(post_var), posterior_log_variance_clipped=logvar32,
        posterior_std=(0.5 * logvar32).exp(),  # float32 exp, as p_sample does on the float32 buffer
        p2_weight=f((1.0 + ab / (1.0 - ab)) ** -1.0),
        alphas_cumprod_f64=ab,
    )


def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, sched: Schedule) -> torch.Tensor:
    """sqrt(ab_t) x0 + sqrt(1-ab_t) noise, with per-sample t [B] and x0 [B,1,S,S]."""
    sab = sched.sqrt_ab.to(x0.device)[t].view(-1, 1, 1, 1)
    s1m = sched.sqrt_1mab.to(x0.device)[t].view(-1, 1, 1, 1)
    return sab * x0 + s1m * noise
