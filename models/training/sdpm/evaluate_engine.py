"""Held-out evaluation of the PRODUCT ENGINE at its shipped settings (issue 10 item 8).

`sdpm.evaluate` runs the PyTorch reference sampler (no plausibility rules). This module instead scores what
the TypeScript engine wrote: run ``sdpm batch`` (the product CLI: bundle, mode, profile, intracranial gate and
the bundle's plausibility rules exactly as `npm run demo` and the app use them) over the NIfTI images of a
held-out dataset, then score each study's ``mask.nii.gz`` against the dataset's label (and ignore mask) with
the same functions as `sdpm.evaluate` (Dice, VDP, small-lesion row, per-lesion matches). The output JSON has
`sdpm.evaluate`'s layout, so `sdpm.calibration` calibrates the engine's own volumes.

    node electron/cli/bin/sdpm.mjs batch models/training/work/synth-test-v3/imagesTr --out B --mode avg --workers 2
    /usr/bin/python3 -m sdpm.evaluate_engine --batch B --data work/synth-test-v3 --key yAvg --out test.json

A study the engine could not run is an error row in the batch and is reported here as missing, never
silently dropped from the table. When the dataset has the generator's cases.json, the output also has
`summaryByLesionKind` (case-level detection per lesion kind, `sdpm.evaluate.summarise_by_lesion_kind`), printed as
a table after the others.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any, Dict, List, Optional

import nibabel as nib
import numpy as np

from .evaluate import (case_backgrounds, case_lesion_kinds, dice, lesion_kind_table, print_tables, summarise,
                       summarise_by_background, summarise_by_lesion_kind)
from .lesion_stats import lesion_stats


def _case_of(study_id: str) -> str:
    """Batch study id of `<case>_0000.nii.gz` -> case name."""
    return study_id[:-5] if study_id.endswith("_0000") else study_id


def engine_mask(study_dir: Path, shape: tuple) -> np.ndarray:
    """The engine's mask.nii.gz in the display layout `read_case` gives (same reorientation from its affine)."""
    from .data.ge_head import nifti_to_display

    arr = nifti_to_display(nib.load(str(study_dir / "mask.nii.gz")))[0] > 0
    if arr.shape != shape:
        raise ValueError(f"{study_dir}/mask.nii.gz: shape {arr.shape} != label {shape}")
    return arr


def raw_slice_index(study_dir: Path, shape: tuple) -> np.ndarray:
    """For each voxel of the display layout, its slice index k on the engine's grid (mask.nii.gz voxel order),
    so the review queue's slices (report.json, grid k) can be located in the display-layout label."""
    from .data.ge_head import nifti_to_display

    img = nib.load(str(study_dir / "mask.nii.gz"))
    nk = img.shape[2]
    k = np.broadcast_to(np.arange(nk, dtype=np.float32)[None, None, :], img.shape[:3]).copy()
    disp = np.rint(nifti_to_display(nib.Nifti1Image(k, img.affine, img.header))[0]).astype(np.int64)
    if disp.shape != shape:
        raise ValueError(f"{study_dir}: slice map shape {disp.shape} != label {shape}")
    return disp


def queue_fn(study_dir: Path, fn: np.ndarray, report: Dict[str, Any], top: int = 3) -> Dict[str, int]:
    """Missed lesion voxels (false negatives) on the slices the first `top` review-queue entries send the
    reader to (the centroid's slice), and inside those entries' slice ranges."""
    regions = report.get("reviewQueue", {}).get("regions", [])[:top]
    if not fn.any():
        return {"fnVoxels": 0, "onTopSlices": 0, "inTopRanges": 0}
    kmap = raw_slice_index(study_dir, fn.shape)[fn]
    centre = {int(round(r["centroidIjk"][2])) for r in regions}
    ranges = [(int(r["sliceRange"][0]), int(r["sliceRange"][1])) for r in regions if r.get("sliceRange")]
    on = int(np.isin(kmap, list(centre)).sum()) if centre else 0
    inside = np.zeros(kmap.shape, bool)
    for a, b in ranges:
        inside |= (kmap >= a) & (kmap <= b)
    return {"fnVoxels": int(fn.sum()), "onTopSlices": on, "inTopRanges": int(inside.sum())}


