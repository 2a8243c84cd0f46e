"""Procedurally generated non-contrast head CT (supratentorial), with its anatomy masks.

Model (world mm, x toward patient left, y toward posterior, z superior, origin at the brain centre):
brain = perturbed ellipsoid; around it a CSF layer, the skull (outer/inner tables ~1300-1800 HU and a
diploe ~500-800 HU, thickness varying 4-9 mm), the scalp (soft tissue with a fat layer), air. Inside:
cortical grey matter ribbon (35-40 HU) that follows the surface and random sulci (CSF sheets from the
zero set of a band-limited random field, lined by grey matter), white matter (25-30 HU), deep grey
nuclei, lateral ventricles (crescent tubes along a curved centreline, CSF 0-10 HU), third ventricle,
interhemispheric fissure with falx, and in half of the heads each a calcified pineal gland (120-400 HU) or
calcified choroid plexus glomera (80-250 HU), hyperdense but not lesions. Anatomy is evaluated on a fine z grid (about 1.25 mm) and averaged
into the slice thickness (through-plane partial volume). The skull base and posterior fossa are not
modelled: the stack starts above them.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from .background import Background
from .noise import correlated_noise


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int, int], sigma: float) -> np.ndarray:
    f = ndimage.gaussian_filter(rng.standard_normal(size=shape), sigma=sigma, mode="wrap")
    return f / (f.std() + 1e-12)


def _linear_weights(coords: np.ndarray, n: int) -> np.ndarray:
    """Matrix [len(coords), n] of 1-D linear interpolation weights at fractional indices ``coords``."""
    c = np.clip(coords, 0, n - 1 - 1e-9)
    i0 = np.floor(c).astype(int)
    w = c - i0
    m = np.zeros((len(c), n))
    m[np.arange(len(c)), i0] = 1 - w
    m[np.arange(len(c)), np.minimum(i0 + 1, n - 1)] += w
    return m


def _sample_field(field: np.ndarray, lo: np.ndarray, cell_mm: float, z: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Trilinear samples of a coarse field (cell ``cell_mm``, origin ``lo``) on the regular grid spanned by
    the 1-D world coordinate vectors hidden in the broadcastable ``z`` [nz,1,1], ``y`` [1,ny,1], ``x`` [1,1,nx]
    (separable, so three small matrix products)."""
    wz = _linear_weights((z.ravel() - lo[0]) / cell_mm, field.shape[0])
    wy = _linear_weights((y.ravel() - lo[1]) / cell_mm, field.shape[1])
    wx = _linear_weights((x.ravel() - lo[2]) / cell_mm, field.shape[2])
    out = np.tensordot(wz, field, axes=(1, 0))
    out = np.einsum("yb,zbc->zyc", wy, out)
    return np.einsum("zyc,xc->zyx", out, wx).astype(np.float32)


def _ventricle_distance(z: np.ndarray, y: np.ndarray, x: np.ndarray, size: float, side: int) -> np.ndarray:
    """Normalised distance (<1 inside) to one lateral ventricle: a tube along a curved centreline from the
    frontal horn (anterior) through the body to the trigone and occipital horn, flattened laterally."""
    t = np.linspace(0.0, 1.0, 24)
    cy = -28 + 70 * t  # anterior (-) to posterior (+), mm
    cx = side * (3.5 + 1.5 * size + 14 * t ** 2)
    cz = 8 - 22 * np.clip(t - 0.7, 0, None) / 0.3 * 0.6 + 6 * np.sin(np.pi * t) * 0.5
    rx = (1.8 + 2.2 * np.sin(np.pi * np.clip(t * 1.2, 0, 1))) * size  # lateral half-width
    rz = (5.0 + 2.0 * np.sin(np.pi * t)) * size ** 0.7
    ry = 5.0
    best = np.full(np.broadcast(z, y, x).shape, np.inf)
    for k in range(len(t)):
        d = ((x - cx[k]) / rx[k]) ** 2 + ((y - cy[k]) / ry) ** 2 + ((z - cz[k]) / rz[k]) ** 2
        np.minimum(best, d, out=best)
    return np.sqrt(best)


