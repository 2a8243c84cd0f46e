"""Hemorrhage subtypes of generator v2 (issue 10 item 3), added to the intraparenchymal / intraventricular
blobs of :mod:`.lesions`:

- ``ivh_cast``: intraventricular blood that fills the shape of the ventricle: the ventricular CSF inside a
  ball around a ventricle voxel (radius found by bisection for the target volume), optionally only the
  dependent (posterior) part below a fluid level;
- ``subdural``: a crescent along the inner table: intracranial voxels within a thickness of the inner table
  that peaks at 2-18 mm and falls off smoothly over an angular and a z extent (thickness scaled by bisection
  for the target volume); 50-80 HU (acute);
- ``subarachnoid``: blood in sulci and cisterns: CSF-density voxels outside the ventricles (smoothed HU
  -5..18) within a ball around a CSF voxel (radius by bisection); 45-70 HU with partial volume, so the
  label is thin and follows the CSF spaces.

Every inserter updates ``hu`` and ``label`` in place, keeps the background's noise (``hu += occ *
(lesion_hu - smooth(hu))``), and returns a :class:`LesionRecord` or ``None`` when no site exists.

Volume sampler (``sample_volume_v2``): 45 % log-uniform on [0.05, 2] mL (many small lesions), else the v1
log-normal (median 6 mL, sigma 1.2) truncated to [0.05, 100] mL.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import ndimage

from .background import Background
from .lesions import LesionRecord, _smooth_bg, _texture

SMALL_FRACTION = 0.45
SMALL_RANGE_ML = (0.05, 2.0)
RANGE_ML = (0.05, 100.0)


def sample_volume_v2(rng: np.random.Generator) -> float:
    if rng.random() < SMALL_FRACTION:
        lo, hi = np.log(SMALL_RANGE_ML[0]), np.log(SMALL_RANGE_ML[1])
        return float(np.exp(rng.uniform(lo, hi)))
    while True:
        v = float(np.exp(np.log(6.0) + 1.2 * rng.standard_normal()))
        if RANGE_ML[0] <= v <= RANGE_ML[1]:
            return v


def _bisect(region_of: Callable[[float], np.ndarray], target_vox: float, lo: float, hi: float,
            iters: int = 18) -> tuple[float, np.ndarray]:
    """Smallest size parameter s in [lo, hi] whose region holds >= target_vox voxels (monotone in s)."""
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if float(region_of(mid).sum()) < target_vox:
            lo = mid
        else:
            hi = mid
    return hi, region_of(hi)


def _insert(bg: Background, hu: np.ndarray, label: np.ndarray, rng: np.random.Generator, region: np.ndarray,
            mean_hu: float, subtype: str, target_ml: float, centre: np.ndarray, params: dict[str, float],
            soft_sigma_vox: tuple[float, float, float] = (0.3, 0.6, 0.6)) -> LesionRecord | None:
    if not region.any():
        return None
    zz = np.flatnonzero(region.reshape(region.shape[0], -1).any(1))
    box = (slice(int(zz[0]), int(zz[-1]) + 1), slice(None), slice(None))
    occ = ndimage.gaussian_filter(region[box].astype(np.float32), sigma=soft_sigma_vox)
    occ = np.maximum(occ, region[box] * 0.5)  # the labelled voxels stay at >= 0.5 occupancy
    before = hu[box].copy()
    # local soft-tissue level, excluding bone (a crescent on the inner table would otherwise take the
    # skull's 1000+ HU into its "background" and come out dark)
    soft = (before < 150).astype(np.float32)
    num = _smooth_bg(before * soft, bg.spacing_zyx_mm)
    den = _smooth_bg(soft, bg.spacing_zyx_mm)
    smooth = np.where(den > 1e-3, num / np.maximum(den, 1e-3), before)
    lesion_hu = mean_hu + _texture(rng, occ.shape, float(rng.uniform(1.5, 4)))
    hu[box] = before + occ * (lesion_hu - smooth)
    lab = region[box]
    label[box] |= lab
    return LesionRecord("hemorrhage", subtype, target_ml, centre_zyx_vox=[float(c) for c in centre],
                        reference_hu=float(before[lab].mean()), mean_hu=float(hu[box][lab].mean()),
                        params={"meanHuDrawn": mean_hu, **params})


def _ball(shape: tuple[int, ...], sp: np.ndarray, c: np.ndarray) -> Callable[[float], np.ndarray]:
    axes = [((np.arange(n) - ci) * s) ** 2 for n, ci, s in zip(shape, c, sp)]
    d2 = axes[0][:, None, None] + axes[1][None, :, None] + axes[2][None, None, :]
    return lambda r: d2 < r * r


def _pick(rng: np.random.Generator, mask: np.ndarray) -> np.ndarray | None:
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return None
    return np.array(np.unravel_index(int(idx[rng.integers(idx.size)]), mask.shape), dtype=np.float64)


def insert_ivh_cast(bg: Background, hu: np.ndarray, label: np.ndarray, rng: np.random.Generator,
                    target_ml: float) -> LesionRecord | None:
    v = bg.ventricles
    vol_v = float(v.sum()) * bg.voxel_volume_ml
    target_ml = min(target_ml, 0.8 * vol_v)
    c = _pick(rng, v)
    if c is None or target_ml < 0.05:
        return None
    allowed = v.copy()
    level = None
    if rng.random() < 0.5:  # dependent layering (supine patient: posterior = larger row index)
        _, ys, _ = np.nonzero(v)
        level = float(np.percentile(ys, rng.uniform(30, 70)))
        allowed[:, : int(level), :] = False
        c = _pick(rng, allowed) if allowed.any() else c
        if c is None:
            return None
    ball = _ball(v.shape, bg.spacing_zyx_mm, c)
    target_vox = target_ml / bg.voxel_volume_ml
    r, region = _bisect(lambda rr: ball(rr) & allowed, target_vox, 0.5, 200.0)
    return _insert(bg, hu, label, rng, region, float(rng.uniform(55, 80)), "intraventricular-cast", target_ml, c,
                   {"radiusMm": r, "fluidLevelRow": -1.0 if level is None else level})


def insert_subdural(bg: Background, hu: np.ndarray, label: np.ndarray, rng: np.random.Generator,
                    target_ml: float) -> LesionRecord | None:
    sp = bg.spacing_zyx_mm
    ic = bg.intracranial
    counts = ic.reshape(ic.shape[0], -1).sum(1)
    zs = np.flatnonzero(counts > 0.5 * counts.max())
    if zs.size == 0:
        return None
    z0 = float(rng.choice(zs))
    ys, xs = np.nonzero(ic[int(z0)])
    cy, cx = ys.mean(), xs.mean()
    phi0 = float(rng.uniform(-np.pi, np.pi))
    dphi = float(rng.uniform(0.5, 1.3))
    hz = float(rng.uniform(15, 45))
    nz, ny, nx = ic.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    ang = np.arctan2((yy - cy) * sp[1], (xx - cx) * sp[2])
    d_ang = np.abs(np.angle(np.exp(1j * (ang - phi0))))
    prof_a = np.clip(1 - (d_ang / dphi) ** 2, 0, None)
    prof_z = np.clip(1 - ((np.arange(nz) - z0) * sp[0] / hz) ** 2, 0, None)
    depth = np.zeros(ic.shape, dtype=np.float32)
    for k in np.flatnonzero(prof_z > 0):
        if ic[k].any():
            depth[k] = ndimage.distance_transform_edt(ic[k], sampling=sp[1:])
    thick = prof_z[:, None, None] * prof_a[None]  # relative thickness profile (crescent)
    target_vox = target_ml / bg.voxel_volume_ml
    not_bone = bg.hu < 100  # partial-volume skull voxels inside the intracranial mask stay bone
    region_of = lambda s: ic & not_bone & (depth > 0) & (depth < s * thick)  # noqa: E731
    s, region = _bisect(region_of, target_vox, 0.2, 40.0)
    return _insert(bg, hu, label, rng, region, float(rng.uniform(50, 80)), "subdural", target_ml,
                   np.array([z0, cy, cx]), {"maxThicknessMm": s, "phi0": phi0, "dPhi": dphi, "hzMm": hz},
                   soft_sigma_vox=(0.3, 0.4, 0.4))


def insert_subarachnoid(bg: Background, hu: np.ndarray, label: np.ndarray, rng: np.random.Generator,
                        target_ml: float) -> LesionRecord | None:
    sp = bg.spacing_zyx_mm
    sm = _smooth_bg(bg.hu, sp)
    csf = bg.intracranial & ~ndimage.binary_dilation(bg.ventricles, iterations=1) & (sm > -5) & (sm < 18)
    csf &= ~bg.ignore
    c = _pick(rng, csf)
    if c is None:
        return None
    target_ml = min(target_ml, 20.0)  # SAH volumes beyond ~20 mL are rare; the CSF space bounds it too
    ball = _ball(csf.shape, sp, c)
    target_vox = target_ml / bg.voxel_volume_ml
    r, region = _bisect(lambda rr: ball(rr) & csf, target_vox, 0.5, 80.0)
    return _insert(bg, hu, label, rng, region, float(rng.uniform(45, 70)), "subarachnoid", target_ml, c,
                   {"radiusMm": r}, soft_sigma_vox=(0.2, 0.4, 0.4))


SUBTYPE_WEIGHTS = {"intraparenchymal": 0.4, "intraventricular": 0.05, "intraventricular-cast": 0.15,
                   "subdural": 0.2, "subarachnoid": 0.2}
