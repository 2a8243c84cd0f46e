"""Split-conformal calibration of the volume interval (contract /work/coord/calibration-contract.md).

    cd models/training && /usr/bin/python3 -m sdpm.calibration --calib work/eval/calib.json \\
        --test work/eval/test.json --mode yAvg --profile cpu-fast --n-samples 4 --out ../bundles/NAME/calibration.json

Score s = |V_true - V_pred| / (V_pred + cMl). q = the ceil((n+1)*0.9)-th smallest score of the n calibration
cases (Vovk; Lei et al.); interval [max(0, V - q (V + cMl)), V + q (V + cMl)] (electron/core/lesions/
calibratedInterval.ts is the engine's copy; tests check both agree on a few values). Study level: one score
per case (total volumes); lesion level: one score per predicted lesion (matched to a true lesion by maximum
overlap, V_true = 0 when unmatched; sdpm.lesion_stats). Coverage is measured on the separate test split.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

C_ML = 0.5
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


def coverage(v_true: Sequence[float], v_pred: Sequence[float], q: float, c_ml: float = C_ML) -> float:
    ok = [lo <= t <= hi for t, (lo, hi) in ((t, interval(p, q, c_ml)) for t, p in zip(v_true, v_pred))]
    return float(np.mean(ok)) if ok else float("nan")


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


def calibrate(calib: Dict[str, Any], test: Dict[str, Any], mode: str, profile: str, n_samples: int,
              calib_desc: str, test_desc: str, engine_mode: str) -> Dict[str, Any]:
    out: Dict[str, Any] = {"schema": 1, "method": "split-conformal-relative", "nominalCoverage": NOMINAL,
                           "cMl": C_ML, "mode": engine_mode, "profile": profile, "nSamples": n_samples}
    for level, pairs in (("study", study_pairs), ("lesion", lesion_pairs)):
        tc, pc = pairs(calib, mode)
        tt, pt = pairs(test, mode)
        if not tc or not tt:
            raise ValueError(f"{level}: no {mode} volumes in the calibration ({len(tc)}) or test ({len(tt)}) split")
        q = conformal_q(scores(tc, pc))
        cov = coverage(tt, pt, q)
        lo, hi = coverage_ci95(int(round(cov * len(tt))), len(tt))
        out[level] = {"q": q, "nCalibration": len(tc), "measuredCoverage": cov, "nTest": len(tt),
                      "coverageCi95": [lo, hi]}
    out["calibrationSet"] = calib_desc
    out["testSet"] = test_desc
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="split-conformal volume interval calibration -> calibration.json")
    ap.add_argument("--calib", required=True, help="sdpm.evaluate --out JSON on the calibration split")
    ap.add_argument("--test", required=True, help="sdpm.evaluate --out JSON on the test split")
    ap.add_argument("--mode", default="yAvg", help="evaluate's mode key (yAvg, ySal, yInfer, yAll)")
    ap.add_argument("--engine-mode", default=None, help="engine mode name written (avg, sal, infer, all)")
    ap.add_argument("--profile", default="cpu-fast")
    ap.add_argument("--n-samples", type=int, default=4)
    ap.add_argument("--calib-desc", required=True)
    ap.add_argument("--test-desc", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    engine_mode = a.engine_mode or {"yAvg": "avg", "ySal": "sal", "yInfer": "infer", "yAll": "all"}[a.mode]
    res = calibrate(json.loads(Path(a.calib).read_text()), json.loads(Path(a.test).read_text()), a.mode,
                    a.profile, a.n_samples, a.calib_desc, a.test_desc, engine_mode)
    Path(a.out).write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