def voxel_counts(study_dir: Path, truth: np.ndarray, final: np.ndarray, keep: np.ndarray,
                 report: Dict[str, Any]) -> Dict[str, int]:
    """Lesion voxels found by the final mask and by the network's own mask before the engine's post-processing
    (despeckle, intracranial gate, plausibility rules), with their sizes: what post-processing removes, and how much of
    the truth the network finds at all. The engine publishes probability.nii.gz with every voxel that post-processing
    removed capped at exactly the threshold as float32 (electron/core/lesions/probabilityMask.ts, publishProbability
    and capOutside), so `p > t` on it is the final mask and `p >= t` adds back what post-processing removed.
    Empty without probability.nii.gz."""
    from .data.ge_head import nifti_to_display

    f = study_dir / "probability.nii.gz"
    if not f.is_file():
        return {}
    published = nifti_to_display(nib.load(str(f)))[0].astype(np.float32, copy=False)
    if published.shape != truth.shape:
        raise ValueError(f"{f}: shape {published.shape} != label {truth.shape}")
    raw = (published >= np.float32(report["settings"]["parameters"]["threshold"])) & keep
    return {"truth": int(truth.sum()), "final": int(final.sum()), "finalHit": int((final & truth).sum()),
            "raw": int(raw.sum()), "rawHit": int((raw & truth).sum())}


def voxel_line(rows: List[Dict[str, Any]]) -> Optional[str]:
    """Pooled over the cases: share of lesion voxels found and precision, final mask and before post-processing."""
    vs = [r["voxels"] for r in rows if r.get("voxels")]
    if not vs:
        return None
    t = {k: sum(v[k] for v in vs) for k in vs[0]}
    if t["truth"] == 0:
        return None
    prec = lambda hit, n: f"{hit / n:.3f}" if n else "n/a"  # noqa: E731
    return (f"lesion voxels found (pooled, {len(vs)} cases, {t['truth']} voxels): final mask "
            f"{t['finalHit'] / t['truth']:.3f} (precision {prec(t['finalHit'], t['final'])}); the network's mask before "
            "post-processing (despeckle, gate, plausibility rules) "
            f"{t['rawHit'] / t['truth']:.3f} (precision {prec(t['rawHit'], t['raw'])})")


def drop_small(mask: np.ndarray, voxel_ml: float, min_ml: float) -> np.ndarray:
    """The engine's minVolumeMl rule applied again at another limit (26-connected lesions under min_ml removed).
    Exact for NIfTI inputs, whose voxels all have one volume."""
    from .lesion_stats import components

    lab, n = components(mask)
    if n == 0 or min_ml <= 0:
        return mask
    sizes = np.bincount(lab.ravel(), minlength=n + 1) * voxel_ml
    keep = sizes >= min_ml
    keep[0] = False
    return keep[lab]


def score(batch: Path, data: Path, key: str, min_volume_ml: float = 0.0) -> Dict[str, Any]:
    from .data.readers import find_cases, read_case

    by_case: Dict[str, Path] = {}
    for rec in sorted((batch / "studies").glob("*/study.json")):
        s = json.loads(rec.read_text())
        by_case[_case_of(s["id"])] = rec.parent
    backgrounds = case_backgrounds(data)
    rows: List[Dict[str, Any]] = []
    missing: List[str] = []
    for i, ref in enumerate(find_cases(str(data))):
        cv = read_case(ref)
        d = by_case.get(cv.name)
        if d is None:
            missing.append(cv.name)
            continue
        keep = ~cv.ignore
        refm = cv.label & keep
        vox = cv.voxel_volume_ml
        pm = drop_small(engine_mask(d, refm.shape), vox, min_volume_ml) & keep
        rep = json.loads((d / "report.json").read_text())
        qfn = queue_fn(d, refm & ~pm, rep)
        vc = voxel_counts(d, refm, pm, keep, rep)
        rows.append({"queueFn": qfn, "voxels": vc, "i": i, "case": cv.name,
                     "background": backgrounds.get(cv.name, "unknown"),
                     "ref_ml": float(refm.sum() * vox), "pred_ml": {key: float(pm.sum() * vox)},
                     "dice": {key: dice(pm, refm)}, "lesions": {key: lesion_stats(pm, refm, vox)},
                     "engine": {"totalVolumeMl": rep.get("totalVolumeMl"), "lesions": len(rep.get("lesions", [])),
                                "dropped": len(rep.get("droppedCandidates", [])), "mode": rep.get("mode")}})
    summ = summarise(rows, [key])
    by_bg = summarise_by_background(rows, [key])
    out: Dict[str, Any] = {"checkpoint": f"engine batch {batch}", "step": None, "data": str(data), "profile": "engine",
                           "summary": summ, "summaryByBackground": by_bg, "cases": rows, "names": [key], "missing": missing}
    kinds = case_lesion_kinds(data)
    if kinds:
        out["summaryByLesionKind"] = summarise_by_lesion_kind(rows, key, kinds)
    return out


