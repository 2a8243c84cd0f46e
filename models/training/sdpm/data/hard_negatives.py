"""Hard negatives (generator v2, issue 10 item 3): unlabelled structures of a real head CT that a lesion
model must learn are NOT lesions. Each inserter changes ``hu`` in place, never the label, and returns a
record (kind + parameters) for cases.json. Placement uses the background's anatomy masks:

- calcifications: choroid plexus (atria of both lateral ventricles, 100-400 HU, 2-5 mm), pineal (midline,
  behind the third ventricle, 80-300 HU), basal ganglia (small symmetric foci lateral to the ventricles,
  60-200 HU), falx (thin midline plaque, 100-600 HU);
- skull base and sinuses (inferior slices): petrous-ridge-like dense bone ridges and a sinus / mastoid air
  pocket with a thin bone wall at the inner table (air-bone interface);
- streak / beam-hardening artefacts: alternating bright/dark lines through dense bone and a dark band
  between two dense bone points (the Hounsfield-bar look), in the slices that hold dense bone;
- head holder: a curved 3-6 mm shell (100-300 HU) plus a foam pad behind the head, outside the skin;
- scalp and neck muscle: a 45-65 HU soft-tissue band outside the skull (thicker in the inferior slices).
Amplitudes are drawn per case; every draw comes from the ``rng`` passed in (deterministic by seed).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List

import numpy as np
from scipy import ndimage

from .background import Background

Record = Dict[str, Any]


def _blob(hu: np.ndarray, sp: np.ndarray, centre: np.ndarray, radius_mm: float, peak_hu: float) -> None:
    """Add a Gaussian-edged ellipsoidal bright focus (partial volume across the thick slice)."""
    nz, ny, nx = hu.shape
    r = max(radius_mm, 0.3)
    lo = np.maximum(np.floor(centre - 3 * r / sp).astype(int), 0)
    hi = np.minimum(np.ceil(centre + 3 * r / sp).astype(int) + 1, [nz, ny, nx])
    if np.any(hi <= lo):
        return
    zz, yy, xx = np.meshgrid(*(np.arange(a, b) for a, b in zip(lo, hi)), indexing="ij")
    d2 = (((zz - centre[0]) * sp[0]) ** 2 + ((yy - centre[1]) * sp[1]) ** 2 + ((xx - centre[2]) * sp[2]) ** 2)
    w = np.exp(-d2 / (2 * (r / 1.5) ** 2)).astype(np.float32)
    box = hu[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    box += w * np.clip(peak_hu - box, 0, None)


def _pick(rng: np.random.Generator, mask: np.ndarray) -> np.ndarray | None:
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return None
    return np.array(np.unravel_index(int(idx[rng.integers(idx.size)]), mask.shape), dtype=np.float64)


def _bone(hu: np.ndarray) -> np.ndarray:
    return hu > 300


def choroid_plexus(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    v = bg.ventricles
    if not v.any():
        return None
    _, ys, _ = np.nonzero(v)
    post = np.zeros_like(v)
    post[:, int(np.percentile(ys, 60)):, :] = True  # posterior part of the ventricles (atria)
    peak, out = float(rng.uniform(100, 400)), []
    for side in (-1, 1):
        half = np.zeros_like(v)
        cx = int(round(bg.hemisphere_centre_x))
        if side < 0:
            half[:, :, :cx] = True
        else:
            half[:, :, cx:] = True
        c = _pick(rng, v & post & half)
        if c is not None:
            r = float(rng.uniform(1.0, 2.5))
            _blob(hu, bg.spacing_zyx_mm, c, r, peak)
            out.append([float(x) for x in c])
    return {"kind": "calcification-choroid-plexus", "peakHu": peak, "centres": out} if out else None


def pineal(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    v = bg.ventricles
    if not v.any():
        return None
    zs, ys, _ = np.nonzero(v)
    sp = bg.spacing_zyx_mm
    c = np.array([float(np.median(zs)), float(np.percentile(ys, 55)) + rng.uniform(5, 15) / sp[1],
                  bg.hemisphere_centre_x + rng.uniform(-1, 1)])
    c = np.clip(c, 0, np.array(hu.shape) - 1)
    if not bg.intracranial[tuple(c.astype(int))]:
        return None
    peak, r = float(rng.uniform(80, 300)), float(rng.uniform(1.0, 2.5))
    _blob(hu, sp, c, r, peak)
    return {"kind": "calcification-pineal", "peakHu": peak, "radiusMm": r, "centre": c.tolist()}


def basal_ganglia(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    v = bg.ventricles
    if not v.any():
        return None
    sp = bg.spacing_zyx_mm
    zs, ys, _ = np.nonzero(v)
    z = float(np.median(zs)) + rng.uniform(-1, 1) * 6 / sp[0]
    y = float(np.percentile(ys, 35)) + rng.uniform(-5, 5) / sp[1]
    off = rng.uniform(18, 28) / sp[2]
    peak, n = float(rng.uniform(60, 200)), int(rng.integers(1, 4))
    cs = []
    for side in (-1, 1):
        for _ in range(n):
            c = np.array([z, y + rng.uniform(-4, 4) / sp[1], bg.hemisphere_centre_x + side * off + rng.uniform(-4, 4) / sp[2]])
            c = np.clip(c, 0, np.array(hu.shape) - 1)
            if bg.parenchyma[tuple(c.astype(int))]:
                _blob(hu, sp, c, float(rng.uniform(0.6, 2.0)), peak)
                cs.append(c.tolist())
    return {"kind": "calcification-basal-ganglia", "peakHu": peak, "centres": cs} if cs else None


def falx(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    sp = bg.spacing_zyx_mm
    ic = bg.intracranial
    zs = np.flatnonzero(ic.reshape(ic.shape[0], -1).sum(1) > 0.3 * ic.reshape(ic.shape[0], -1).sum(1).max())
    if zs.size == 0:
        return None
    k = int(rng.choice(zs))
    cx = int(round(bg.hemisphere_centre_x))
    rows = np.flatnonzero(ic[k, :, min(max(cx, 0), ic.shape[2] - 1)])
    if rows.size < 10:
        return None
    length_mm, peak = float(rng.uniform(5, 20)), float(rng.uniform(100, 600))
    r0 = int(rows[0] + rng.uniform(0.05, 0.4) * rows.size)
    n = max(1, int(length_mm / sp[1]))
    width = max(1, int(round(rng.uniform(1.0, 2.0) / sp[2])))
    zs2 = range(k, min(k + max(1, int(round(rng.uniform(3, 8) / sp[0]))), hu.shape[0]))
    for z in zs2:
        sl = hu[z, r0:r0 + n, cx - width // 2: cx - width // 2 + width]
        sl += 0.7 * np.clip(peak - sl, 0, None)
    return {"kind": "calcification-falx", "peakHu": peak, "slice": k, "lengthMm": length_mm}


def skull_base_and_sinus(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    """Inferior slices: two dense petrous-like ridges running obliquely from the inner table, and one air
    pocket (sinus / mastoid cells) with a thin bone wall where the inner table meets the anterior or
    lateral skull."""
    sp = bg.spacing_zyx_mm
    ic = bg.intracranial
    counts = ic.reshape(ic.shape[0], -1).sum(1)
    zs = np.flatnonzero(counts > 0)
    if zs.size < 3:
        return None
    n_inf = max(1, int(round(rng.uniform(8, 16) / sp[0])))
    lows = zs[:n_inf]
    ny, nx = hu.shape[1:]
    yy, xx = np.mgrid[0:ny, 0:nx]
    ridge_hu, air_r = float(rng.uniform(600, 1500)), float(rng.uniform(4, 9))
    # sinus centre: on the anterior inner table (row minimum of the lowest slice's intracranial space)
    ys, xs = np.nonzero(ic[lows[0]])
    if ys.size == 0:
        return None
    cy, cx = ys.mean(), xs.mean()
    ang = float(rng.uniform(-0.5, 0.5)) - np.pi / 2 if rng.random() < 0.6 else float(rng.choice([0.0, np.pi]))
    for j, z in enumerate(lows):
        frac = 1 - j / max(len(lows), 1)
        ys, xs = np.nonzero(ic[z])
        if ys.size == 0:
            continue
        cy, cx = ys.mean(), xs.mean()
        for side in (-1, 1):  # ridges from postero-lateral inner table towards the centre
            a = np.pi / 2 + side * rng.uniform(0.5, 0.9)
            dx, dy = np.cos(a) * side, np.sin(a)
            d_perp = np.abs((yy - cy) * dx - (xx - cx) * dy) * sp[1]
            along = ((yy - cy) * dy + (xx - cx) * dx) * sp[1]
            ridge = (d_perp < rng.uniform(2, 4) * frac + 0.5) & (along > 10) & ic[z]
            hu[z][ridge] = np.maximum(hu[z][ridge], ridge_hu * (0.6 + 0.4 * frac))
        # air pocket + bone wall on the inner table
        dist = ndimage.distance_transform_edt(ic[z], sampling=sp[1:])
        edge_r = np.sqrt((ys - cy) ** 2 + (xs - cx) ** 2).max() * sp[1]
        py = cy + np.sin(ang) * (edge_r / sp[1]) * 0.95
        px = cx + np.cos(ang) * (edge_r / sp[2]) * 0.95
        rr = np.sqrt(((yy - py) * sp[1]) ** 2 + ((xx - px) * sp[2]) ** 2)
        r_here = air_r * frac
        if r_here < 1.5:
            continue
        wall = (rr < r_here + 1.5) & (rr >= r_here)
        air = rr < r_here
        hu[z][wall] = np.maximum(hu[z][wall], 700.0)
        hu[z][air] = -950.0 + 30 * rng.standard_normal(int(air.sum()))
        _ = dist
    return {"kind": "skull-base-sinus", "slices": [int(z) for z in lows], "ridgeHu": ridge_hu, "airRadiusMm": air_r}


def streaks(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    """Streak and beam-hardening artefacts in slices with dense bone: 3-8 lines through a bone point with
    alternating sign (10-40 HU, Gaussian profile 0.7-1.5 mm), and a dark band (-8 to -25 HU) on the line
    joining two dense bone points. Applied inside the head only (not in the air)."""
    sp = bg.spacing_zyx_mm
    dense = hu > 1000
    zs = np.flatnonzero(dense.reshape(dense.shape[0], -1).sum(1) > 20)
    if zs.size == 0:
        return None
    ks = sorted(set(rng.choice(zs, size=min(zs.size, int(rng.integers(2, 6))), replace=False).tolist()))
    ny, nx = hu.shape[1:]
    yy, xx = np.mgrid[0:ny, 0:nx]
    amp = float(rng.uniform(10, 40))
    for k in ks:
        head = hu[k] > -500
        pts = np.argwhere(dense[k])
        for li in range(int(rng.integers(3, 9))):
            py, px = pts[rng.integers(len(pts))]
            a = rng.uniform(0, np.pi)
            d = np.abs((yy - py) * np.cos(a) - (xx - px) * np.sin(a)) * sp[1]
            w = rng.uniform(0.7, 1.5)
            hu[k] += (head * (amp * (1 if li % 2 == 0 else -1)) * np.exp(-d ** 2 / (2 * w ** 2))).astype(np.float32)
        p1, p2 = pts[rng.integers(len(pts))], pts[rng.integers(len(pts))]
        if np.hypot(*(p1 - p2)) * sp[1] > 30:
            v = (p2 - p1) / np.hypot(*(p2 - p1))
            t = (yy - p1[0]) * v[0] + (xx - p1[1]) * v[1]
            d = np.abs((yy - p1[0]) * v[1] - (xx - p1[1]) * v[0]) * sp[1]
            band = head & (t > 0) & (t < np.hypot(*(p2 - p1))) & (hu[k] < 300)
            hu[k] -= (band * rng.uniform(8, 25) * np.exp(-d ** 2 / (2 * rng.uniform(3, 8) ** 2))).astype(np.float32)
    return {"kind": "streak-beam-hardening", "slices": ks, "amplitudeHu": amp}


def _outside_skin_band(bg: Background, hu: np.ndarray, k: int, gap_mm: float, thick_mm: float,
                       posterior_only: bool) -> np.ndarray:
    sp = bg.spacing_zyx_mm
    head = hu[k] > -300
    if not head.any():
        return head
    d = ndimage.distance_transform_edt(~head, sampling=sp[1:])
    band = (d > gap_mm) & (d <= gap_mm + thick_mm)
    if posterior_only:
        ys, _ = np.nonzero(head)
        band[: int(ys.mean()), :] = False
    return band


def head_holder(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    gap, thick, val = float(rng.uniform(3, 15)), float(rng.uniform(3, 6)), float(rng.uniform(100, 300))
    foam = float(rng.uniform(-950, -800))
    n = 0
    for k in range(hu.shape[0]):
        band = _outside_skin_band(bg, hu, k, gap, thick, True)
        pad = _outside_skin_band(bg, hu, k, 0.5, gap - 0.5, True) if gap > 2 else np.zeros_like(band)
        hu[k][pad & (hu[k] < -800)] = foam
        hu[k][band] = val + 10 * rng.standard_normal(int(band.sum()))
        n += int(band.any())
    return {"kind": "head-holder", "gapMm": gap, "thicknessMm": thick, "hu": val, "slices": n}


def scalp_muscle(bg: Background, hu: np.ndarray, rng: np.random.Generator) -> Record | None:
    """Soft tissue outside the skull at 45-65 HU: a posterior neck-muscle band, thick in the inferior slices
    and thinning upwards (temporalis-like tissue in the lateral scalp)."""
    val = float(rng.uniform(45, 65))
    nz = hu.shape[0]
    thick0 = float(rng.uniform(6, 15))
    for k in range(nz):
        thick = thick0 * max(0.0, 1 - k / max(nz * 0.6, 1))
        if thick < 1:
            continue
        band = _outside_skin_band(bg, hu, k, 0.0, thick, True)
        hu[k][band] = val + 5 * rng.standard_normal(int(band.sum()))
    return {"kind": "scalp-neck-muscle", "hu": val, "thicknessMm": thick0}


INSERTERS: Dict[str, Callable[[Background, np.ndarray, np.random.Generator], Record | None]] = {
    "choroid_plexus": choroid_plexus, "pineal": pineal, "basal_ganglia": basal_ganglia, "falx": falx,
    "skull_base_sinus": skull_base_and_sinus, "streaks": streaks, "head_holder": head_holder,
    "scalp_muscle": scalp_muscle,
}
# probability that a case gets each (GE head: its real skull base, sinuses and calcifications are kept;
# the synthetic ones are added on top with the same probabilities)
PROBABILITY: Dict[str, float] = {"choroid_plexus": 0.6, "pineal": 0.5, "basal_ganglia": 0.25, "falx": 0.3,
                                 "skull_base_sinus": 0.5, "streaks": 0.5, "head_holder": 0.4, "scalp_muscle": 0.5}


def add_hard_negatives(bg: Background, hu: np.ndarray, rng: np.random.Generator,
                       scale: float = 1.0) -> List[Record]:
    """Draw and insert each hard negative with its PROBABILITY (times ``scale``), in a fixed order."""
    out: List[Record] = []
    for name, fn in INSERTERS.items():
        if rng.random() < PROBABILITY[name] * scale:
            rec = fn(bg, hu, rng)
            if rec is not None:
                out.append(rec)
    return out
