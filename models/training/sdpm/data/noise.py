"""CT-like spatially correlated noise."""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def correlated_noise(rng: np.random.Generator, shape: tuple[int, ...], std_hu: float, corr_px: float) -> np.ndarray:
    """Gaussian white noise low-pass filtered in-plane (sigma ``corr_px`` pixels, no filtering across slices,
    as in axial reconstructions) and rescaled to ``std_hu``. Returns float32."""
    n = rng.standard_normal(size=shape, dtype=np.float32)
    if corr_px > 0:
        sig = (0.0,) * (len(shape) - 2) + (corr_px, corr_px)
        n = ndimage.gaussian_filter(n, sigma=sig, mode="wrap")
    s = float(n.std())
    return (n * (std_hu / max(s, 1e-12))).astype(np.float32)