def lesion_counts(rows: List[Dict[str, Any]], key: str) -> Dict[str, float]:
    """Lesion-level precision (predicted lesions overlapping a true lesion), detection rate and their F1."""
    pred = [p for r in rows for p in r["lesions"][key]["pred"]]
    true = [t for r in rows for t in r["lesions"][key]["true"]]
    precision = float(np.mean([p["trueId"] > 0 for p in pred])) if pred else float("nan")
    detection = float(np.mean([t["detected"] for t in true])) if true else float("nan")
    f1 = 2 * precision * detection / (precision + detection) if pred and true and precision + detection > 0 else 0.0
    return {"predLesions": len(pred), "precision": precision, "detection": detection, "f1": f1,
            "listedPerCaseMedian": float(np.median([len(r["lesions"][key]["pred"]) for r in rows])) if rows else float("nan")}


def lesion_free(batch: Path) -> Dict[str, Any]:
    """A batch over lesion-free studies (the real GE head): false-positive volume and bright candidates."""
    out = []
    for rec in sorted((batch / "studies").glob("*/report.json")):
        rep = json.loads(rec.read_text())
        kept = rep.get("lesions", [])
        dropped = rep.get("droppedCandidates", [])
        bright = lambda xs: sum(1 for x in xs if x.get("meanHu") is not None and x["meanHu"] > 100)  # noqa: E731
        out.append({"study": rec.parent.name, "fpMl": rep.get("totalVolumeMl"), "kept": len(kept), "dropped": len(dropped),
                    "keptAbove100Hu": bright(kept), "droppedAbove100Hu": bright(dropped)})
    return {"studies": out}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", required=True, help="`sdpm batch` output folder")
    ap.add_argument("--data", default=None, help="the held-out dataset (nnU-Net layout) the batch ran on")
    ap.add_argument("--key", default="yAvg", help="name of the mode in the output (yAvg, ySal, yInfer, yAll)")
    ap.add_argument("--lesion-free", action="store_true", help="the batch ran on lesion-free studies: FP report")
    ap.add_argument("--min-volume-sweep", default=None,
                    help="comma-separated minimum lesion volumes (mL) to re-apply offline: prints lesion precision, "
                         "detection and F1 per limit (choose the bundle's minVolumeMl on the calibration split)")
    ap.add_argument("--min-volume-ml", type=float, default=0.0, help="re-apply this minimum lesion volume offline")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    if a.min_volume_sweep:
        print(f"{'minVolumeMl':>11} {'lesions':>8} {'precision':>10} {'detection':>10} {'F1':>6} {'Dice':>6} {'per case':>9}")
        for lim in [float(x) for x in a.min_volume_sweep.split(",")]:
            r = score(Path(a.batch), Path(a.data), a.key, lim)
            c = lesion_counts(r["cases"], a.key)
            print(f"{lim:>11.3f} {c['predLesions']:>8} {c['precision']:>10.3f} {c['detection']:>10.3f} {c['f1']:>6.3f} "
                  f"{r['summary'][a.key]['dice']:>6.3f} {c['listedPerCaseMedian']:>9.1f}")
        return 0
    if a.lesion_free:
        r = lesion_free(Path(a.batch))
        for s in r["studies"]:
            print(f"{s['study']}: false positive {s['fpMl']:.3f} mL in {s['kept']} kept lesion(s); "
                  f"{s['dropped']} dropped; mean above 100 HU: kept {s['keptAbove100Hu']}, dropped {s['droppedAbove100Hu']}")
    else:
        if a.data is None:
            ap.error("--data is required (unless --lesion-free)")
        r = score(Path(a.batch), Path(a.data), a.key, a.min_volume_ml)
        print_tables(r["summary"], r["summaryByBackground"], f"engine at shipped settings on {a.data}")
        if "summaryByLesionKind" in r:
            print(lesion_kind_table(r["summaryByLesionKind"], f"engine at shipped settings on {a.data}"))
        if r["missing"]:
            print(f"MISSING (no engine result): {len(r['missing'])}: {', '.join(r['missing'][:10])}")
        fn = sum(row["queueFn"]["fnVoxels"] for row in r["cases"])
        if fn > 0:
            on = sum(row["queueFn"]["onTopSlices"] for row in r["cases"])
            inr = sum(row["queueFn"]["inTopRanges"] for row in r["cases"])
            print(f"missed lesion voxels on the slices of the first 3 review-queue entries: {on}/{fn} = {on / fn:.3f} "
                  f"(inside their slice ranges: {inr / fn:.3f})")
        vl = voxel_line(r["cases"])
        if vl:
            print(vl)
        nl = [row["engine"]["lesions"] for row in r["cases"]]
        if nl:
            print(f"lesions listed per case: median {float(np.median(nl)):.1f}, max {max(nl)}")
    if a.out:
        Path(a.out).write_text(json.dumps(r, indent=1, default=lambda v: None if isinstance(v, float) and math.isnan(v) else v))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
