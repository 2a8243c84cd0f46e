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
3. Ring check, two integer tests (counts compared in float64, ``a >= f * b``):
   - ``enclosed``: ``|interior| >= minInteriorFraction * |F|`` (the bone encloses a real cavity; fails on
     open rings such as a craniectomy, and at the vertex/skull base where bone dominates);
   - ``no gap``: bridge gaps of up to ``2 * bridgePixels`` pixels by dilating ``bone`` ``bridgePixels`` times
     with the 3×3 square (8-connectivity, zero outside the grid) -> ``D``; ``leak = fill_holes(D) & ~D & ~F``
     is what only becomes enclosed after bridging (e.g. a temporal lobe behind thin temporal squama that fell
     below ``boneHu`` after resizing). The ring is gap-free if ``|leak| <= maxLeakFraction * |interior|``.
4. Both pass (rule ``enclosed``): ``gate = dilate(interior, 3×3, growPixels) & F``: the cavity grown by
   ``growPixels`` into the bone (keeps the partial-volume pixels at the inner table, where a cortical lesion
   touches bone) but never beyond the skull's outer surface (``& F``), so the scalp stays outside.
   Otherwise the slice is NOT gated (``gate = 1`` everywhere) and the rule is recorded as ``no-cavity`` or
   ``gap-in-ring``: a fallback that can cut true lesion (a convex hull across a craniectomy cuts herniated
   brain; the cavity of an open ring cuts the temporal lobes at the skull base) is worse than a false
   positive a reader can delete.

Everything is boolean/integer morphology in a fixed order: deterministic and reproducible in any language.
The only floating-point input is the resized HU, which both engines compute in float64 in the same order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from scipy import ndimage

GATE_RULES = ("enclosed", "no-cavity", "gap-in-ring")
_SQUARE = np.ones((3, 3), dtype=bool)
_CROSS = ndimage.generate_binary_structure(2, 1)


@dataclass(frozen=True)
class IntracranialGateConfig:
    """``preprocessing.json`` → ``intracranialGate`` (absent = disabled)."""

    enabled: bool = True
    bone_hu: float = 150.0
    min_interior_fraction: float = 0.1
    bridge_pixels: int = 2
    max_leak_fraction: float = 0.05
    grow_pixels: int = 1

    def to_json(self) -> Dict[str, Any]:
        return {
            "enabled": self.enabled,
            "boneHu": self.bone_hu,
            "minInteriorFraction": self.min_interior_fraction,
            "bridgePixels": self.bridge_pixels,
            "maxLeakFraction": self.max_leak_fraction,
            "growPixels": self.grow_pixels,
            "fallback": "none",
            "connectivity": "bone 8-connected (3x3 square dilation), background 4-connected (hole filling)",
            "note": "engine post-processing, not part of SDPM: removes predicted lesion outside the skull",
        }

    @staticmethod
    def from_json(obj: Optional[Dict[str, Any]]) -> Optional["IntracranialGateConfig"]:
        """The gate block of ``preprocessing.json`` (``None`` when absent or disabled)."""
        if obj is None:
            return None
        if obj.get("fallback", "none") != "none":
            raise ValueError(f"preprocessing.json: intracranialGate.fallback {obj.get('fallback')!r} unsupported (only 'none')")
        cfg = IntracranialGateConfig(
            enabled=bool(obj["enabled"]),
            bone_hu=float(obj.get("boneHu", 150.0)),
            min_interior_fraction=float(obj.get("minInteriorFraction", 0.1)),
            bridge_pixels=int(obj.get("bridgePixels", 2)),
            max_leak_fraction=float(obj.get("maxLeakFraction", 0.05)),
            grow_pixels=int(obj.get("growPixels", 1)),
        )
        return cfg if cfg.enabled else None


DEFAULT_GATE = IntracranialGateConfig()


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """Pixels not reachable from outside the grid through 4-connected pixels of ``~mask`` (scipy's default)."""
    return ndimage.binary_fill_holes(mask, structure=_CROSS)


def dilate_square(mask: np.ndarray, iterations: int) -> np.ndarray:
    """``iterations`` dilations with the 3×3 square (8-connectivity), zero outside the grid."""
    if iterations <= 0:
        return mask.copy()
    return ndimage.binary_dilation(mask, structure=_SQUARE, iterations=iterations, border_value=0)


@dataclass(frozen=True)
class SliceGate:
    gate: np.ndarray  # bool [S, S]
    rule: str  # one of GATE_RULES
    interior_px: int
    leak_px: int


def intracranial_gate(hu: np.ndarray, cfg: IntracranialGateConfig = DEFAULT_GATE) -> SliceGate:
    """The gate of one model-grid slice of resized HU (S×S): ``True`` where lesion may be reported."""
    if hu.ndim != 2:
        raise ValueError(f"intracranial_gate: expected a 2-D slice, got shape {hu.shape}")
    bone = hu > cfg.bone_hu
    filled = fill_holes(bone)
    interior = filled & ~bone
    n_int, n_filled = int(interior.sum()), int(filled.sum())
    d = dilate_square(bone, cfg.bridge_pixels)
    leak = fill_holes(d) & ~d & ~filled
    n_leak = int(leak.sum())
    if n_int == 0 or not float(n_int) >= cfg.min_interior_fraction * float(n_filled):
        return SliceGate(np.ones_like(bone), "no-cavity", n_int, n_leak)
    if not float(n_leak) <= cfg.max_leak_fraction * float(n_int):
        return SliceGate(np.ones_like(bone), "gap-in-ring", n_int, n_leak)
    return SliceGate(dilate_square(interior, cfg.grow_pixels) & filled, "enclosed", n_int, n_leak)


def gate_volume(hu_model: np.ndarray, cfg: IntracranialGateConfig = DEFAULT_GATE) -> Tuple[np.ndarray, List[str]]:
    """Per-slice gates of a stack of model-grid HU slices (z, S, S) -> (bool (z, S, S), rules)."""
    gates = [intracranial_gate(hu_model[k], cfg) for k in range(hu_model.shape[0])]
    return np.stack([g.gate for g in gates]), [g.rule for g in gates]
