"""Summary statistics of a generated dataset's cases.json.

    python3 -m sdpm.data.stats work/synth-train
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np


def summarise(cases: list[dict[str, Any]]) -> dict[str, Any]:
    vols = np.array([c["trueVolumeMl"] for c in cases if c["lesions"]])
    targets = np.array([les["target_volume_ml"] for c in cases for les in c["lesions"]])
    q = [0.05, 0.25, 0.5, 0.75, 0.95]
    kinds = Counter(f"{les['type']}/{les['subtype']}" for c in cases for les in c["lesions"])
    hem = [les["mean_hu"] for c in cases for les in c["lesions"] if les["type"] == "hemorrhage" and len(c["lesions"]) == 1]
    inf = [les["mean_hu"] - les["reference_hu"] for c in cases for les in c["lesions"]
           if les["type"] == "infarct" and len(c["lesions"]) == 1]
    n_slices = sum(c["shapeZyx"][0] for c in cases)
    n_lesion_slices = sum(len(c["lesionSlices"]) for c in cases)
    return {
        "cases": len(cases),
        "lesionFreeCases": sum(1 for c in cases if not c["lesions"]),
        "backgrounds": dict(Counter(c["background"]["name"] for c in cases)),
        "lesions": dict(kinds),
        "trueVolumeMlQuantiles": dict(zip([str(x) for x in q], np.round(np.quantile(vols, q), 2).tolist())) if vols.size else {},
        "trueVolumeMlMinMax": [round(float(vols.min()), 3), round(float(vols.max()), 2)] if vols.size else [],
        "targetVolumeMlQuantiles": dict(zip([str(x) for x in q], np.round(np.quantile(targets, q), 2).tolist())) if targets.size else {},
        "hemorrhageMeanHu": [round(float(np.min(hem)), 1), round(float(np.median(hem)), 1), round(float(np.max(hem)), 1)] if hem else [],
        "infarctHuDropVsBefore": [round(float(np.min(inf)), 1), round(float(np.median(inf)), 1), round(float(np.max(inf)), 1)] if inf else [],
        "slices": n_slices,
        "lesionSlices": n_lesion_slices,
        "secondsPerCaseMedian": float(np.median([c["seconds"] for c in cases])),
    }


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    for d in args:
        cases = json.loads((Path(d) / "cases.json").read_text())["cases"]
        print(d, json.dumps(summarise(cases), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
