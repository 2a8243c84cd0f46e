"""Wrappers around `Unet2` with the two float32 tables inside (SPEC §3.2.2, §3.3).

`SdpmNet(x_t, t) -> (eps_hat, y_t_hat, y0_hat)` with
`y0_hat = (y_t_hat - sqrt_1mab[t] * eps_hat) / sqrt_ab[t]` (unclamped; eq. 13's y0 estimate).
`EpsOnly(x_t, t) -> eps_hat` runs the shared encoder and the `ups` decoder only.
"""
from __future__ import annotations

from typing import Tuple

import torch
from torch import nn

from ..diffusion import Schedule
from .unet2 import Unet2


class SdpmNet(nn.Module):
    def __init__(self, unet: Unet2, sched: Schedule) -> None:
        super().__init__()
        self.unet = unet
        self.register_buffer("sqrt_ab", sched.sqrt_ab.clone(), persistent=False)
        self.register_buffer("sqrt_1mab", sched.sqrt_1mab.clone(), persistent=False)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        eps, y_t = self.unet(x_t, t)
        sab = self.sqrt_ab[t].reshape(-1, 1, 1, 1)
        s1m = self.sqrt_1mab[t].reshape(-1, 1, 1, 1)
        y0 = (y_t - s1m * eps) / sab
        return eps, y_t, y0


class EpsOnly(nn.Module):
    def __init__(self, unet: Unet2) -> None:
        super().__init__()
        self.unet = unet

    def forward(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.unet.forward_eps(x_t, t)
