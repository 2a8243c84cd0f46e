"""Intracranial gate: an engine post-processing step that removes predicted lesion outside the skull.

NOT part of the SDPM method (the paper has no such step). It exists because a partly trained model calls the
scalp / skin edge (soft tissue against air, 20-60 HU, which looks like blood in the 0-80 HU window) lesion on
many slices; a stroke tool must only report lesions inside the cranial cavity. The TypeScript engine
(``electron/core/inference/intracranialGate.ts``) implements the same rule bit-exactly (parity test on the real
GE head: ``test/fixtures/intracranial-gate/``). Contract: ``models/BUNDLE-FORMAT.md`` § preprocessing.json,
``intracranialGate``.

Per axial slice, on the model grid (S×S), from the resized HU slice that preprocessing produces before
windowing (``sdpm.preprocessing.resize_slice_hu``: padding HU, pad-to-square, area/bilinear resize):

1. ``bone = hu > boneHu`` (strict).
2. ``F = fill_holes(bone)``: every pixel that cannot reach the image border through 4-connected non-bone
   pixels (the border counts as outside). Background 4-connected = bone 8-connected: a diagonal step between
   two bone pixels closes the ring. ``interior = F & ~bone``.
3. Ring check, two integer tests (counts compared in float64 as ``a >= f * b`` / ``a <= f * b``):
   - ``no-cavity`` unless ``|interior| > 0`` and ``|interior| >= minInteriorFraction * |F|``: the bone encloses
     a real cavity (fails on open rings such as a craniectomy, and at the vertex / skull base where bone
     dominates the slice);
   - ``tissue-outside-ring`` unless ``|pocket| <= maxPocketFraction * |interior|``, where ``pocket`` is the soft
     tissue (``softTissueHu <= hu``, not bone) inside the convex hull of the skull but outside ``F``: brain that
     the ring does not enclose, e.g. a temporal lobe behind thin temporal squama that fell below ``boneHu``
     after resizing, or a temporal pole beside the enclosed posterior fossa at the skull base. The skull is the
     largest 8-connected bone component (head holders and other separate bone-density objects are ignored; ties:
     the first in raster order); its hull is that of the pixel centres (Andrew's monotone chain, collinear points
     dropped) and a pixel is inside when every edge's integer cross product is ``>= 0``. On a closed calvarium the
     hull adds only the skull's small concavities (pocket ~0-3 % of the cavity on the GE head), at the skull
     base the face and the temporal fossae (20-100 % and more).
   With ``hullFallback`` (default) such a slice is gated by the convex hull of the skull itself (rule
   ``skull-hull``; gate = hull OR the grown cavity): the brain beside the cavity is inside the skull's hull, the scalp outside it. On the real GE
   head this removes 37 of the 41 mL of y_avg false positives on those skull-base slices with no intracranial
   pixel outside the hull. Without it the slice is not gated (rule ``tissue-outside-ring``).
4. Both pass (rule ``enclosed``): ``gate = dilate(interior, 3×3, growPixels) & F``: the cavity grown by
   ``growPixels`` into the bone (keeps the partial-volume pixels at the inner table, where a cortical lesion
   touches bone) but never beyond the skull's outer surface (``& F``), so the scalp stays outside.
   A ``no-cavity`` slice is NOT gated (``gate = 1`` everywhere): a convex hull across a craniectomy would cut
   herniated brain, and below the skull base the largest bone may be the mandible or spine; a fallback that
   can cut true lesion is worse than a false positive a reader can delete. The rule is recorded per slice.

Everything is boolean/integer morphology in a fixed order: deterministic and reproducible in any language.
The only floating-point input is the resized HU, which both engines compute in float64 (area means may sum
in a different order): they can disagree only where it lies within rounding (~1e-12 HU) of ``boneHu`` or
``softTissueHu``; with integer HU and 2×2 / 4×4 area resizing (the usual 256/512 -> 128) it is exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from scipy import ndimage

GATE_RULES = ("enclosed", "skull-hull", "no-cavity", "tissue-outside-ring")
_SQUARE = np.ones((3, 3), dtype=bool)
_CROSS = ndimage.generate_binary_structure(2, 1)


@dataclass(frozen=True)
class IntracranialGateConfig:
    """``preprocessing.json`` → ``intracranialGate`` (absent = disabled)."""

    enabled: bool = True
    bone_hu: float = 150.0
    min_interior_fraction: float = 0.1
    soft_tissue_hu: float = 0.0
    max_pocket_fraction: float = 0.1
    grow_pixels: int = 1
    hull_fallback: bool = True

    def to_json(self) -> Dict[str, Any]:
        return {
            "enabled": self.enabled,
            "boneHu": self.bone_hu,
            "minInteriorFraction": self.min_interior_fraction,
            "softTissueHu": self.soft_tissue_hu,
            "maxPocketFraction": self.max_pocket_fraction,
            "growPixels": self.grow_pixels,
            "hullFallback": self.hull_fallback,
            "fallback": "none",
            "note": "engine post-processing, not part of SDPM: removes predicted lesion outside the skull "
                    "(bone 8-connected, background 4-connected; see models/BUNDLE-FORMAT.md)",
        }

    @staticmethod
    def from_json(obj: Optional[Dict[str, Any]]) -> Optional["IntracranialGateConfig"]:
        """The gate block of ``preprocessing.json`` (``None`` when absent or disabled). All parameters are
        required when enabled (nothing is hard-coded on either side)."""
        if obj is None or not bool(obj["enabled"]):
            return None
        if obj.get("fallback", "none") != "none":
            raise ValueError(f"preprocessing.json: intracranialGate.fallback {obj.get('fallback')!r} unsupported (only 'none')")
        return IntracranialGateConfig(
            enabled=True,
            bone_hu=float(obj["boneHu"]),
            min_interior_fraction=float(obj["minInteriorFraction"]),
            soft_tissue_hu=float(obj["softTissueHu"]),
            max_pocket_fraction=float(obj["maxPocketFraction"]),
            grow_pixels=int(obj["growPixels"]),
            hull_fallback=bool(obj["hullFallback"]),
        )


DEFAULT_GATE = IntracranialGateConfig()


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """Pixels not reachable from outside the grid through 4-connected pixels of ``~mask`` (scipy's default)."""
    return ndimage.binary_fill_holes(mask, structure=_CROSS)


def dilate_square(mask: np.ndarray, iterations: int) -> np.ndarray:
    """``iterations`` dilations with the 3×3 square (8-connectivity), zero outside the grid."""
    if iterations <= 0:
        return mask.copy()
    return ndimage.binary_dilation(mask, structure=_SQUARE, iterations=iterations, border_value=0)


def largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected component of ``mask`` (ties: the lowest label, i.e. first in raster order)."""
    lab, n = ndimage.label(mask, structure=_SQUARE)
    if n == 0:
        return np.zeros_like(mask)
    sizes = np.bincount(lab.ravel(), minlength=n + 1)[1:]
    return lab == 1 + int(np.argmax(sizes))


def convex_hull_mask(mask: np.ndarray) -> np.ndarray:
    """Pixels inside or on the convex hull of the pixel centres of ``mask`` (integer arithmetic only)."""
    ys, xs = np.nonzero(mask)
    pts = sorted(zip(xs.tolist(), ys.tolist()))  # (x, y), x then y ascending; pixels are unique

    def cross(o: Tuple[int, int], a: Tuple[int, int], b: Tuple[int, int]) -> int:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: List[Tuple[int, int]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: List[Tuple[int, int]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    poly = lower[:-1] + upper[:-1]
    if len(poly) < 3:  # empty, a point or collinear: the hull is the pixels themselves
        return mask.copy()
    yy, xx = np.mgrid[0:mask.shape[0], 0:mask.shape[1]]
    inside = np.ones(mask.shape, dtype=bool)
    for i, a in enumerate(poly):
        b = poly[(i + 1) % len(poly)]
        inside &= (b[0] - a[0]) * (yy - a[1]) - (b[1] - a[1]) * (xx - a[0]) >= 0
    return inside


@dataclass(frozen=True)
class SliceGate:
    gate: np.ndarray  # bool [S, S]
    rule: str  # one of GATE_RULES
    interior_px: int
    pocket_px: int


def intracranial_gate(hu: np.ndarray, cfg: IntracranialGateConfig = DEFAULT_GATE) -> SliceGate:
    """The gate of one model-grid slice of resized HU (S×S): ``True`` where lesion may be reported."""
    if hu.ndim != 2:
        raise ValueError(f"intracranial_gate: expected a 2-D slice, got shape {hu.shape}")
    bone = hu > cfg.bone_hu
    filled = fill_holes(bone)
    interior = filled & ~bone
    n_int, n_filled = int(interior.sum()), int(filled.sum())
    if n_int == 0 or not float(n_int) >= cfg.min_interior_fraction * float(n_filled):
        return SliceGate(np.ones_like(bone), "no-cavity", n_int, 0)
    hull = convex_hull_mask(largest_component(bone))
    pocket = hull & (hu >= cfg.soft_tissue_hu) & ~filled
    n_pocket = int(pocket.sum())
    cavity = dilate_square(interior, cfg.grow_pixels) & filled
    if not float(n_pocket) <= cfg.max_pocket_fraction * float(n_int):
        if cfg.hull_fallback:
            return SliceGate(hull | cavity, "skull-hull", n_int, n_pocket)
        return SliceGate(np.ones_like(bone), "tissue-outside-ring", n_int, n_pocket)
    return SliceGate(cavity, "enclosed", n_int, n_pocket)


def gate_volume(hu_model: np.ndarray, cfg: IntracranialGateConfig = DEFAULT_GATE) -> Tuple[np.ndarray, List[str]]:
    """Per-slice gates of a stack of model-grid HU slices (z, S, S) -> (bool (z, S, S), rules)."""
    gates = [intracranial_gate(hu_model[k], cfg) for k in range(hu_model.shape[0])]
    return np.stack([g.gate for g in gates]), [g.rule for g in gates]
