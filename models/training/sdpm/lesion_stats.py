"""Per-lesion matching for evaluation and calibration (contract /work/coord/calibration-contract.md).

Lesions are 26-connected components (the engine's LESION_CONNECTIVITY, electron/core/lesions/connectivity.ts).
- Each predicted lesion is matched to the true lesion it overlaps most (by voxel count); an unmatched predicted
  lesion has V_true = 0 (a false positive lesion).
- Each true lesion is detected when any predicted voxel overlaps it; its Dice is computed against the union of
  the predicted lesions that overlap it (0 when missed).
"""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
from scipy import ndimage

_S26 = np.ones((3, 3, 3), dtype=bool)


def components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    lab, n = ndimage.label(mask, structure=_S26)
    return lab, int(n)


def lesion_stats(pred: np.ndarray, ref: np.ndarray, voxel_ml: float) -> Dict[str, List[Dict[str, Any]]]:
    """pred, ref: boolean volumes. Returns {"true": [...], "pred": [...]} with volumes in mL."""
    pl, npred = components(pred)
    rl, nref = components(ref)
    true_rows: List[Dict[str, Any]] = []
    pred_rows: List[Dict[str, Any]] = []
    ref_sizes = np.bincount(rl.ravel(), minlength=nref + 1)
    pred_sizes = np.bincount(pl.ravel(), minlength=npred + 1)
    both = (pl > 0) & (rl > 0)
    pairs = np.stack([pl[both], rl[both]], 1) if both.any() else np.zeros((0, 2), int)
    overlap: Dict[tuple, int] = {}
    for p, r in pairs:
        overlap[(int(p), int(r))] = overlap.get((int(p), int(r)), 0) + 1
    for p in range(1, npred + 1):
        cand = [(c, r) for (pp, r), c in overlap.items() if pp == p]
        r_best = max(cand)[1] if cand else 0
        pred_rows.append({"predMl": float(pred_sizes[p] * voxel_ml),
                          "trueMl": float(ref_sizes[r_best] * voxel_ml) if r_best else 0.0, "trueId": r_best})
    for r in range(1, nref + 1):
        ps = [p for (p, rr) in overlap if rr == r]
        inter = sum(overlap[(p, r)] for p in ps)
        psize = sum(int(pred_sizes[p]) for p in ps)
        t = int(ref_sizes[r])
        true_rows.append({"trueMl": float(t * voxel_ml), "detected": bool(ps),
                          "dice": float(2 * inter / (t + psize)) if (t + psize) else 0.0,
                          "matchedPredMl": float(psize * voxel_ml)})
    return {"true": true_rows, "pred": pred_rows}
