"""Irregular 3-D lesion shapes as implicit functions, rasterised with partial volume.

A shape lives in normalised units (its bulk within about [-2, 2]^3): the union of a few ellipsoids whose
boundary is perturbed by a smooth random field. ``f(p) < 0`` is inside. It is scaled to a target volume
(volume scales with the cube of the scale) and rasterised onto a voxel grid by supersampling every voxel,
so edge voxels get a fractional occupancy (partial volume) and the label is ``occupancy >= 0.5``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

_BOX = 2.5  # normalised half-width of the noise grid and of the volume estimate grid
_NOISE_N = 20


@dataclass
class BlobShape:
    centres: np.ndarray  # [K, 3] normalised
    inv_axes: np.ndarray  # [K, 3, 3]: p -> A (p - c); inside the k-th ellipsoid when |A(p-c)| < 1
    noise: np.ndarray  # [_NOISE_N]^3 smooth field, unit std
    noise_amp: float
    inside_points: np.ndarray | None = None  # normalised grid points inside (set by normalised_volume)

    def evaluate(self, p: np.ndarray) -> np.ndarray:
        """``f`` at normalised points ``p`` [N, 3]; negative inside."""
        f = np.full(p.shape[0], np.inf)
        for c, a in zip(self.centres, self.inv_axes):
            q = (p - c) @ a.T
            f = np.minimum(f, np.sqrt(np.einsum("ij,ij->i", q, q)) - 1.0)
        idx = (p + _BOX) / (2 * _BOX) * (_NOISE_N - 1)
        n = ndimage.map_coordinates(self.noise, idx.T, order=1, mode="nearest")
        return f + self.noise_amp * n


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def random_blob(rng: np.random.Generator, n_lobes: tuple[int, int] = (1, 4), irregularity: float = 0.25) -> BlobShape:
    """A union of 1..4 perturbed ellipsoids (elongation up to ~2.5:1) with a smooth boundary perturbation."""
    k = int(rng.integers(n_lobes[0], n_lobes[1] + 1))
    centres = np.zeros((k, 3))
    inv_axes = np.zeros((k, 3, 3))
    for i in range(k):
        centres[i] = 0.0 if i == 0 else rng.normal(scale=0.45, size=3)
        semi = rng.uniform(0.45, 1.0, size=3) * (1.0 if i == 0 else 0.75)
        r = random_rotation(rng)
        inv_axes[i] = np.diag(1.0 / semi) @ r.T
    noise = ndimage.gaussian_filter(rng.normal(size=(_NOISE_N,) * 3), sigma=1.6, mode="wrap")
    noise /= noise.std() + 1e-12
    return BlobShape(centres, inv_axes, noise, irregularity * float(rng.uniform(0.5, 1.0)))


def normalised_volume(shape: BlobShape, n: int = 56) -> float:
    """Volume (normalised units^3) of ``f < 0``, estimated on an n^3 grid over [-_BOX, _BOX]^3."""
    g = (np.arange(n) + 0.5) / n * 2 * _BOX - _BOX
    p = np.stack(np.meshgrid(g, g, g, indexing="ij"), -1).reshape(-1, 3)
    inside = shape.evaluate(p) < 0
    shape.inside_points = p[inside]
    return float(inside.mean() * (2 * _BOX) ** 3)


def rasterise(
    shape: BlobShape,
    scale_mm: float,
    rotation: np.ndarray,
    centre_zyx_mm: np.ndarray,
    spacing_zyx_mm: np.ndarray,
    grid_shape: tuple[int, int, int],
    supersample: tuple[int, int, int] = (4, 1, 1),
) -> tuple[np.ndarray, tuple[slice, slice, slice]]:
    """Fractional occupancy of the scaled, rotated shape on a (z, y, x) voxel grid.

    World position of voxel (k, j, i) centre is ``(k, j, i) * spacing`` (mm). A point ``w`` maps to normalised
    ``p = R^T (w - centre) / scale``. Returns the occupancy in [0, 1] over the bounding box and that box."""
    spacing = np.asarray(spacing_zyx_mm, dtype=np.float64)
    if shape.inside_points is None:
        normalised_volume(shape)
    assert shape.inside_points is not None
    if len(shape.inside_points) == 0:
        return np.zeros((0, 0, 0)), (slice(0, 0), slice(0, 0), slice(0, 0))
    world = shape.inside_points @ rotation.T * scale_mm + centre_zyx_mm
    margin = 2 * (2 * _BOX / 56) * scale_mm + spacing  # grid cell of the estimate plus one voxel
    lo = np.maximum(np.floor((world.min(0) - margin) / spacing).astype(int), 0)
    hi = np.minimum(np.ceil((world.max(0) + margin) / spacing).astype(int) + 1, np.array(grid_shape))
    if np.any(hi <= lo):
        return np.zeros((0, 0, 0)), (slice(0, 0), slice(0, 0), slice(0, 0))
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))
    axes = []
    for d in range(3):
        s = supersample[d]
        offs = (np.arange(s) + 0.5) / s - 0.5
        idx = np.arange(lo[d], hi[d])
        axes.append(((idx[:, None] + offs[None, :]) * spacing[d]).reshape(-1))
    zz, yy, xx = np.meshgrid(*axes, indexing="ij")
    w = np.stack([zz.ravel(), yy.ravel(), xx.ravel()], -1) - centre_zyx_mm
    p = (w @ rotation) / scale_mm  # R^T w for row vectors
    inside = (shape.evaluate(p) < 0).astype(np.float32)
    sz, sy, sx = supersample
    nz, ny, nx = (hi - lo)
    occ = inside.reshape(nz, sz, ny, sy, nx, sx).mean(axis=(1, 3, 5))
    return occ, box  # type: ignore[return-value]
