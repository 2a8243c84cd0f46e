"""Split-conformal calibration of the volume interval (contract /work/coord/calibration-contract.md).

    cd models/training && /usr/bin/python3 -m sdpm.calibration --calib work/eval/calib.json \\
        --test work/eval/test.json --mode yAvg --profile cpu-fast --n-samples 4 --out ../bundles/NAME/calibration.json

Score s = |V_true - V_pred| / (V_pred + cMl). q = the ceil((n+1)*0.9)-th smallest score of the n calibration
cases (Vovk; Lei et al.); interval [max(0, V - q (V + cMl)), V + q (V + cMl)] (electron/core/lesions/
calibratedInterval.ts is the engine's copy; tests check both agree on a few values). Study level: one score
per case (total volumes); lesion level: one score per predicted lesion (matched to a true lesion by maximum
overlap, V_true = 0 when unmatched; sdpm.lesion_stats). Coverage is measured on the separate test split.

Mondrian (``--study-bins 0.5,5``, method "split-conformal-relative-binned"): the same score and rank, but one q per
bin of PREDICTED volume, each from the calibration volumes in that bin only. Split conformal's guarantee then holds
within each bin (Vovk's Mondrian conformal prediction): a study predicted at 18 mL gets the error spread of studies
predicted at that size, not the average over all sizes, in which empty predictions with missed lesions dominate.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

C_ML = 0.5
# evaluate's mode keys -> the engine's mode names (report.json, calibration.json, detection.json)
ENGINE_MODES = {"yAvg": "avg", "ySal": "sal", "yInfer": "infer", "yAll": "all"}
NOMINAL = 0.9


def scores(v_true: Sequence[float], v_pred: Sequence[float], c_ml: float = C_ML) -> np.ndarray:
    t, p = np.asarray(v_true, float), np.asarray(v_pred, float)
    return np.abs(t - p) / (p + c_ml)


def conformal_q(s: Sequence[float], nominal: float = NOMINAL) -> float:
    """The ceil((n+1) nominal)-th smallest score (inf when that rank exceeds n)."""
    s = np.sort(np.asarray(s, float))
    k = math.ceil((len(s) + 1) * nominal)
    return float(s[k - 1]) if 1 <= k <= len(s) else float("inf")


def interval(v_ml: float, q: float, c_ml: float = C_ML) -> Tuple[float, float]:
    half = q * (v_ml + c_ml)
    return max(0.0, v_ml - half), v_ml + half


def covered(v_true: Sequence[float], v_pred: Sequence[float], q: float, c_ml: float = C_ML) -> int:
    """How many true volumes lie inside the intervals of their predictions."""
    return sum(lo <= t <= hi for t, (lo, hi) in ((t, interval(p, q, c_ml)) for t, p in zip(v_true, v_pred)))


def coverage(v_true: Sequence[float], v_pred: Sequence[float], q: float, c_ml: float = C_ML) -> float:
    n = len(v_true)
    return covered(v_true, v_pred, q, c_ml) / n if n else float("nan")


def coverage_ci95(k: int, n: int) -> Tuple[float, float]:
    """Clopper-Pearson (exact binomial) 95 % interval of a coverage measured as k covered of n test cases: how far
    the measured rate can lie from the true one by chance alone (48 cases: about +-0.1)."""
    from scipy.stats import beta

    lo = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    return lo, hi


def study_pairs(ev: Dict[str, Any], mode: str) -> Tuple[List[float], List[float]]:
    rows = [r for r in ev["cases"] if mode in r["pred_ml"]]
    return [r["ref_ml"] for r in rows], [r["pred_ml"][mode] for r in rows]


def lesion_pairs(ev: Dict[str, Any], mode: str) -> Tuple[List[float], List[float]]:
    t: List[float] = []
    p: List[float] = []
    for r in ev["cases"]:
        for les in r.get("lesions", {}).get(mode, {}).get("pred", []):
            t.append(les["trueMl"])
            p.append(les["predMl"])
    return t, p


def bin_index(v_ml: float, edges: Sequence[float]) -> int:
    """The bin of a predicted volume: bin 0 is [0, edges[0]), bin i is [edges[i-1], edges[i]), the last is open."""
    return int(np.searchsorted(np.asarray(edges, float), v_ml, side="right"))


def calibrate_level(tc: Sequence[float], pc: Sequence[float], tt: Sequence[float], pt: Sequence[float],
                    edges: Sequence[float] = (), as_bins: bool = False) -> Dict[str, Any]:
    """One level (study or lesion). Without ``edges``: one q for all volumes (split conformal), written as ``q``
    (method "split-conformal-relative") or, with ``as_bins``, as one bin from 0 mL (a level of a binned file). With
    ``edges`` (ascending predicted-volume bounds in mL): Mondrian split conformal, one q per bin of PREDICTED volume
    (known when the interval is reported), so the stated rate holds for results of each size separately instead of on
    average over all sizes. Each bin needs at least 9 calibration volumes (else its q is infinite) and one test
    volume (else its coverage cannot be measured): a ValueError says which bin lacks them."""
    tc, pc, tt, pt = (np.asarray(a, float) for a in (tc, pc, tt, pt))
    if not edges and not as_bins:
        q = conformal_q(scores(tc, pc))
        k = covered(tt, pt, q)
        return {"q": q, "nCalibration": len(tc), "measuredCoverage": k / len(tt), "nTest": len(tt),
                "coverageCi95": list(coverage_ci95(k, len(tt)))}
    if edges and (list(edges) != sorted(edges) or edges[0] <= 0):
        raise ValueError(f"bin edges must be ascending and > 0 mL (got {list(edges)})")
    bc = np.array([bin_index(v, edges) for v in pc])
    bt = np.array([bin_index(v, edges) for v in pt])
    bins: List[Dict[str, Any]] = []
    n_covered = 0
    for i in range(len(edges) + 1):
        lo_ml = 0.0 if i == 0 else float(edges[i - 1])
        name = f"[{lo_ml:g}, {edges[i]:g}) mL" if i < len(edges) else f">= {lo_ml:g} mL"
        mc, mt = bc == i, bt == i
        q = conformal_q(scores(tc[mc], pc[mc]))
        if not math.isfinite(q):
            raise ValueError(f"bin {name}: {int(mc.sum())} calibration volumes, too few for a finite q (need >= 9)")
        if not mt.any():
            raise ValueError(f"bin {name}: no test volumes, its coverage cannot be measured")
        k = covered(tt[mt], pt[mt], q)
        n_covered += k
        bins.append({"fromMl": lo_ml, "q": q, "nCalibration": int(mc.sum()), "measuredCoverage": k / int(mt.sum()),
                     "nTest": int(mt.sum()), "coverageCi95": list(coverage_ci95(k, int(mt.sum())))})
    return {"nCalibration": len(tc), "measuredCoverage": n_covered / len(tt), "nTest": len(tt),
            "coverageCi95": list(coverage_ci95(n_covered, len(tt))), "bins": bins}


def level_interval(v_ml: float, level: Dict[str, Any], c_ml: float = C_ML) -> Tuple[float, float]:
    """The interval of a volume at one level of a calibration.json (binned or not): the engine's rule."""
    if "bins" not in level:
        return interval(v_ml, level["q"], c_ml)
    bins = level["bins"]
    return interval(v_ml, bins[bin_index(v_ml, [b["fromMl"] for b in bins[1:]])]["q"], c_ml)


