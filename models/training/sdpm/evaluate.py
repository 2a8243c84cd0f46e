"""Held-out evaluation in the paper's Table 1 layout (Dice, VC, VDP per inference mode, plus the
"SDPM w/o noise" baseline), on the native voxel grid.

Per case: every axial slice is preprocessed exactly as the bundle does (sdpm.preprocessing), slices whose
mask covers < 1 % of the image are predicted empty (as the training cache drops them), each mode's S×S
probability map goes back to the native slice grid (bilinear, crop; `probability_to_native`), and the binary
mask is `p > 0.5` there. For the despeckled binary modes (and the y_all union) the S×S binary mask is mapped
back as a 0/1 map, then `> 0.5`. Voxels in the case's ignore mask are excluded from both prediction and
reference.

Metrics (per case, then over cases):
- Dice: 3-D Dice on cases whose reference is non-empty (mean over those cases);
- VC: Pearson correlation of predicted and reference volumes (mL) over all cases;
- VDP: mean |V_pred - V_ref| / V_ref over cases with V_ref > 0;
- FP: mean predicted volume (mL) on lesion-free cases, and on the real GE head with no lesion inserted.

CLI (cd models/training):
  python3 -m sdpm.evaluate --checkpoint work/runs/NAME/checkpoints/latest.pt --data work/synth-test \
      [--profile cpu-fast] [--sampling-cases 6] [--baseline-checkpoint ...] [--out metrics.json]
y_avg (1 call per slice) runs on every case; y_sal / y_infer / y_all cost ~100 calls per slice even in the
cpu-fast profile, so they run on the first --sampling-cases cases (all when 0).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from .bundle import load_checkpoint_unet, sampler_json
from .lesion_stats import lesion_stats
from .diffusion import make_schedule
from .net.wrapper import SdpmNet
from .intracranial import DEFAULT_GATE, IntracranialGateConfig, intracranial_gate as slice_gate
from .preprocessing import PreprocessingConfig, extension_of, probability_to_native, resize_slice_hu, window_normalise
from .sampler import PRESETS as SAMPLER_PRESETS
from .sampler import NoiseSource, TorchNet, apply_overrides, binarise, sample_slice

MODES = ("yAvg", "ySal", "yInfer", "yAll")


def resolve_sampler(profile: str) -> Dict[str, Any]:
    if profile in SAMPLER_PRESETS:
        return SAMPLER_PRESETS[profile]
    prof = sampler_json()["profiles"][profile]
    return apply_overrides(SAMPLER_PRESETS[prof["basePreset"]], prof["overrides"])


def predict_volume(tn: TorchNet, sched: Any, hu: np.ndarray, pcfg: PreprocessingConfig, scfg: Dict[str, Any],
                   modes: tuple, seed: int, baseline: Optional[torch.nn.Module] = None,
                   min_mask_fraction: float = 0.01,
                   intracranial_gate: Optional[IntracranialGateConfig] = DEFAULT_GATE) -> Dict[str, np.ndarray]:
    """Native-grid binary masks (z,row,col) per mode (and 'baseline' when given). With ``intracranial_gate``
    (engine post-processing, not SDPM; sdpm.intracranial) each model-grid mask is ANDed with the slice's gate
    before it goes back to the native grid, as the TypeScript engine does; ``None`` = no gate."""
    nz, ny, nx = hu.shape
    names = list(modes) + (["baseline"] if baseline is not None else [])
    out = {k: np.zeros((nz, ny, nx), bool) for k in names}
    for k in range(nz):
        hu_s = resize_slice_hu(hu[k], pcfg)
        x0n_np, m_np = window_normalise(hu_s, pcfg)
        if m_np.mean() < min_mask_fraction:
            continue
        gate = slice_gate(hu_s, intracranial_gate).gate if intracranial_gate is not None else np.ones(m_np.shape, bool)
        x0n, m = torch.from_numpy(x0n_np), torch.from_numpy(m_np)
        res = sample_slice(tn, tn.eps, sched, x0n, m, scfg, modes=tuple(modes),
                           noise=NoiseSource.seeded(seed * 100_003 + k))
        for mode in modes:
            mask = (res[f"mask_{mode}"].numpy() * gate).astype(np.float64)
            out[mode][k] = probability_to_native(mask, (ny, nx)) > 0.5
        if baseline is not None:
            from .baseline import baseline_predict

            p = baseline_predict(baseline, x0n, m)
            b = (binarise(p, scfg).numpy() * gate).astype(np.float64)
            out["baseline"][k] = probability_to_native(b, (ny, nx)) > 0.5
    return out


def case_backgrounds(root: Path) -> Dict[str, str]:
    """Case name -> background name ('procedural', 'ge-head', ...) from the generator's cases.json, if any."""
    p = root / "cases.json"
    if not p.exists():
        return {}
    return {c["case"]: str(c.get("background", {}).get("name", "unknown")) for c in json.loads(p.read_text())["cases"]}


