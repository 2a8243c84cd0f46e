"""The real GE head (dcm2niix's tilt-corrected NIfTI of ``dicom/ge-head-ncct``) as a lesion background.

The head has old, unlabelled posterior hypodense infarcts and periventricular white-matter hypodensity.
They must not teach the model that a real hypodense lesion is background, so :func:`ge_masks` finds them
once (hypodense, non-ventricular tissue within the brain, smoothed HU below ``hypo_hu``, components of at
least ``min_ml``, dilated) and the generator (1) emits them as the per-voxel ``ignore`` mask (loss weight 0),
and (2) never inserts an infarct within ``avoid_mm`` of them. See models/training/DATA.md.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nibabel as nib
import numpy as np
from scipy import ndimage

from .background import Background

REPO_ROOT = Path(__file__).resolve().parents[4]
GE_TILT_NIFTI = REPO_ROOT.parent / "shared" / "data" / "dicom" / "reference-nifti" / "ge_head_2_Tilt_Eq_1.nii.gz"


def nifti_to_display(img: nib.Nifti1Image) -> tuple[np.ndarray, np.ndarray]:
    """NIfTI -> (array (z, row, col) in display orientation, spacing (z, row, col) mm).

    Reorients to the closest canonical RAS+ axes, then columns run right -> left and rows anterior ->
    posterior (DICOM display convention). Spacing is the length of each reoriented voxel axis."""
    can = nib.as_closest_canonical(img)
    a = np.asanyarray(can.dataobj)
    disp = np.transpose(a[::-1, ::-1, :], (2, 1, 0))
    zooms = np.linalg.norm(can.affine[:3, :3], axis=0)
    return np.ascontiguousarray(disp), np.array([zooms[2], zooms[1], zooms[0]])


def _per_slice(fn, vol: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.stack([fn(vol[k]) for k in range(vol.shape[0])])


def ge_masks(hu: np.ndarray, spacing: np.ndarray, hypo_hu: float = 20.0, min_ml: float = 0.15,
             dilate_mm: float = 3.0) -> dict[str, np.ndarray]:
    """Intracranial, parenchyma, ventricle and old-lesion (ignore) masks of a real head CT (z, y, x)."""
    px = float(spacing[1])
    skull = hu > 250
    intracranial = _per_slice(lambda s: ndimage.binary_fill_holes(s) & ~s, skull)
    intracranial = _per_slice(lambda s: ndimage.binary_opening(s, iterations=2), intracranial)
    lab, n = ndimage.label(intracranial)
    if n > 1:  # keep components of real size only (drops sinuses/orbits)
        sizes = ndimage.sum(intracranial, lab, index=np.arange(1, n + 1)) * np.prod(spacing) / 1000
        intracranial = np.isin(lab, 1 + np.flatnonzero(sizes > 20))
    inner = _per_slice(lambda s: ndimage.binary_erosion(s, iterations=max(1, int(round(4 / px)))), intracranial)
    sm = ndimage.gaussian_filter(hu.astype(np.float32), sigma=(0, 1.5 / px, 1.5 / px))
    hypo = inner & (sm < hypo_hu) & (sm > -50)
    # ventricles: hypodense components that reach the central region of the slice's intracranial area
    vent = np.zeros_like(hypo)
    for k in range(hu.shape[0]):
        if not intracranial[k].any():
            continue
        cy, cx = ndimage.center_of_mass(intracranial[k])
        yy, xx = np.ogrid[: hu.shape[1], : hu.shape[2]]
        central = ((yy - cy) * px) ** 2 / 30 ** 2 + ((xx - cx) * px) ** 2 / 22 ** 2 < 1
        csf = inner[k] & (sm[k] < 14)
        lab2, n2 = ndimage.label(csf)
        if n2:
            hit = np.unique(lab2[central & csf])
            vent[k] = np.isin(lab2, hit[hit > 0])
    old = hypo & ~_per_slice(lambda s: ndimage.binary_dilation(s, iterations=max(1, int(round(2 / px)))), vent)
    lab3, n3 = ndimage.label(old)
    if n3:
        sizes = ndimage.sum(old, lab3, index=np.arange(1, n3 + 1)) * np.prod(spacing) / 1000
        old = np.isin(lab3, 1 + np.flatnonzero(sizes >= min_ml))
    it = max(1, int(round(dilate_mm / px)))
    ignore = _per_slice(lambda s: ndimage.binary_dilation(s, iterations=it), old) & intracranial
    parenchyma = inner & (sm >= 18) & (sm <= 50) & ~ignore
    return {"intracranial": intracranial, "parenchyma": parenchyma, "ventricles": vent & ~ignore, "ignore": ignore}


@lru_cache(maxsize=1)
def load_ge_head(path: str = str(GE_TILT_NIFTI)) -> Background:
    """The GE head with its masks (computed once per process)."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"GE head background not found: {p} (expected ../shared/data relative to the repo)")
    img = nib.load(str(p))
    hu, spacing = nifti_to_display(img)
    hu = hu.astype(np.float32)
    masks = ge_masks(hu, spacing)
    zc = float(np.mean(np.nonzero(masks["parenchyma"])[0]))
    return Background(
        name="ge-head", hu=hu, spacing_zyx_mm=spacing, intracranial=masks["intracranial"],
        parenchyma=masks["parenchyma"], ventricles=masks["ventricles"], ignore=masks["ignore"],
        hemisphere_centre_x=hu.shape[2] / 2, brain_centre_zyx=np.array([zc, hu.shape[1] / 2, hu.shape[2] / 2]),
        noise_std_hu=0.0, pad_hu=-1500.0, info={"source": str(p.name)},
    )