def calibrate(calib: Dict[str, Any], test: Dict[str, Any], mode: str, profile: str, n_samples: int,
              calib_desc: str, test_desc: str, engine_mode: str, study_bins: Sequence[float] = (),
              lesion_bins: Sequence[float] = ()) -> Dict[str, Any]:
    binned = bool(study_bins) or bool(lesion_bins)
    out: Dict[str, Any] = {"schema": 1, "method": "split-conformal-relative-binned" if binned else "split-conformal-relative",
                           "nominalCoverage": NOMINAL, "cMl": C_ML, "mode": engine_mode, "profile": profile,
                           "nSamples": n_samples}
    for level, pairs, edges in (("study", study_pairs, study_bins), ("lesion", lesion_pairs, lesion_bins)):
        tc, pc = pairs(calib, mode)
        tt, pt = pairs(test, mode)
        if not tc or not tt:
            raise ValueError(f"{level}: no {mode} volumes in the calibration ({len(tc)}) or test ({len(tt)}) split")
        out[level] = calibrate_level(tc, pc, tt, pt, edges, as_bins=binned)  # a binned file states every level as bins
    out["calibrationSet"] = calib_desc
    out["testSet"] = test_desc
    return out


def pooled(paths: Sequence[str]) -> Dict[str, Any]:
    """Several evaluation files as one: their case rows concatenated (the rows are all this module reads)."""
    evs = [json.loads(Path(p).read_text()) for p in paths]
    return {"cases": [r for ev in evs for r in ev["cases"]], "sources": list(paths)}


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description="split-conformal volume interval calibration -> calibration.json")
    ap.add_argument("--calib", required=True, nargs="+",
                    help="sdpm.evaluate(_engine) --out JSON on the calibration split (several: pooled case by case)")
    ap.add_argument("--test", required=True, nargs="+", help="the same on the test split (several: pooled)")
    ap.add_argument("--mode", default="yAvg", help="evaluate's mode key (yAvg, ySal, yInfer, yAll)")
    ap.add_argument("--engine-mode", default=None, help="engine mode name written (avg, sal, infer, all)")
    ap.add_argument("--profile", default="cpu-fast")
    ap.add_argument("--n-samples", type=int, default=4)
    ap.add_argument("--calib-desc", required=True)
    ap.add_argument("--test-desc", required=True)
    ap.add_argument("--study-bins", default="", help="Mondrian bins of predicted study volume, edges in mL, e.g. 0.5,5")
    ap.add_argument("--lesion-bins", default="", help="Mondrian bins of predicted lesion volume, edges in mL, e.g. 1,5")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    edges = lambda s: tuple(float(x) for x in s.split(",") if x.strip())  # noqa: E731
    engine_mode = a.engine_mode or ENGINE_MODES[a.mode]
    res = calibrate(pooled(a.calib), pooled(a.test), a.mode,
                    a.profile, a.n_samples, a.calib_desc, a.test_desc, engine_mode,
                    edges(a.study_bins), edges(a.lesion_bins))
    Path(a.out).write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