def case_lesion_kinds(root: Path) -> Dict[str, str]:
    """Case name -> 'hemorrhage' or 'infarct' (all its lesions of that type), 'mixed' (both) or 'none' (no lesion),
    from the generator's cases.json; {} when there is none."""
    p = root / "cases.json"
    if not p.exists():
        return {}

    def kind(lesions: List[Dict[str, Any]]) -> str:
        types = {str(les["type"]) for les in lesions}
        return "none" if not types else types.pop() if len(types) == 1 else "mixed"

    return {c["case"]: kind(c.get("lesions", [])) for c in json.loads(p.read_text())["cases"]}


def largest_lesion_found(row: Dict[str, Any], name: str) -> bool:
    """A case is found when its LARGEST true lesion overlaps a kept predicted lesion (False without a true lesion)."""
    true = row.get("lesions", {}).get(name, {}).get("true", [])
    return bool(max(true, key=lambda t: t["trueMl"])["detected"]) if true else False


def summarise_by_lesion_kind(rows: List[Dict[str, Any]], name: str, kinds: Dict[str, str],
                             min_true_ml: float = 2.0) -> Dict[str, Any]:
    """Case-level detection per lesion kind (``kinds``: `case_lesion_kinds`). Per kind, over its cases whose reference
    volume is >= min_true_ml: found cases (`largest_lesion_found`) with their exact (Clopper-Pearson) 95 % interval, mean
    Dice and median predicted/true volume; over all its cases: found of all. Lesion-free cases: how many have any
    predicted volume. Mixed cases are counted (nMixed) and left out; NaN rates and ci95 None where a kind has no case."""
    from .calibration import coverage_ci95

    rate = lambda k, n: k / n if n else float("nan")  # noqa: E731
    ci = lambda k, n: list(coverage_ci95(k, n)) if n else None  # noqa: E731
    rs = [r for r in rows if name in r["pred_ml"]]
    of = lambda kind: [r for r in rs if kinds.get(r["case"]) == kind]  # noqa: E731
    out: Dict[str, Any] = {"minTrueMl": float(min_true_ml), "nMixed": len(of("mixed"))}
    for kind in ("hemorrhage", "infarct"):
        every = of(kind)
        big = [r for r in every if r["ref_ml"] >= min_true_ml]
        n, k = len(big), sum(largest_lesion_found(r, name) for r in big)
        n_all, k_all = len(every), sum(largest_lesion_found(r, name) for r in every)
        ratios = [r["pred_ml"][name] / r["ref_ml"] for r in big if r["ref_ml"] > 0]
        out[kind] = {"nCases": n, "nFound": k, "foundRate": rate(k, n), "ci95": ci(k, n),
                     "dice": float(np.mean([r["dice"][name] for r in big])) if big else float("nan"),
                     "volumeRatioMedian": float(np.median(ratios)) if ratios else float("nan"),
                     "nCasesAll": n_all, "nFoundAll": k_all, "foundRateAll": rate(k_all, n_all)}
    free = of("none")
    k = sum(r["pred_ml"][name] > 0 for r in free)
    out["none"] = {"nCases": len(free), "nWithFinding": k, "rate": rate(k, len(free)), "ci95": ci(k, len(free)),
                   "fpMlMean": float(np.mean([r["pred_ml"][name] for r in free])) if free else float("nan")}
    return out