def ge_variant(rng: np.random.Generator, base: Background | None = None) -> Background:
    """A randomised copy of the GE head: left-right flip (p 0.5), in-plane rotation +-10 deg, a random
    contiguous block of slices (>= 60 % of the stack), slice thickness kept (2.8 mm) or doubled by averaging
    pairs (5.6 mm), intensity jitter (tissue HU * U(0.97, 1.03) + U(-3, 3)) and 0-2 HU extra correlated noise."""
    from .noise import correlated_noise

    b = base if base is not None else load_ge_head()
    nz = b.hu.shape[0]
    n_keep = int(rng.integers(int(0.6 * nz), nz + 1))
    z0 = int(rng.integers(0, nz - n_keep + 1))
    zsl = slice(z0, z0 + n_keep)
    hu = b.hu[zsl].copy()
    bits = (b.intracranial[zsl].astype(np.uint8) | (b.parenchyma[zsl].astype(np.uint8) << 1)
            | (b.ventricles[zsl].astype(np.uint8) << 2) | (b.ignore[zsl].astype(np.uint8) << 3))
    flip = bool(rng.random() < 0.5)
    if flip:
        hu, bits = hu[:, :, ::-1], bits[:, :, ::-1]
    angle = float(rng.uniform(-10, 10))
    if abs(angle) > 0.05:
        th = np.deg2rad(angle)
        sy, sx = b.spacing_zyx_mm[1], b.spacing_zyx_mm[2]
        # rotation in mm about the slice centre, expressed in (row, col) voxel units
        rot = np.array([[np.cos(th), -np.sin(th) * sx / sy], [np.sin(th) * sy / sx, np.cos(th)]])
        mat = np.eye(3)
        mat[1:, 1:] = rot
        centre = np.array([0.0, (hu.shape[1] - 1) / 2, (hu.shape[2] - 1) / 2])
        offset = centre - mat @ centre
        hu = ndimage.affine_transform(hu, mat, offset=offset, order=1, cval=b.pad_hu, output=np.float32)
        bits = ndimage.affine_transform(bits, mat, offset=offset, order=0, cval=0)
    spacing = b.spacing_zyx_mm.copy()
    if rng.random() < 0.5 and hu.shape[0] >= 4:
        n2 = hu.shape[0] // 2 * 2
        hu = hu[:n2].reshape(n2 // 2, 2, *hu.shape[1:]).mean(axis=1)
        lo_b, hi_b = bits[0:n2:2], bits[1:n2:2]
        bits = (lo_b & hi_b & 7) | ((lo_b | hi_b) & 8)  # anatomy: both slices; ignore: either slice
        spacing[0] *= 2
    tissue = hu > -200
    gain, offs = float(rng.uniform(0.97, 1.03)), float(rng.uniform(-3, 3))
    hu = np.where(tissue, hu * gain + offs, hu).astype(np.float32)
    extra = float(rng.uniform(0, 2))
    if extra > 0.1:
        hu += correlated_noise(rng, hu.shape, extra, 0.8) * tissue
    ic = (bits & 1) > 0
    return Background(
        name="ge-head", hu=np.ascontiguousarray(hu), spacing_zyx_mm=spacing, intracranial=ic,
        parenchyma=(bits & 2) > 0, ventricles=(bits & 4) > 0, ignore=(bits & 8) > 0,
        hemisphere_centre_x=hu.shape[2] / 2,
        brain_centre_zyx=np.array([hu.shape[0] / 2, hu.shape[1] / 2, hu.shape[2] / 2]),
        noise_std_hu=0.0, pad_hu=b.pad_hu,
        info={"source": b.info.get("source", ""), "flipLR": flip, "rotationDeg": angle, "firstSlice": z0,
              "nSlices": int(hu.shape[0]), "sliceMm": float(spacing[0]), "gain": gain, "offsetHu": offs,
              "extraNoiseHu": extra},
    )
