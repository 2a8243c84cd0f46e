"""Case-level detection per lesion kind for the bundle's detection.json (models/BUNDLE-FORMAT.md), pooled over
`sdpm.evaluate_engine` outputs of held-out sets:

    cd models/training && /usr/bin/python3 -m sdpm.detection --eval work/engine-eval/A.json work/engine-eval/B.json \\
        --key yAvg --mode avg --profile cpu-fast --min-true-ml 2 --test-desc "..." --out detection.json

A case is found when its LARGEST true lesion overlaps a lesion the engine kept (`sdpm.evaluate.largest_lesion_found`);
its kind (hemorrhage, infarct, mixed, none) comes from the cases.json of the file's own `data` folder (relative to the
current directory). Rates are stated over the cases whose true volume is >= --min-true-ml, with their exact
(Clopper-Pearson) 95 % interval; a kind without such a case is refused (the bundle must not state a rate from no cases).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .calibration import ENGINE_MODES
from .evaluate import case_lesion_kinds, lesion_kind_table, summarise_by_lesion_kind


def pooled_rows(paths: Sequence[Path], key: str) -> Tuple[List[Dict[str, Any]], Dict[str, str]]:
    """The rows of all files (case names prefixed with their file, so names may repeat across sets) and their kinds."""
    rows: List[Dict[str, Any]] = []
    kinds: Dict[str, str] = {}
    for p in paths:
        ev = json.loads(Path(p).read_text())
        if key not in ev["names"]:
            raise ValueError(f"{p}: no {key} results (names {ev['names']})")
        case_kinds = case_lesion_kinds(Path(ev["data"]))
        if not case_kinds:
            raise ValueError(f"{p}: no cases.json in its data folder {ev['data']} (run from models/training)")
        for r in ev["cases"]:
            if r["case"] not in case_kinds:
                raise ValueError(f"{p}: case {r['case']} is not in {ev['data']}/cases.json")
            name = f"{p}:{r['case']}"
            rows.append({**r, "case": name})
            kinds[name] = case_kinds[r["case"]]
    return rows, kinds


def detection(summary: Dict[str, Any], mode: str, profile: str, test_desc: str, files: Sequence[Path] = ()) -> Dict[str, Any]:
    """The detection.json object of a `summarise_by_lesion_kind` result; ValueError when a kind (or the lesion-free
    cases) has no case to state a rate from."""
    for kind in ("hemorrhage", "infarct", "none"):
        if summary[kind]["nCases"] == 0:
            what = "lesion-free" if kind == "none" else f"{kind} (>= {summary['minTrueMl']:g} mL)"
            raise ValueError(f"no {what} cases in {', '.join(map(str, files)) or 'the input'}: refusing to state a rate")
    keys = ("nCases", "nFound", "foundRate", "ci95", "nCasesAll", "nFoundAll", "dice", "volumeRatioMedian")
    free = summary["none"]
    return {"schema": 1, "method": "largest-true-lesion-overlap", "mode": mode, "profile": profile,
            "minTrueMl": float(summary["minTrueMl"]), "testSet": test_desc,
            "kinds": [{"kind": kind, **{k: summary[kind][k] for k in keys}} for kind in ("hemorrhage", "infarct")],
            "lesionFree": {k: free[k] for k in ("nCases", "nWithFinding", "rate", "ci95")}}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="case-level detection per lesion kind -> the bundle's detection.json")
    ap.add_argument("--eval", nargs="+", required=True, help="sdpm.evaluate_engine --out JSON files (pooled)")
    ap.add_argument("--key", default="yAvg", help="mode key in the files (yAvg, ySal, yInfer, yAll)")
    ap.add_argument("--mode", default=None, help="engine mode name written (avg, sal, infer, all; default from --key)")
    ap.add_argument("--profile", default="cpu-fast")
    ap.add_argument("--min-true-ml", type=float, default=2.0, help="rates over cases with at least this true volume")
    ap.add_argument("--test-desc", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    files = [Path(f) for f in a.eval]
    rows, kinds = pooled_rows(files, a.key)
    summary = summarise_by_lesion_kind(rows, a.key, kinds, a.min_true_ml)
    try:
        det = detection(summary, a.mode or ENGINE_MODES[a.key], a.profile, a.test_desc, files)
    except ValueError as e:
        ap.error(str(e))
    print(lesion_kind_table(summary, f"{len(rows)} cases from {len(files)} files"))
    Path(a.out).write_text(json.dumps(det, indent=1, allow_nan=False) + "\n")
    print(f"{len(rows)} cases ({len(rows) - summary['nMixed']} used, {summary['nMixed']} mixed left out) from "
          f"{len(files)} files -> {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