def lesion_kind_table(summary: Dict[str, Any], title: str) -> str:
    """Printed table of `summarise_by_lesion_kind`: one line per lesion kind, then the lesion-free line."""
    f = lambda v, w=7: f"{v:{w}.3f}" if not math.isnan(v) else f"{'n/a':>{w}}"  # noqa: E731
    c = lambda ci: f"{ci[0]:.3f}-{ci[1]:.3f}" if ci else "n/a"  # noqa: E731
    m = summary["minTrueMl"]
    lines = [f"Detection by lesion kind (found = the case's largest true lesion overlaps a kept lesion): {title}",
             f"{'kind':<12}{f'cases>={m:g}mL':>13}{'found':>7}{'rate':>7}{'95% CI':>14}{'Dice':>7}{'med p/t':>8}"
             "  | all sizes: found/cases"]
    for kind in ("hemorrhage", "infarct"):
        s = summary[kind]
        lines.append(f"{kind:<12}{s['nCases']:>13}{s['nFound']:>7}{f(s['foundRate'])}{c(s['ci95']):>14}{f(s['dice'])}"
                     f"{f(s['volumeRatioMedian'], 8)}  | {s['nFoundAll']:>16}/{s['nCasesAll']}")
    s = summary["none"]
    lines.append(f"{'lesion-free':<12}{s['nCases']:>13} with a finding {s['nWithFinding']}, rate {f(s['rate'], 0)} "
                 f"(95% CI {c(s['ci95'])}), mean FP {f(s['fpMlMean'], 0)} mL; mixed cases left out: {summary['nMixed']}")
    return "\n".join(lines)


def dice(a: np.ndarray, b: np.ndarray) -> float:
    s = a.sum() + b.sum()
    return float(2 * (a & b).sum() / s) if s > 0 else 1.0


def small_lesions(rows: List[Dict[str, Any]], name: str, max_ml: float = 2.0) -> Dict[str, Any]:
    """True lesions under max_ml (26-connected components of the reference): detection rate (any predicted
    voxel overlaps) and mean per-lesion Dice (against the predicted lesions that overlap it)."""
    les = [t for r in rows for t in r.get("lesions", {}).get(name, {}).get("true", []) if t["trueMl"] < max_ml]
    return {"smallLesions": len(les),
            "smallDetectionRate": float(np.mean([t["detected"] for t in les])) if les else float("nan"),
            "smallDice": float(np.mean([t["dice"] for t in les])) if les else float("nan")}


def summarise(rows: List[Dict[str, Any]], names: List[str]) -> Dict[str, Dict[str, Any]]:
    summ: Dict[str, Dict[str, Any]] = {}
    for n in names:
        rs = [r for r in rows if n in r["pred_ml"]]
        vp = np.array([r["pred_ml"][n] for r in rs])
        vr = np.array([r["ref_ml"] for r in rs])
        pos = vr > 0
        d = [r["dice"][n] for r in rs if r["ref_ml"] > 0]
        vc = float(np.corrcoef(vp, vr)[0, 1]) if len(rs) > 2 and vp.std() > 0 and vr.std() > 0 else float("nan")
        summ[n] = {"cases": len(rs), "casesWithLesion": int(pos.sum()),
                   "dice": float(np.mean(d)) if d else float("nan"),
                   "vc": vc,
                   "vdp": float(np.mean(np.abs(vp[pos] - vr[pos]) / vr[pos])) if pos.any() else float("nan"),
                   "vdpMedian": float(np.median(np.abs(vp[pos] - vr[pos]) / vr[pos])) if pos.any() else float("nan"),
                   **small_lesions(rs, n),
                   "fpMlLesionFree": float(np.mean(vp[~pos])) if (~pos).any() else float("nan")}
    return summ


def table(summ: Dict[str, Dict[str, Any]], title: str) -> str:
    label = {"baseline": "SDPM w/o noise", "yAvg": "SDPM-y_avg", "yInfer": "SDPM-y_infer", "ySal": "SDPM-y_sal",
             "yAll": "SDPM-y_all"}
    lines = [f"Table 1 layout: {title}", f"{'method':<18}{'Dice':>8}{'VC':>8}{'VDP':>8}{'VDPmed':>8}{'cases':>7}"
                                           f"{'FP mL':>9} | <2 mL: {'n':>4}{'det':>7}{'Dice':>7}"]
    for n in ("baseline", "yAvg", "yInfer", "ySal", "yAll"):
        if n in summ:
            s = summ[n]
            f = lambda v: f"{v:8.3f}" if not math.isnan(v) else "     n/a"  # noqa: E731
            g = lambda v: f"{v:7.3f}" if not math.isnan(v) else "    n/a"  # noqa: E731
            lines.append(f"{label[n]:<18}{f(s['dice'])}{f(s['vc'])}{f(s['vdp'])}{f(s.get('vdpMedian', float('nan')))}"
                         f"{s['cases']:>7}{f(s['fpMlLesionFree'])} |        {s.get('smallLesions', 0):>4}"
                         f"{g(s.get('smallDetectionRate', float('nan')))}{g(s.get('smallDice', float('nan')))}")
    return "\n".join(lines)


