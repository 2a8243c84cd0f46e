"""Synthetic acute lesions inserted into a :class:`Background` (in place on a copy of its HU).

Hemorrhage: an irregular blob (union of perturbed ellipsoids, :mod:`.shapes`) rasterised with partial
volume; HU 58-85 mean with smooth internal texture (so the lesion mean lands in 50-90 HU), optional thin
hypodense perihaematomal oedema (not labelled). Intraparenchymal: centred in parenchyma, clipped to the
intracranial space. Intraventricular: a blob centred in a ventricle, clipped to the ventricles (casts).
Infarct: territory-like wedge (an angular sector of one hemisphere from a deep radius out to the cortex,
limited in z, boundary perturbed by a smooth field), or a lacune for volumes < 2.5 mL; hypodense by 4-12 HU,
with the grey/white difference reduced inside, blended with a blurred edge (ill-defined margin).
Insertion keeps the background's own noise: ``hu += occ * (lesion_hu - smooth(hu))``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import ndimage

from .background import Background
from .shapes import normalised_volume, random_blob, random_rotation, rasterise

VOLUME_MEDIAN_ML = 6.0
VOLUME_SIGMA_LN = 1.2
VOLUME_RANGE_ML = (0.1, 100.0)


def sample_volume_ml(rng: np.random.Generator) -> float:
    """Log-normal with median 6 mL and sigma 1.2 (natural log), truncated to [0.1, 100] mL by rejection.
    (Log-uniform on [0.1, 100] would have median sqrt(0.1*100) = 3.16 mL.) Truncation removes ~1 % above
    100 mL and ~0.02 % below 0.1 mL, so the median stays ~6 mL."""
    while True:
        v = float(np.exp(np.log(VOLUME_MEDIAN_ML) + VOLUME_SIGMA_LN * rng.standard_normal()))
        if VOLUME_RANGE_ML[0] <= v <= VOLUME_RANGE_ML[1]:
            return v


@dataclass
class LesionRecord:
    type: str  # "hemorrhage" | "infarct"
    subtype: str  # "intraparenchymal" | "intraventricular" | "territorial" | "lacunar"
    target_volume_ml: float  # the analytic volume the shape was scaled to (before clipping to anatomy)
    true_volume_ml: float = 0.0  # from the written mask: voxel count * voxel volume
    mean_hu: float = 0.0  # mean HU inside the written mask after insertion
    reference_hu: float = 0.0  # mean HU of the same voxels before insertion
    centre_zyx_vox: list[float] = field(default_factory=list)
    params: dict[str, float] = field(default_factory=dict)


_INPLANE = np.zeros((3, 3, 3), dtype=bool)
_INPLANE[1] = ndimage.generate_binary_structure(2, 1)


def _dilate_mm(mask: np.ndarray, mm: float, spacing: np.ndarray) -> np.ndarray:
    """In-plane dilation by about ``mm`` (slices are thick: no dilation across them)."""
    return ndimage.binary_dilation(mask, structure=_INPLANE, iterations=max(1, int(round(mm / spacing[1]))))


def _erode_mm(mask: np.ndarray, mm: float, spacing: np.ndarray) -> np.ndarray:
    return ndimage.binary_erosion(mask, structure=_INPLANE, iterations=max(1, int(round(mm / spacing[1]))))


def _smooth_bg(hu: np.ndarray, spacing: np.ndarray) -> np.ndarray:
    return ndimage.gaussian_filter(hu, sigma=(0, 1.2 / spacing[1], 1.2 / spacing[2]))


def _pick_voxel(rng: np.random.Generator, mask: np.ndarray) -> np.ndarray | None:
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return None
    return np.array(np.unravel_index(int(idx[rng.integers(idx.size)]), mask.shape), dtype=np.float64)


def _texture(rng: np.random.Generator, shape: tuple[int, ...], amp: float) -> np.ndarray:
    t = ndimage.gaussian_filter(rng.standard_normal(size=shape), sigma=(0.7, 3, 3), mode="nearest")
    return (t / (t.std() + 1e-9) * amp).astype(np.float32)


def insert_hemorrhage(bg: Background, hu: np.ndarray, label: np.ndarray, rng: np.random.Generator,
                      target_ml: float, subtype: str) -> LesionRecord | None:
    """Insert one hemorrhage; updates ``hu`` and ``label`` in place. Returns None when no site exists."""
    sp = bg.spacing_zyx_mm
    if subtype == "intraventricular":
        site = bg.ventricles
        target_ml = min(target_ml, 0.7 * bg.ventricles.sum() * bg.voxel_volume_ml)
        if target_ml < 0.1:
            return None
        allowed = ndimage.binary_dilation(bg.ventricles, iterations=1)
    else:
        site = bg.parenchyma & ~bg.ignore
        allowed = bg.intracranial & (_smooth_bg(bg.hu, sp) < 90)  # not into bone
    c = _pick_voxel(rng, site)
    if c is None:
        return None
    shape = random_blob(rng, irregularity=0.3)
    v0 = normalised_volume(shape)
    scale = (target_ml * 1000.0 / v0) ** (1 / 3)
    rot = random_rotation(rng)
    for attempt in range(3):  # grow the shape when anatomy clips it, so the labelled volume is near the target
        occ, box = rasterise(shape, scale, rot, c * sp, sp, hu.shape)
        if occ.size == 0:
            return None
        occ = occ * allowed[box]
        vol = float((occ >= 0.5).sum()) * bg.voxel_volume_ml
        if vol >= 0.9 * target_ml or attempt == 2 or vol <= 0:
            break
        scale *= min(1.5, (target_ml / vol) ** (1 / 3))
    sub_label = (occ >= 0.5)
    if not sub_label.any():
        return None
    mean_hu = float(rng.uniform(58, 85))
    before = hu[box].copy()
    smooth = _smooth_bg(before, sp)
    lesion_hu = mean_hu + _texture(rng, occ.shape, float(rng.uniform(2, 5)))
    if subtype == "intraparenchymal" and rng.random() < 0.5:  # perihaematomal oedema, unlabelled
        rim_mm = float(rng.uniform(1.5, 4.0))
        dist = ndimage.distance_transform_edt(~sub_label, sampling=sp)
        rim = (dist > 0) & (dist < rim_mm) & bg.parenchyma[box]
        before_rim = np.where(rim, -float(rng.uniform(3, 8)) * (1 - dist / rim_mm), 0.0)
    else:
        before_rim = 0.0
    hu[box] = before + before_rim + occ * (lesion_hu - smooth)
    label[box] |= sub_label
    return LesionRecord("hemorrhage", subtype, target_ml, centre_zyx_vox=c.tolist(),
                        reference_hu=float(before[sub_label].mean()), mean_hu=float(hu[box][sub_label].mean()),
                        params={"meanHuDrawn": mean_hu, "scaleMm": scale,
                                "shapeVolumeMl": v0 * scale ** 3 / 1000.0})


WedgeField = Callable[[np.ndarray, float], np.ndarray]


def _wedge_field(bg: Background, rng: np.random.Generator) -> tuple[WedgeField, dict[str, float]] | None:
    """An implicit cortical-subcortical wedge ``f(z_mm [nz], k) -> (nz, ny, nx)``, negative inside: an angular
    sector of one hemisphere (about the slice's intracranial centroid), from the brain surface down to a depth,
    limited in z; sector width, depth and height all grow with the size factor ``k`` (volume ~ k)."""
    sp = bg.spacing_zyx_mm
    nz, ny, nx = bg.hu.shape
    par = bg.parenchyma & ~_dilate_mm(bg.ignore, 8.0, sp) if bg.ignore.any() else bg.parenchyma
    counts = par.sum(axis=(1, 2))
    zs = np.flatnonzero(counts > 0.4 * counts.max())
    if zs.size == 0:
        return None
    z0 = float(rng.choice(zs))
    k0 = int(z0)
    ys, xs = np.nonzero(bg.intracranial[k0])
    if ys.size == 0:
        return None
    cy, cx = ys.mean(), xs.mean()
    side = 1 if rng.random() < 0.5 else -1
    phi0 = float(rng.uniform(-0.85, 0.85) * np.pi / 2)  # 0 = straight lateral, +-pi/2 = anterior/posterior
    yy, xx = np.mgrid[0:ny, 0:nx]
    ang = np.arctan2((yy - cy) * sp[1], side * (xx - cx) * sp[2])
    d_ang = np.abs(np.angle(np.exp(1j * (ang - phi0))))
    hz_max = 45.0
    zlo, zhi = max(0, int((z0 * sp[0] - hz_max) / sp[0])), min(nz, int((z0 * sp[0] + hz_max) / sp[0]) + 1)
    depth = np.full((nz, ny, nx), 1e3, dtype=np.float32)  # mm below the intracranial surface
    for k in range(zlo, zhi):
        if bg.intracranial[k].any():
            depth[k] = ndimage.distance_transform_edt(bg.intracranial[k], sampling=sp[1:])
    dphi0 = float(rng.uniform(0.35, 0.6))
    depth0 = float(rng.uniform(15, 30))
    hz0 = float(rng.uniform(10, 20))
    noise2d = ndimage.gaussian_filter(rng.standard_normal((ny, nx)), sigma=6 / sp[1])
    noise2d /= noise2d.std() + 1e-9
    z_index_of = lambda z_mm: np.clip((z_mm / sp[0]).astype(int), 0, nz - 1)  # noqa: E731

    def f(z_mm: np.ndarray, k: float) -> np.ndarray:
        g = k ** (1 / 3)
        a = d_ang[None] / (dphi0 * g) - 1
        b = depth[z_index_of(z_mm)] / (depth0 * g) - 1
        c = np.abs(z_mm[:, None, None] - z0 * sp[0]) / (hz0 * g) - 1
        return np.maximum(np.maximum(a, b), c) + 0.12 * noise2d[None]

    return f, {"z0": z0, "phi0": phi0, "side": side, "dPhi0": dphi0, "depth0Mm": depth0, "hz0": hz0,
               "zlo": zlo, "zhi": zhi}


def insert_infarct(bg: Background, hu: np.ndarray, label: np.ndarray, rng: np.random.Generator,
                   target_ml: float) -> LesionRecord | None:
    """Insert one acute/subacute infarct; updates ``hu`` and ``label`` in place."""
    sp = bg.spacing_zyx_mm
    nz = hu.shape[0]
    smooth_full = _smooth_bg(bg.hu, sp)
    tissue = bg.intracranial & ~bg.ventricles & (smooth_full > 12) & (smooth_full < 60)  # brain tissue only
    avoid = _dilate_mm(bg.ignore, 8.0, sp) if bg.ignore.any() else None
    sub = 4
    if target_ml < 2.5:
        subtype = "lacunar"
        site = bg.parenchyma if avoid is None else bg.parenchyma & ~avoid
        site = site & _erode_mm(bg.intracranial, 15.0, sp)
        c = _pick_voxel(rng, site)
        if c is None:
            return None
        shape = random_blob(rng, n_lobes=(1, 2), irregularity=0.15)
        scale = (target_ml * 1000.0 / normalised_volume(shape)) ** (1 / 3)
        occ, box = rasterise(shape, scale, random_rotation(rng), c * sp, sp, hu.shape)
        params: dict[str, float] = {"scaleMm": scale}
    else:
        subtype = "territorial"
        wf = _wedge_field(bg, rng)
        if wf is None:
            return None
        f, params = wf
        zlo, zhi = int(params["zlo"]), int(params["zhi"])  # f is outside everywhere beyond these slices
        zc = (np.arange(zlo, zhi) + 0.5) * sp[0]  # voxel k spans [k, k+1) * sp[0] in the z units of f
        ok = (tissue if avoid is None else tissue & ~avoid)[zlo:zhi]
        lo_k, hi_k = 0.05, 8.0
        for _ in range(14):  # bisection on the wedge size so the voxel volume matches the target
            k = np.sqrt(lo_k * hi_k)
            vol = float(((f(zc, k) < 0) & ok).sum()) * bg.voxel_volume_ml
            if vol < target_ml:
                lo_k = k
            else:
                hi_k = k
        k = np.sqrt(lo_k * hi_k)
        params["k"] = float(k)
        offs = (np.arange(sub) + 0.5) / sub * sp[0]
        zsub = (np.arange(zlo, zhi)[:, None] * sp[0] + offs[None, :]).ravel()
        inside = np.zeros(hu.shape, dtype=np.float64)
        inside[zlo:zhi] = (f(zsub, k) < 0).reshape(zhi - zlo, sub, *hu.shape[1:]).mean(axis=1)
        zz = np.flatnonzero(inside.reshape(nz, -1).any(axis=1))
        if zz.size == 0:
            return None
        box = (slice(int(zz[0]), int(zz[-1]) + 1), slice(0, hu.shape[1]), slice(0, hu.shape[2]))
        occ = inside[box]
        c = np.array([float(params["z0"]), 0.0, 0.0])
        if avoid is not None:
            occ = occ * ~avoid[box]
    if occ.size == 0:
        return None
    before = hu[box].copy()
    smooth = smooth_full[box]
    occ = occ * tissue[box]
    sub_label = occ >= 0.5
    if not sub_label.any():
        return None
    delta = float(rng.uniform(4, 12))
    blur_mm = float(rng.uniform(1.5, 3.5))
    soft = ndimage.gaussian_filter(occ.astype(np.float32), sigma=(0.4, blur_mm / sp[1], blur_mm / sp[2]))
    soft = np.maximum(soft, occ * 0.85)
    tissue_w = np.clip((smooth - 12) / 8, 0, 1) * np.clip((70 - smooth) / 10, 0, 1)  # parenchyma only
    wm_level = float(np.median(smooth[bg.parenchyma[box]])) if bg.parenchyma[box].any() else 28.0
    gm_excess = np.clip(smooth - wm_level, 0, None)
    hu[box] = before - soft * tissue_w * (delta + 0.6 * gm_excess)
    label[box] |= sub_label
    return LesionRecord("infarct", subtype, target_ml, centre_zyx_vox=c.tolist(),
                        reference_hu=float(before[sub_label].mean()), mean_hu=float(hu[box][sub_label].mean()),
                        params={**params, "deltaHu": delta, "edgeBlurMm": blur_mm})
