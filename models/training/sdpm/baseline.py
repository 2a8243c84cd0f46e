"""Baseline "SDPM w/o noise" (paper Table 1: "the same neural network architecture but without diffusion
process"). The paper gives no further detail; this is our definition (recorded as an assumption):

- same `Unet2`, same preset, same trainer, optimiser, LR, EMA and augmentation;
- input: the clean masked image x0n*m at timestep t = 0 (no noise is ever added);
- output: the label head (`ups2`, y_t_hat) is the segmentation directly, trained towards y0n*m with
  MSE + (-(Dice+Sens+Prec)) on sigmoid(output), the same two label terms SDPM uses for y0;
  the noise decoder (`ups`) receives no loss and is unused;
- inference: p = m*(clip(y_t_hat)+1)/2 from one call, thresholded at 0.5, despeckled like the SDPM modes.
"""
from __future__ import annotations

from typing import Dict

import torch

from .losses import LossConfig, soft_dice_terms


def baseline_loss(unet: torch.nn.Module, x0n: torch.Tensor, y0n: torch.Tensor, m: torch.Tensor, w: torch.Tensor,
                  cfg: LossConfig) -> Dict[str, torch.Tensor]:
    t = torch.zeros(x0n.shape[0], dtype=torch.int64, device=x0n.device)
    _, y_hat = unet(x0n * m, t)
    tgt = y0n * m
    mse = (w * (y_hat - tgt) ** 2).flatten(1).mean(1)
    dice = soft_dice_terms(torch.sigmoid(y_hat), (tgt + 1) / 2, w, cfg.dice, cfg.smooth)
    zero = mse.mean() * 0
    return {"loss": mse.mean() + dice, "L_d1": mse.mean(), "L_dice": dice, "L_d2": zero, "L_p": zero}


@torch.no_grad()
def baseline_predict(unet: torch.nn.Module, x0n: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """x0n, m: [S,S] -> p [S,S] = m*(clip(y_hat)+1)/2."""
    t = torch.zeros(1, dtype=torch.int64)
    _, y_hat = unet((x0n * m)[None, None], t)
    return m * ((y_hat[0, 0].clamp(-1, 1) + 1) / 2)