def summarise_by_background(rows: List[Dict[str, Any]], names: List[str]) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """`summarise` per background name (procedural heads vs the real GE head)."""
    return {bg: summarise([r for r in rows if r["background"] == bg], names)
            for bg in sorted({r["background"] for r in rows})}


def print_tables(summ: Dict[str, Dict[str, Any]], by_bg: Dict[str, Dict[str, Dict[str, Any]]], title: str) -> None:
    print(table(summ, title), flush=True)
    for bg, sb in by_bg.items():
        print(table(sb, f"{bg} backgrounds only"), flush=True)


def merge_results(paths: List[Path], out: Optional[Path]) -> Dict[str, Any]:
    """Merge the result files of `--shard K/N` runs: rows sorted by case index, summaries recomputed."""
    parts = [json.loads(p.read_text()) for p in paths]
    first = parts[0]
    for p, r in zip(paths, parts):
        if (r["checkpoint"], r["step"], r["profile"], r["data"]) != (first["checkpoint"], first["step"], first["profile"], first["data"]):
            raise ValueError(f"{p}: not the same evaluation as {paths[0]} (checkpoint/step/profile/data differ)")
    rows = sorted((row for r in parts for row in r["cases"]), key=lambda row: row["i"])
    if len({row["i"] for row in rows}) != len(rows):
        raise ValueError("merged shards contain a case twice")
    names = first["names"]
    summ = summarise(rows, names)
    by_bg = summarise_by_background(rows, names)
    result: Dict[str, Any] = {k: first[k] for k in ("checkpoint", "step", "data", "profile", "sampler")}
    result.update({"summary": summ, "summaryByBackground": by_bg, "cases": rows, "names": names,
                   "shards": [str(p) for p in paths], "elapsedS": [r.get("elapsedS") for r in parts]})
    for r in parts:
        if "geHeadNoLesion" in r:
            result["geHeadNoLesion"] = r["geHeadNoLesion"]
    print_tables(summ, by_bg, f"{first['data']}, {first['profile']}, checkpoint step {first['step']}")
    if "geHeadNoLesion" in result:
        print(json.dumps({"geHeadNoLesion": result["geHeadNoLesion"]}), flush=True)
    if out:
        out.write_text(json.dumps(result, indent=1) + "\n")
    return result


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate SDPM modes (Dice, VC, VDP) on a held-out dataset")
    ap.add_argument("--checkpoint", help="SDPM checkpoint (required unless --merge)")
    ap.add_argument("--data", help="held-out dataset folder (required unless --merge)")
    ap.add_argument("--profile", default="cpu-fast", help="sampler preset (paper, code) or profile (cpu-fast)")
    ap.add_argument("--override", default=None, help="JSON merged into the sampler settings (smoke runs)")
    ap.add_argument("--sampling-cases", type=int, default=6, help="cases for y_sal/y_infer/y_all (0 = all)")
    ap.add_argument("--max-cases", type=int, default=0)
    ap.add_argument("--modes", default="yAvg,ySal,yInfer,yAll", help="modes evaluated (y_avg always runs)")
    ap.add_argument("--baseline-checkpoint", default=None)
    ap.add_argument("--no-ge", action="store_true", help="skip the false-positive check on the real GE head")
    ap.add_argument("--ge-modes", default="yAvg,ySal,yInfer,yAll", help="modes run on the GE head")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-intracranial-gate", action="store_true",
                    help="keep predicted lesion outside the skull (the gate is engine post-processing, not SDPM)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (0 = all cores)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--shard", default=None, help="K/N: evaluate only cases i with i %% N == K (run N processes)")
    ap.add_argument("--merge", nargs="+", default=None, help="merge the --out files of shards, print and write --out")
    a = ap.parse_args(argv)
    if a.merge:
        merge_results([Path(f) for f in a.merge], Path(a.out) if a.out else None)
        return
    if not a.checkpoint or not a.data:
        ap.error("--checkpoint and --data are required (unless --merge)")
    shard_k, shard_n = (int(v) for v in a.shard.split("/")) if a.shard else (0, 1)
    if not 0 <= shard_k < shard_n:
        ap.error(f"--shard {a.shard}: need 0 <= K < N")
    torch.set_num_threads(a.threads or os.cpu_count() or 1)
    from .data.readers import find_cases, read_case

    unet, info = load_checkpoint_unet(Path(a.checkpoint))
    sched = make_schedule(500)
    tn = TorchNet(SdpmNet(unet, sched))
    ext = info["config"].get("window_extension")  # the window the checkpoint was trained with
    pcfg = PreprocessingConfig(image_size=info["image_size"], extension=extension_of(ext))
    scfg = resolve_sampler(a.profile)
    if a.override:
        scfg = apply_overrides(scfg, json.loads(a.override))
    base = load_checkpoint_unet(Path(a.baseline_checkpoint))[0] if a.baseline_checkpoint else None
    refs = find_cases(a.data)
    backgrounds = case_backgrounds(Path(a.data))
    if a.max_cases:
        refs = refs[:a.max_cases]
    gate_cfg = None if a.no_intracranial_gate else DEFAULT_GATE
    rows: List[Dict[str, Any]] = []
    t0 = time.time()
    for i, ref in enumerate(refs):
        if i % shard_n != shard_k:
            continue
        cv = read_case(ref)
        wanted = tuple(m for m in MODES if m in a.modes.split(",") or m == "yAvg")
        modes = wanted if (a.sampling_cases == 0 or i < a.sampling_cases) else ("yAvg",)
        pred = predict_volume(tn, sched, cv.hu, pcfg, scfg, modes, a.seed + i, base, intracranial_gate=gate_cfg)
        keep = ~cv.ignore
        refm = cv.label & keep
        vox = cv.voxel_volume_ml
        row = {"i": i, "case": cv.name, "background": backgrounds.get(cv.name, "unknown"), "ref_ml": float(refm.sum() * vox),
               "pred_ml": {}, "dice": {}}
        for n, pm in pred.items():
            pm = pm & keep
            row["pred_ml"][n] = float(pm.sum() * vox)
            row["dice"][n] = dice(pm, refm)
            row.setdefault("lesions", {})[n] = lesion_stats(pm, refm, vox)
        rows.append(row)
        print(json.dumps({**row, "elapsed_s": round(time.time() - t0, 1)}), flush=True)
    names = [m for m in MODES if m in a.modes.split(",") or m == "yAvg"] + (["baseline"] if base is not None else [])
    summ = summarise(rows, names)
    by_bg = summarise_by_background(rows, names)
    result: Dict[str, Any] = {"checkpoint": str(a.checkpoint), "step": info["step"], "data": a.data,
                              "profile": a.profile, "sampler": scfg, "summary": summ,
                              "intracranialGate": gate_cfg.to_json() if gate_cfg is not None else None,
                              "summaryByBackground": by_bg, "cases": rows, "names": names,
                              "elapsedS": round(time.time() - t0, 1)}
    if not a.no_ge:
        from .data.ge_head import load_ge_head

        ge = load_ge_head()
        ge_modes = tuple(m for m in a.ge_modes.split(",") if m)
        pred = predict_volume(tn, sched, ge.hu, pcfg, scfg, ge_modes, a.seed + 99991, base, intracranial_gate=gate_cfg)
        vox = float(np.prod(ge.spacing_zyx_mm)) / 1000.0
        result["geHeadNoLesion"] = {n: {"fpMl": float(pm.sum() * vox),
                                        "fpMlOutsideOldInfarcts": float((pm & ~ge.ignore).sum() * vox)}
                                    for n, pm in pred.items()}
        print(json.dumps({"geHeadNoLesion": result["geHeadNoLesion"]}), flush=True)
    print_tables(summ, by_bg, f"{a.data}, {a.profile}, checkpoint step {info['step']}")
    if a.out:
        Path(a.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