def procedural_head(rng: np.random.Generator, matrix: int = 256, pixel_mm: float | None = None,
                    slice_mm: float | None = None, noise_std_hu: float | None = None) -> Background:
    """Generate one head. Defaults draw pixel size 0.8-1.0 mm at 256² (0.4-0.5 mm at 512²), slice thickness
    2.5-5 mm, head size, skull thickness, ventricle size, tissue HU and noise at random from ``rng``."""
    if pixel_mm is None:
        pixel_mm = float(rng.uniform(0.4, 0.5)) * 512 / matrix
    if slice_mm is None:
        slice_mm = float(rng.choice([2.5, 3.0, 4.0, 5.0]))
    if noise_std_hu is None:  # 3-6 HU at 0.45 mm pixels, lower for larger pixels (averaging)
        noise_std_hu = float(rng.uniform(3.0, 6.0)) * min(1.0, 0.45 / pixel_mm) ** 0.75
    a, b, c = rng.uniform(62, 72), rng.uniform(78, 90), rng.uniform(68, 78)  # brain semi-axes LR, AP, SI
    r_mean = (a + b + c) / 3
    gm_hu, wm_hu = rng.uniform(35, 40), rng.uniform(25, 30)
    csf_hu = rng.uniform(0, 10)
    vent_size = float(np.exp(rng.normal(0.0, 0.3)))
    csf_w = rng.uniform(1.0, 3.5) * (0.8 + 0.4 * (vent_size - 0.5))
    skull_t0 = rng.uniform(5.0, 8.0)
    gm_w = rng.uniform(2.5, 3.5)

    z_lo = -rng.uniform(22, 32)
    z_hi = c + csf_w + skull_t0 + 6
    n_slices = int(np.floor((z_hi - z_lo) / slice_mm))
    sub = max(1, int(round(slice_mm / 1.7)))
    zf = z_lo + (np.arange(n_slices * sub) + 0.5) * (slice_mm / sub)

    coord = (np.arange(matrix) - matrix / 2 + 0.5) * pixel_mm
    y = coord[None, :, None] + rng.uniform(-6, 6)
    x = coord[None, None, :] + rng.uniform(-5, 5)
    z = zf[:, None, None]

    # coarse random fields on a 3 mm grid
    cell = 3.0
    lo = np.array([z_lo - 10, coord[0] - 20, coord[0] - 20])
    dims = (int((z_hi - z_lo + 20) / cell) + 2, int((matrix * pixel_mm + 40) / cell) + 2, int((matrix * pixel_mm + 40) / cell) + 2)
    surf = _smooth_field(rng, dims, 4.0)
    sulc = _smooth_field(rng, dims, 1.6)
    skull_var = _smooth_field(rng, dims, 5.0)

    rho = np.sqrt((x / a) ** 2 + (y / b) ** 2 + (z / c) ** 2)
    rho = rho * (1 + 0.015 * _sample_field(surf, lo, cell, z, y, x))
    s = (rho - 1.0) * r_mean  # ~signed distance to the brain surface, mm (+ outside)

    hu = np.full(s.shape, -1000.0, dtype=np.float32)
    skull_t = skull_t0 * (1 + 0.25 * _sample_field(skull_var, lo, cell, z, y, x))
    inner = csf_w
    outer = csf_w + skull_t
    scalp_t = rng.uniform(4, 8)
    hu[(s > outer) & (s <= outer + scalp_t)] = rng.uniform(30, 45)
    fat = (s > outer + 1.0) & (s <= outer + 1.0 + scalp_t * 0.3)
    hu[fat] = rng.uniform(-80, -30)
    bone = (s > inner) & (s <= outer)
    depth = np.clip((s - inner) / np.maximum(skull_t, 1e-3), 0, 1)
    table_hu, diploe_hu = rng.uniform(1300, 1800), rng.uniform(500, 800)
    hu[bone] = (table_hu + (diploe_hu - table_hu) * np.exp(-((depth - 0.5) / 0.2) ** 2))[bone]
    hu[(s > 0) & (s <= inner)] = csf_hu
    brain = s <= 0

    # parenchyma: white matter, cortical ribbon, sulci lined by grey matter
    g = _sample_field(sulc, lo, cell, z, y, x)
    sulcal_depth = rng.uniform(12, 20)
    near_surface = -s < sulcal_depth
    sulcus = brain & near_surface & (np.abs(g) < rng.uniform(0.06, 0.11) * (1 + 0.5 * (vent_size - 1)))
    sulcal_gm = brain & (-s < sulcal_depth + gm_w) & (np.abs(g) < 0.28)
    gm = brain & ((-s < gm_w) | sulcal_gm)
    hu[brain] = wm_hu
    hu[gm] = gm_hu
    # deep grey nuclei (caudate/lentiform/thalamus) as ellipsoids
    for side in (-1, 1):
        for (cy_, cx_, cz_, ry_, rx_, rz_) in [(-14, 12, 2, 10, 5, 8), (-2, 22, -4, 14, 6, 10), (14, 10, -2, 12, 8, 9)]:
            d = ((x - side * cx_) / rx_) ** 2 + ((y - cy_) / ry_) ** 2 + ((z - cz_) / rz_) ** 2
            hu[brain & (d < 1)] = gm_hu - rng.uniform(0, 3)
    hu[sulcus] = csf_hu
    # interhemispheric fissure with falx
    fiss = brain & (np.abs(x) < 1.6) & ((-s < 25) | (np.abs(y) > 35)) & (z > -15)
    hu[fiss] = csf_hu
    hu[brain & (np.abs(x) < 0.5) & ((-s < 25) | (np.abs(y) > 35)) & (z > -15)] = rng.uniform(45, 60)
    # ventricles
    vent = np.zeros(s.shape, dtype=bool)
    zb = (z.ravel() > -30) & (z.ravel() < 30)
    yb = np.abs(y.ravel()) < 60
    xb = np.abs(x.ravel()) < 45
    sub_vent = np.zeros((zb.sum(), yb.sum(), xb.sum()), dtype=bool)
    for side in (-1, 1):
        sub_vent |= _ventricle_distance(z[zb], y[:, yb], x[:, :, xb], vent_size, side) < 1.0
    vent[np.ix_(zb, yb, xb)] = sub_vent
    vent |= (np.abs(x) < 0.8 + 0.7 * vent_size) & (np.abs(y + 2) < 11) & (z > -20) & (z < -4)
    vent &= brain & (-s > 8)
    hu[vent] = csf_hu
    # physiological calcifications (hyperdense but not lesions): pineal gland, choroid plexus glomera
    calc_info: dict[str, float] = {}
    if rng.random() < 0.5:
        r_p, hu_p = float(rng.uniform(2.0, 4.0)), float(rng.uniform(120, 400))
        pin = (x ** 2 + (y - 12) ** 2 + (z + 6) ** 2) < r_p ** 2
        hu[pin & brain] = hu_p
        calc_info["pinealHu"] = hu_p
    if rng.random() < 0.5:
        r_c, hu_c = float(rng.uniform(2.0, 4.0)), float(rng.uniform(80, 250))
        cx_c = 3.5 + 1.5 * vent_size + 14 * 0.64
        for side in (-1, 1):
            chor = ((x - side * cx_c) ** 2 + (y - 28) ** 2 + ((z - 5.5) / 1.3) ** 2) < r_c ** 2
            hu[chor & brain] = hu_c
        calc_info["choroidHu"] = hu_c

    # average the fine z grid into slices (through-plane partial volume)
    def slab(a_: np.ndarray) -> np.ndarray:
        return a_.reshape(n_slices, sub, matrix, matrix).mean(axis=1)

    hu_s = slab(hu).astype(np.float32)
    frac_brain = slab(brain.astype(np.float32))
    frac_vent = slab(vent.astype(np.float32))
    frac_csf = slab((sulcus | fiss | vent | ((s > 0) & (s <= inner))).astype(np.float32))
    intracranial = slab((s <= inner).astype(np.float32)) >= 0.5
    ventricles = frac_vent >= 0.5
    parenchyma = (frac_brain >= 0.99) & (frac_csf < 0.2)

    hu_s += correlated_noise(rng, hu_s.shape, noise_std_hu, corr_px=max(0.6, 1.2 * 0.45 / pixel_mm))
    # circular reconstruction field of view; outside it the scanner's padding value
    fov = (coord[:, None] ** 2 + coord[None, :] ** 2) > (matrix * pixel_mm / 2) ** 2
    pad_hu = float(rng.choice([-1024.0, -2000.0, -3024.0]))
    hu_s[:, fov] = pad_hu

    zc = int(np.argmin(np.abs(z_lo + (np.arange(n_slices) + 0.5) * slice_mm)))
    return Background(
        name="procedural",
        hu=hu_s,
        spacing_zyx_mm=np.array([slice_mm, pixel_mm, pixel_mm]),
        intracranial=intracranial,
        parenchyma=parenchyma,
        ventricles=ventricles,
        ignore=np.zeros(hu_s.shape, dtype=bool),
        hemisphere_centre_x=float(matrix / 2 - 0.5 - x.ravel()[0] / pixel_mm + coord[0] / pixel_mm),
        brain_centre_zyx=np.array([zc, matrix / 2, matrix / 2], dtype=np.float64),
        noise_std_hu=noise_std_hu,
        pad_hu=-1024.0,
        info={"matrix": matrix, "pixelMm": pixel_mm, "sliceMm": slice_mm, "noiseStdHu": noise_std_hu,
              "gmHu": gm_hu, "wmHu": wm_hu, "csfHu": csf_hu, "ventricleSize": vent_size, "outsideFovHu": pad_hu,
              **calc_info},
    )
