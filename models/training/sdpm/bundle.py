"""Write a model bundle (models/BUNDLE-FORMAT.md): ONNX graphs, JSON configs, model card, golden vectors,
SHA256SUMS.

CLI: cd models/training && python3 -m sdpm.bundle --checkpoint work/runs/NAME/checkpoints/latest.pt \
        --out ../bundles/NAME --name NAME [--metrics metrics.json] [--parity]
The EMA weights of the checkpoint are exported.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch

from .checkpoint import load_checkpoint
from .diffusion import Schedule, make_schedule
from .export import export_graphs, parity
from .net.unet2 import Unet2, count_parameters, mark_folded
from .net.wrapper import SdpmNet
from .presets import PRESETS
from .sampler import CODE_PRESET, PAPER_PRESET

CPU_FAST_OVERRIDES: Dict[str, Any] = {
    "ySal": {"nSamples": 4, "tStride": 32},
    "yInfer": {"nSamples": 4, "nSteps": 5},
}

ASSUMPTIONS: List[str] = [
    "HU window 0-80 HU (brain window) -> [0,1]; the authors windowed offline and did not document it.",
    "Image size S and in-plane geometry (pad to square, area/bilinear resize): not given by the paper or code.",
    "Mask m = x0n > -1 (code rule), not a brain mask.",
    "T = 500 (paper), sigmoid schedule start -3, end 3, tau 1, clip 0.999 (code).",
    "d_i = 1.0 (code; the paper's value is not given).",
    "nu = 1 in the paper preset's psi_t (the paper asks nu > 1 but never gives a value; the code is linear).",
    "y_all = union of the three despeckled binary masks (paper); 'mean' offered as a switch.",
    "y_sal accumulator reset per sample in the paper preset; the code preset reproduces the cumulative-sum bug.",
    "y_infer start index k = T/2 - 1 = 249 (0-based) in the paper preset; off-by-one of the code fixed.",
    "EMA as ema_pytorch defaults used by the authors (decay 0.995, every 10 steps, warm-up after step 100).",
    "Training iterations: not given by the paper; see training.steps.",
]


def sampler_json() -> Dict[str, Any]:
    return {
        "formatVersion": 1,
        "presets": {"paper": PAPER_PRESET, "code": CODE_PRESET},
        "profiles": {
            "cpu-fast": {
                "basePreset": "paper", "overrides": CPU_FAST_OVERRIDES, "approximation": True,
                "notes": ("2-core CPU profile: y_sal with N = 4 samples on every 32nd timestep of the paper window "
                          "(8 of 251 t: 0, 32, ..., 224; weights renormalised), y_infer with N = 4 samples and 5 "
                          "strided ancestral steps from k = 249; y_avg exact. About 53 network calls per slice "
                          "(33 full, 20 eps-only) instead of ~37,600. "
                          "Approximates the paper preset; agreement must be measured (Dice, volume difference)."),
            },
            "cuda": {"basePreset": "paper", "overrides": {}, "approximation": False},
        },
        "defaultProfile": {"cpu": "cpu-fast", "cuda": "cuda"},
    }


def labels_json() -> Dict[str, Any]:
    def code(v: str, s: str, meaning: str) -> Dict[str, str]:
        return {"codeValue": v, "codingSchemeDesignator": s, "codeMeaning": meaning}

    category = code("49755003", "SCT", "Morphologically Abnormal Structure")
    brain = code("12738006", "SCT", "Brain")
    return {
        "formatVersion": 1,
        "outputs": [{"channel": 0, "labelValue": 1, "name": "Acute stroke lesion",
                     "description": "Binary lesion mask (hemorrhage or infarct) on non-contrast head CT",
                     "category": category, "type": code("52988006", "SCT", "Lesion"), "anatomicRegion": brain,
                     "recommendedDisplayRgb": [255, 200, 0]}],
        "lesionTypes": [
            {"name": "Intracranial hemorrhage", "rule": "meanHu >= 45", "category": category,
             # morphologic-abnormality concepts (SEG CID 7151/7194), the same as electron/core/seg/codes.ts; the
             # disorder concepts 1386000 / 432504007 are in no segmentation context group
             "type": code("50960005", "SCT", "Hemorrhage"), "anatomicRegion": brain,
             "recommendedDisplayRgb": [230, 40, 40]},
            {"name": "Cerebral infarction", "rule": "meanHu < 45", "category": category,
             "type": code("55641003", "SCT", "Infarct"), "anatomicRegion": brain,
             "recommendedDisplayRgb": [40, 140, 255]},
        ],
    }


def preprocessing_json(image_size: int, intracranial_gate: bool = True,
                       window_extension: Optional[Sequence[float]] = None) -> Dict[str, Any]:
    """The bundle's preprocessing.json; with the intracranial gate block (engine post-processing, enabled)
    unless ``intracranial_gate`` is False (then the block is absent = disabled, as in old bundles), and with
    ``huWindow.extension`` when the network was trained with one (the checkpoint's ``window_extension``)."""
    try:
        from .intracranial import DEFAULT_GATE
        from .preprocessing import PreprocessingConfig, extension_of

        obj = PreprocessingConfig(image_size=image_size, extension=extension_of(window_extension)).to_json()
        if intracranial_gate:
            obj["intracranialGate"] = DEFAULT_GATE.to_json()
        return obj
    except ImportError:  # documented default
        if window_extension is not None:
            raise
        return {"formatVersion": 1, "imageSize": image_size, "huWindow": {"lowerHu": 0, "upperHu": 80},
                "inPlane": {"method": "pad-square-then-area-or-bilinear", "padHu": -1024},
                "mask": {"rule": "x0n > -1"}, "labelEncoding": {"background": -1, "lesion": 1},
                "threshold": 0.5, "thresholdRule": "p > threshold"}


def load_checkpoint_unet(path: Path, use_ema: bool = True) -> Tuple[Unet2, Dict[str, Any]]:
    """Unet2 with the checkpoint's EMA (default) or online weights, and the checkpoint info."""
    return unet_from_checkpoint(load_checkpoint(path), use_ema)


def unet_from_checkpoint(sd: Dict[str, Any], use_ema: bool = True) -> Tuple[Unet2, Dict[str, Any]]:
    """`load_checkpoint_unet` for a checkpoint already read."""
    p = sd["preset_config"]
    unet = Unet2(dim=p["dim"], dim_mults=tuple(p["dim_mults"]), channels=1, attn_heads=p["attn_heads"],
                 attn_dim_head=p["attn_dim_head"])
    unet.load_state_dict(sd["ema"]["model"] if use_ema else sd["unet"])
    if sd.get("folded"):  # weights recovered from an exported graph (sdpm.warm_start): already standardised
        mark_folded(unet)
    info = {k: sd[k] for k in ("step", "config", "preset", "preset_config", "image_size", "torch")}
    # checkpoints written before the trainer recorded its device were all trained on this project's CPUs
    info["device"] = sd.get("device", "cpu")
    info["ema_step"] = sd["ema"]["step"]
    return unet.eval(), info


def network_config(unet: Unet2, preset: str, image_size: int) -> Dict[str, Any]:
    return {"class": "Unet2", "preset": preset, "dim": unet.dim, "dimMults": list(unet.dim_mults), "channels": 1,
            "resnetBlockGroups": 8, "attnHeads": unet.attn_heads, "attnDimHead": unet.attn_dim_head,
            "parameters": count_parameters(unet), "imageSize": image_size, "T": 500,
            "timeEmbedding": "sinusoidal(dim) of integer t -> Linear(dim,4dim) -> GELU -> Linear(4dim,4dim)",
            "twoStream": "one shared encoder + mid, decoders ups (eps_hat) and ups2 (y_t_hat); y0_hat analytic"}


def pc(x: float) -> str:
    """A rate as whole percent, rounded as the engine's percentText (JavaScript toFixed(0): a tie of the exact
    binary value rounds up; Python's format would round it to even: 0.125 -> "12%" on the card, "13%" in the app)."""
    return f"{Decimal(100 * x).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def ml(x: float) -> str:
    """A bin edge in mL to 3 significant digits, as the engine's binRange prints it (Number(x.toPrecision(3)))."""
    return f"{float(f'{x:.3g}'):g}"


def interval_lines(cal: Dict[str, Any]) -> List[str]:
    """The model card's plain-words statement of the calibrated volume interval and its measured coverage."""
    def rate(lv: Dict[str, Any], unit: str) -> str:
        ci = lv.get("coverageCi95")
        return (f"{pc(lv['measuredCoverage'])} of {lv['nTest']} test {unit}"
                + (f" (exact 95% CI {pc(ci[0])}-{pc(ci[1])})" if ci else ""))

    out = [f"Nominal {pc(cal['nominalCoverage'])} interval of the {cal['mode']} volume, method `{cal['method']}` "
           f"(split conformal, score |V_true - V| / (V + {cal['cMl']} mL)). Calibration: {cal['calibrationSet']}. "
           f"Test: {cal['testSet']}.", ""]
    for level, unit in (("study", "cases"), ("lesion", "lesions")):
        lv = cal[level]
        out.append(f"- {level} level: the true volume fell inside the interval for {rate(lv, unit)}")
        bins = lv.get("bins") or []
        for i, b in enumerate(bins if len(bins) > 1 else []):
            hi = bins[i + 1]["fromMl"] if i + 1 < len(bins) else None
            size = f"{ml(b['fromMl'])} mL or more" if hi is None else (f"under {ml(hi)} mL" if b["fromMl"] == 0 else f"{ml(b['fromMl'])} to {ml(hi)} mL")
            out.append(f"  - predicted {size}: q = {b['q']:.3g} from {b['nCalibration']} calibration {unit}; {rate(b, unit)}")
    return out + [""]


def detection_lines(det: Dict[str, Any]) -> List[str]:
    """The model card's plain-words statement of detection.json: found cases per lesion kind, lesion-free findings."""
    ci = lambda c: f" (exact 95% CI {pc(c[0])}-{pc(c[1])})" if c else ""  # noqa: E731
    size = f"{det['minTrueMl']:g} mL or more"
    out = [f"A case counts as found when its largest true lesion overlaps a lesion the engine kept (method "
           f"`{det['method']}`, {det['mode']} mode, profile {det['profile']}); the size is the case's total true lesion "
           f"volume. Test set: {det['testSet']}.", ""]
    for k in det["kinds"]:
        out.append(f"- {k['kind'].capitalize()} of {size}: found in {pc(k['foundRate'])} of {k['nCases']} held-out test "
                   f"cases{ci(k['ci95'])}; all sizes {k['nFoundAll']} of {k['nCasesAll']}; mean Dice {k['dice']:.2f}, "
                   f"median predicted/true volume {k['volumeRatioMedian']:.2f}.")
    free = det["lesionFree"]
    out += [f"- Lesion-free cases: a finding was listed in {pc(free['rate'])} of {free['nCases']}{ci(free['ci95'])}.", ""]
    out += [f"This model misses most {k['kind']}s: a study in which it lists none does not rule one out."
            for k in det["kinds"] if k["foundRate"] < 0.5]
    return out + ([""] if out[-1] else [])


def model_card(meta: Dict[str, Any]) -> str:
    tr = meta["training"]
    # training_metadata writes plannedSteps null for a checkpoint that holds weights only (no trainer config)
    weights_only = "plannedSteps" in tr and tr["plannedSteps"] is None
    net = meta["network"]
    metrics = meta.get("metrics") or {}
    lines = [
        f"# Model card: {meta['name']}", "",
        f"**{meta['summary']}**", "",
        *([f"Version {meta['version']}.", ""] if meta.get("version") else []),
        *[f"- {v}: {note}" for v, note in (meta.get("releaseNotes") or {}).items()],
        *([""] if meta.get("releaseNotes") else []),
        "## Intended use",
        meta["intendedUse"], "",
        "## Not for clinical use",
        "This model is a research/engineering artefact. It has not been validated on patients and must not be used "
        "for diagnosis or treatment decisions.", "",
        "## Network",
        f"SDPM `Unet2` (SPEC §1.2), preset `{net['preset']}`: dim {net['dim']}, mults {net['dimMults']}, attention "
        f"{net['attnHeads']}x{net['attnDimHead']}, {net['parameters']:,} parameters, S = {net['imageSize']}, T = 500.",
        "Graphs: `sdpm_net.onnx` (eps_hat, y_t_hat, y0_hat) and `sdpm_eps.onnx` (eps_hat only), fp32, opset 17.", "",
        "## Training",
        f"- data: {tr['data']}",
        f"- steps: {tr['steps']} (EMA weights exported; EMA update count {tr.get('emaStep')})",
        *([f"- device: {tr['device']}; batch {tr.get('batchSize')}; Adam lr {tr.get('lr')} poly -> {tr.get('lrMin')}, "
           f"clip 1.0, EMA {tr.get('emaDecay', 0.995)} every 10 steps",
           f"- loss: {json.dumps(tr.get('loss'))}"] if not weights_only
          else [f"- device: {tr['device']}; no trainer settings recorded (weights only, see phase 1)"]),
        *[f"- phase {i + 1}: {ph}" for i, ph in enumerate(tr.get("history") or [])], "",
        *(["## Volume interval", *interval_lines(metrics["calibration"])] if metrics.get("calibration") else []),
        *(["## Detection by lesion type", *detection_lines(metrics["detection"])] if metrics.get("detection") else []),
        "## Metrics",
        *(["```", str(metrics["tableText"]).rstrip(), "```", ""] if metrics.get("tableText") else []),
        ("```\n" + json.dumps({k: v for k, v in metrics.items() if k != "tableText"}, indent=1) + "\n```")
        if metrics else "Not yet evaluated.", "",
        "## Retraining on a site's own data",
        "This model was trained on synthetic lesions only. A site with labelled head CT (NIfTI pairs in the nnU-Net "
        "layout, or DICOM series with a DICOM SEG) retrains and re-exports it with one command per step, documented in "
        "`models/training/README.md` (section \"Training on a real dataset\") and `models/training/DATA.md`: "
        "`python3 -m sdpm.train --data <dataset> --preset " + str(net["preset"]) + " --out work/runs/<name> --steps N "
        "[--resume]`, then `python3 -m sdpm.evaluate` on held-out cases and `python3 -m sdpm.bundle` to write a new "
        "bundle folder that the app and CLI load with `--bundle`.", "",
        "## Assumptions (open in the paper/code, chosen here)",
        *[f"- {a}" for a in meta["assumptions"]], "",
        "## Deviations from the authors' code",
        *[f"- {d}" for d in meta["deviations"]], "",
        "## Limitations",
        *[f"- {x}" for x in meta["limitations"]], "",
    ]
    return "\n".join(lines)


MAX_BUNDLE_FILE_BYTES = 16 * 2**20  # issue 10: each file of a committed bundle stays under 16 MiB


def oversized_files(root: Path, limit: int = MAX_BUNDLE_FILE_BYTES) -> List[str]:
    """Files of a bundle folder at or above the limit, as "name (x.xx MiB)". A wider preset than compact-m (whose
    sdpm_net.onnx is 15.83 MiB) does not fit: such a bundle can be evaluated but not committed."""
    return [f"{p.relative_to(root).as_posix()} ({p.stat().st_size / 2**20:.2f} MiB)"
            for p in sorted(root.rglob("*")) if p.is_file() and p.stat().st_size >= limit]


def sha256sums(root: Path) -> None:
    lines = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name != "SHA256SUMS":
            lines.append(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}")
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n")


# Engine post-processing after SDPM (electron/core/bundle/Postprocessing.ts; H-core's rules, notes-core.md):
# per-lesion plausibility checks, NOT part of the method; a dropped candidate stays listed and restorable.
POSTPROCESSING: Dict[str, Any] = {
    "formatVersion": 1,
    "plausibility": {
        "note": "Engine post-processing after SDPM, NOT part of the method: per-lesion checks a neuroradiologist "
                "applies. A dropped candidate is listed with its rule and can be restored by the reader.",
        "minVolumeMl": 0.05,
        "meanHu": {"min": 15, "max": 100},
        "boneContact": {"boneHu": 300, "maxFraction": 0.5},
    },
}


def write_bundle(out: Path, unet: Unet2, preset: str, image_size: int, *, name: str, summary: str,
                 training: Dict[str, Any], intended_use: str, limitations: List[str],
                 metrics: Optional[Dict[str, Any]] = None, run_parity: bool = True, golden: bool = True,
                 extra_deviations: Optional[List[str]] = None, postprocessing: Union[None, Dict[str, Any], Path] = None,
                 calibration: Optional[Dict[str, Any]] = None, detection: Optional[Dict[str, Any]] = None,
                 window_extension: Optional[Sequence[float]] = None) -> Dict[str, Any]:
    if isinstance(postprocessing, Path):  # copied byte for byte (diffs clean); checked before anything is written
        pp_bytes = postprocessing.read_bytes()
        try:
            json.loads(pp_bytes)
        except ValueError as e:
            raise ValueError(f"{postprocessing}: not a JSON postprocessing file ({e})") from e
    else:
        pp_bytes = (json.dumps(postprocessing if postprocessing is not None else POSTPROCESSING, indent=1) + "\n").encode()
    out.mkdir(parents=True, exist_ok=True)
    sched: Schedule = make_schedule(500)
    unet = unet.float().cpu().eval()
    net_path, eps_path = export_graphs(unet, sched, image_size, out)
    dump = lambda fname, obj: (out / fname).write_text(json.dumps(obj, indent=1) + "\n")  # noqa: E731
    dump("schedule.json", sched.to_json())
    dump("sampler.json", sampler_json())
    prep = preprocessing_json(image_size, window_extension=window_extension)
    dump("preprocessing.json", prep)
    dump("labels.json", labels_json())
    (out / "postprocessing.json").write_bytes(pp_bytes)
    if calibration is not None:
        dump("calibration.json", calibration)
    if detection is not None:  # sdpm.detection; the card states it from metrics["detection"]
        dump("detection.json", detection)
        metrics = {**(metrics or {}), "detection": detection}
    par = parity(unet, sched, net_path, eps_path, image_size, batches=(1, 7), ts=(0, 25, 249, 499)) if run_parity else []
    deviations = [
        "Encoder and mid run once and feed both decoders (the code runs them twice on identical input; bit-identical).",
        "Weight standardisation pre-folded into the exported conv weights.",
        "Anisotropic (posterior) noise of the SADPM journal code is off (not part of SDPM).",
        *(extra_deviations or []),
    ]
    assumptions = list(ASSUMPTIONS)
    ext = prep["huWindow"].get("extension")  # the window as written, so the card states exactly that
    if ext is not None:
        k, c, v = ext["upperValue"], ext["ceilingHu"], ext["ceilingValue"]
        assumptions[0] = (f"HU window 0-80 HU mapped to [0, {k:g}], then linear to {v:g} at {c:g} HU (preprocessing.json "
                          f"huWindow.extension); the authors windowed offline and did not document it.")
        deviations.append(f"Input window extended above 80 HU (to {v:g} at {c:g} HU) so that calcification and bone do not "
                          f"saturate at the value of an 80 HU clot; a plain brain window saturates both.")
    if PRESETS[preset]["attn_dim_head"] != 32 or PRESETS[preset]["attn_heads"] != 4:
        deviations.append("Attention width narrowed from 4x32 for a compact CPU preset.")
    if PRESETS[preset]["dim"] != 32 or tuple(PRESETS[preset]["dim_mults"]) != (2, 4, 4, 8, 16, 16, 16):
        deviations.append("Compact width (dim/mults) instead of the authors' dim 32, mults 2,4,4,8,16,16,16.")
    meta: Dict[str, Any] = {
        "formatVersion": 1, "name": name, "version": "0.1.0",
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "summary": summary,
        "network": network_config(unet, preset, image_size),
        "graphs": {
            "sdpm_net.onnx": {"inputs": {"x_t": "float32 [B,1,S,S]", "t": "int64 [B]"},
                              "outputs": {"eps_hat": "float32 [B,1,S,S]", "y_t_hat": "float32 [B,1,S,S]",
                                          "y0_hat": "float32 [B,1,S,S]"}, "opset": 17},
            "sdpm_eps.onnx": {"inputs": {"x_t": "float32 [B,1,S,S]", "t": "int64 [B]"},
                              "outputs": {"eps_hat": "float32 [B,1,S,S]"}, "opset": 17},
        },
        "training": training,
        "assumptions": assumptions,
        "deviations": deviations,
        "metrics": metrics or {},
        "onnxParity": {"runtime": "onnxruntime-node CPU", "maxAbsDiff": par},
        "intendedUse": intended_use,
        "limitations": limitations,
    }
    dump("metadata.json", meta)
    (out / "MODEL_CARD.md").write_text(model_card(meta))
    if golden:
        from .golden import write_golden

        write_golden(out / "golden", SdpmNet(unet, sched).eval(), sched, image_size)
    sha256sums(out)
    return meta


def update_metrics(out: Path, metrics: Dict[str, Any]) -> None:
    """Replace the metrics of an existing bundle (metadata.json, MODEL_CARD.md, SHA256SUMS)."""
    meta = json.loads((out / "metadata.json").read_text())
    meta["metrics"] = metrics
    (out / "metadata.json").write_text(json.dumps(meta, indent=1) + "\n")
    (out / "MODEL_CARD.md").write_text(model_card(meta))
    sha256sums(out)


def training_metadata(info: Dict[str, Any], data_desc: str, history: List[str]) -> Dict[str, Any]:
    """metadata.json's "training" from a checkpoint's info (`load_checkpoint_unet`). A checkpoint sdpm.train wrote
    carries its trainer config; one that holds weights only (sdpm.warm_start) carries a note instead: its trainer
    fields are then null, not invented. A note (how sdpm.soup, sdpm.widen or sdpm.warm_start made the weights) is the
    card's first phase."""
    cfg = info["config"]
    trained = "steps" in cfg
    note = cfg.get("note")
    return {"data": data_desc, "steps": info["step"], "plannedSteps": cfg.get("steps"), "emaStep": info["ema_step"],
            "batchSize": cfg.get("batch_size"), "lr": cfg.get("lr"), "lrMin": cfg.get("lr_min"),
            "lesionFraction": cfg.get("lesion_fraction"), "device": "%s (torch %s)" % (info["device"], info["torch"]),
            "loss": cfg.get("loss"), "augment": cfg.get("augment"), "seed": cfg.get("seed"),
            "baseline": cfg.get("baseline"),
            # runs from before the trainer recorded its EMA decay used 0.995
            "emaDecay": cfg.get("ema_decay", 0.995 if trained else None),
            "initFrom": cfg.get("init_from"),
            "history": ([] if not note else [note if trained else f"weights only, not trained by sdpm.train: {note}"])
            + history}


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Export a checkpoint's EMA weights as a model bundle")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--data-desc", default="synthetic lesions inserted into CT backgrounds (sdpm.data)")
    ap.add_argument("--metrics", default=None, help="JSON file with measured metrics")
    ap.add_argument("--no-golden", action="store_true")
    ap.add_argument("--calibration", default=None, help="calibration.json from sdpm.calibration (copied in)")
    ap.add_argument("--detection", default=None, help="detection.json from sdpm.detection (copied in, stated on the card)")
    ap.add_argument("--postprocessing", default=None,
                    help="postprocessing.json to copy in (e.g. the shipped bundle's rules, chosen on the calibration split); "
                         "default: the exporter's starting rules")
    ap.add_argument("--deviations", default=None, help="JSON list of strings: extra deviations from the paper")
    ap.add_argument("--summary", default=None)
    ap.add_argument("--history", default=None,
                    help="JSON list of strings: training phases (e.g. a warm start from another run), for the card")
    ap.add_argument("--intended-use", default="Research and engineering: exercising the SDPM desktop pipeline end to "
                                              "end on head CT.")
    a = ap.parse_args()
    unet, info = load_checkpoint_unet(Path(a.checkpoint))
    cfg = info["config"]
    metrics = json.loads(Path(a.metrics).read_text()) if a.metrics else None
    training = training_metadata(info, a.data_desc, json.loads(Path(a.history).read_text()) if a.history else [])
    write_bundle(Path(a.out), unet, info["preset"], info["image_size"], name=a.name,
                 summary=a.summary or (f"SDPM stroke-lesion segmentation, preset {info['preset']}, trained on "
                                       f"synthetic data only ({info['step']} steps). Research use only."),
                 training=training,
                 intended_use=a.intended_use,
                 limitations=["Trained on synthetic lesions only; no real patient labels were used.",
                              f"Short {'GPU' if info['device'].startswith('cuda') else 'CPU'} training; accuracy on real "
                              "stroke CT is unknown.",
                              "Not for clinical use."],
                 metrics=metrics, golden=not a.no_golden,
                 extra_deviations=json.loads(Path(a.deviations).read_text()) if a.deviations else None,
                 calibration=json.loads(Path(a.calibration).read_text()) if a.calibration else None,
                 detection=json.loads(Path(a.detection).read_text()) if a.detection else None,
                 postprocessing=Path(a.postprocessing) if a.postprocessing else None,
                 window_extension=cfg.get("window_extension"))
    big = oversized_files(Path(a.out))
    if big:
        print(f"WARNING: {a.out}: not committable, files at or above {MAX_BUNDLE_FILE_BYTES / 2**20:.0f} MiB: {', '.join(big)}")


if __name__ == "__main__":
    main()
