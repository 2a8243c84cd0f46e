"""Joint training augmentation (SPEC §1.1, §3.2.1): hflip p=0.5, rotation ±10°, translation ±10%,
scale 0.9-1.1, zero fill (image -> -1 after normalisation, label -> background). Bilinear for the image,
nearest for label and loss weight; the mask is recomputed with the bundle rule m = x0n > -1 afterwards.
Optional small Gaussian intensity noise inside the mask ("adding noise" in the paper)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass
class AugmentConfig:
    enabled: bool = True
    hflip_p: float = 0.5
    max_rot_deg: float = 10.0
    max_translate: float = 0.10
    scale_min: float = 0.9
    scale_max: float = 1.1
    noise_std: float = 0.0  # in x0n units ([-1,1] scale); 0 = off


def augment_batch(x0n: torch.Tensor, y0n: torch.Tensor, w: torch.Tensor, cfg: AugmentConfig,
                  g: torch.Generator) -> tuple:
    """x0n, y0n, w: [B,1,S,S]. Returns (x0n, y0n, m, w) augmented jointly, one random transform per sample."""
    B = x0n.shape[0]
    if not cfg.enabled:
        return x0n, y0n, (x0n > -1).to(x0n.dtype), w
    u = torch.rand(B, 6, generator=g)
    flip = torch.where(u[:, 0] < cfg.hflip_p, -1.0, 1.0)
    ang = (u[:, 1] * 2 - 1) * math.radians(cfg.max_rot_deg)
    sc = cfg.scale_min + u[:, 2] * (cfg.scale_max - cfg.scale_min)
    tx = (u[:, 3] * 2 - 1) * cfg.max_translate * 2  # normalised coords span 2
    ty = (u[:, 4] * 2 - 1) * cfg.max_translate * 2
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    # output -> input sampling map: inverse of (scale * rotate, then translate), with the flip on x
    theta = torch.zeros(B, 2, 3)
    theta[:, 0, 0] = cos * flip
    theta[:, 0, 1] = -sin
    theta[:, 1, 0] = sin * flip
    theta[:, 1, 1] = cos
    theta[:, 0, 2] = -(cos * tx - sin * ty)
    theta[:, 1, 2] = -(sin * tx + cos * ty)
    grid = F.affine_grid(theta.to(x0n.dtype), list(x0n.shape), align_corners=False)
    x01 = (x0n + 1) / 2
    x01 = F.grid_sample(x01, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    y01 = F.grid_sample((y0n + 1) / 2, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    w2 = F.grid_sample(w, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    inside = F.grid_sample(torch.ones_like(w), grid, mode="nearest", padding_mode="zeros", align_corners=False)
    w2 = torch.where(inside > 0, w2, torch.ones_like(w2))  # filled area is real background, not ignored
    x_n = x01 * 2 - 1
    m = (x_n > -1).to(x0n.dtype)
    if cfg.noise_std > 0:
        x_n = torch.where(m > 0, (x_n + cfg.noise_std * torch.randn(x_n.shape, generator=g)).clamp(-1, 1), x_n)
        m = (x_n > -1).to(x0n.dtype)
    return x_n, y01 * 2 - 1, m, w2
