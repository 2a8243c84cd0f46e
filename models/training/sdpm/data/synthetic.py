"""Synthetic NCCT stroke-lesion dataset generator (nnU-Net v2 layout).

    cd models/training && nice -n 10 /usr/bin/python3 -m sdpm.data.synthetic --out work/synth-train \\
        --n-cases 300 --seed 1 --jobs 2

Writes ``imagesTr/<case>_0000.nii.gz`` (HU, int16), ``labelsTr/<case>.nii.gz`` (uint8 0/1),
``ignoreTr/<case>.nii.gz`` (uint8, 1 = no loss), ``dataset.json`` and ``cases.json``. Case ``i`` is drawn
from ``numpy.random.SeedSequence([seed, i])`` alone, so the output does not depend on ``--jobs`` and the
same seed gives identical files. See models/training/DATA.md.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per worker process (before numpy loads)

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np

from .background import Background
from .ge_head import GE_TILT_NIFTI, ge_variant, load_ge_head
from .lesions import LesionRecord, insert_hemorrhage, insert_infarct, sample_volume_ml
from .procedural_head import procedural_head
from .hard_negatives import add_hard_negatives
from .hemorrhage_subtypes import SUBTYPE_WEIGHTS, insert_ivh_cast, insert_subarachnoid, insert_subdural, sample_volume_v2
from .noise import correlated_noise

GENERATOR_VERSION = "sdpm-synth-1.2"
GENERATOR_VERSION_V2 = "sdpm-synth-2.0"  # --v2: hard negatives, hemorrhage subtypes, small volumes, noise levels


@dataclass(frozen=True)
class SynthConfig:
    ge_fraction: float = 0.3  # share of cases on the real GE head
    lesion_free_fraction: float = 0.15
    hemorrhage_fraction: float = 0.5  # of lesion cases; the rest are infarcts
    ivh_fraction: float = 0.2  # of hemorrhages
    second_lesion_fraction: float = 0.1
    matrix_choices: tuple[int, ...] = (256,) * 9 + (512,)  # procedural in-plane matrix, drawn uniformly
    ge_path: str = str(GE_TILT_NIFTI)
    # generator v2 (issue 10 item 3; DATA.md): all of its draws come from a second stream
    # SeedSequence([seed, index, 2]), so the v1 draws of a case are unchanged
    v2: bool = False
    extra_noise_hu: tuple[float, float] = (0.0, 4.0)  # v2: extra correlated noise (scanner noise levels)

    @property
    def version(self) -> str:
        return GENERATOR_VERSION_V2 if self.v2 else GENERATOR_VERSION


def display_affine(spacing_zyx_mm: np.ndarray, shape_zyx: tuple[int, int, int]) -> np.ndarray:
    """RAS affine of a display-orientation volume written as NIfTI data (x=col, y=row, z=slice):
    columns run to patient left (-x in RAS), rows to posterior (-y), slices superior (+z); centred."""
    dz, dy, dx = (float(v) for v in spacing_zyx_mm)
    nz, ny, nx = shape_zyx
    aff = np.diag([-dx, -dy, dz, 1.0])
    aff[:3, 3] = [dx * (nx - 1) / 2, dy * (ny - 1) / 2, -dz * (nz - 1) / 2]
    return aff


def write_nifti(path: Path, arr_zyx: np.ndarray, spacing_zyx_mm: np.ndarray, dtype: type) -> None:
    """Write atomically (hidden temporary file, then rename) so a reader never sees a partial file."""
    aff = display_affine(spacing_zyx_mm, arr_zyx.shape)  # type: ignore[arg-type]
    img = nib.Nifti1Image(np.transpose(arr_zyx, (2, 1, 0)).astype(dtype), aff)
    img.header.set_xyzt_units("mm")
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    tmp = path.parent / f".{path.name[:-len('.nii.gz')]}.tmp{os.getpid()}.nii.gz"
    nib.save(img, str(tmp))
    os.replace(tmp, path)


def case_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, index]))


def make_case(seed: int, index: int, cfg: SynthConfig) -> tuple[Background, np.ndarray, np.ndarray, list[LesionRecord]]:
    """Generate case ``index`` of the dataset with base ``seed``: (background, hu, label, lesion records)."""
    rng = case_rng(seed, index)
    if rng.random() < cfg.ge_fraction:
        bg = ge_variant(rng, load_ge_head(cfg.ge_path))
    else:
        bg = procedural_head(rng, matrix=int(rng.choice(cfg.matrix_choices)))
    hu = bg.hu.copy()
    label = np.zeros(hu.shape, dtype=bool)
    records: list[LesionRecord] = []
    if cfg.v2:
        return _make_case_v2(seed, index, cfg, rng, bg, hu, label)
    if rng.random() >= cfg.lesion_free_fraction:
        n_lesions = 2 if rng.random() < cfg.second_lesion_fraction else 1
        for _ in range(n_lesions):
            for _attempt in range(4):
                target = sample_volume_ml(rng)
                if rng.random() < cfg.hemorrhage_fraction:
                    sub = "intraventricular" if rng.random() < cfg.ivh_fraction else "intraparenchymal"
                    rec = insert_hemorrhage(bg, hu, label, rng, target, sub)
                else:
                    rec = insert_infarct(bg, hu, label, rng, target)
                if rec is not None:
                    records.append(rec)
                    break
    return bg, hu, label, records


def _make_case_v2(seed: int, index: int, cfg: SynthConfig, rng: np.random.Generator, bg: Background,
                  hu: np.ndarray, label: np.ndarray) -> tuple[Background, np.ndarray, np.ndarray, list[LesionRecord]]:
    rng2 = np.random.default_rng(np.random.SeedSequence([seed, index, 2]))
    bg.info["hardNegatives"] = add_hard_negatives(bg, hu, rng2)
    bg.hu = hu.copy()  # lesions are placed against the background including the hard negatives
    records: list[LesionRecord] = []
    if rng2.random() >= cfg.lesion_free_fraction:
        n_lesions = 2 if rng2.random() < cfg.second_lesion_fraction else 1
        names = list(SUBTYPE_WEIGHTS)
        probs = np.array([SUBTYPE_WEIGHTS[n] for n in names])
        for _ in range(n_lesions):
            for _attempt in range(4):
                target = sample_volume_v2(rng2)
                if rng2.random() < cfg.hemorrhage_fraction:
                    sub = str(rng2.choice(names, p=probs / probs.sum()))
                    rec = insert_hemorrhage_v2(bg, hu, label, rng2, target, sub)
                else:
                    rec = insert_infarct(bg, hu, label, rng2, target)
                if rec is not None:
                    records.append(rec)
                    break
    lo, hi = cfg.extra_noise_hu
    extra = float(rng2.uniform(lo, hi))
    if extra > 0:
        head = hu > -500
        hu += correlated_noise(rng2, hu.shape, extra, 1.0) * head
    bg.info["extraNoiseHu"] = extra
    return bg, hu, label, records


def insert_hemorrhage_v2(bg: Background, hu: np.ndarray, label: np.ndarray, rng: np.random.Generator,
                         target: float, subtype: str) -> LesionRecord | None:
    if subtype in ("intraparenchymal", "intraventricular"):
        return insert_hemorrhage(bg, hu, label, rng, target, subtype)
    fn = {"intraventricular-cast": insert_ivh_cast, "subdural": insert_subdural,
          "subarachnoid": insert_subarachnoid}[subtype]
    return fn(bg, hu, label, rng, target)


def generate_one(args: tuple[int, int, str, str, SynthConfig]) -> dict[str, Any]:
    seed, index, out_dir, prefix, cfg = args
    t0 = time.time()
    name = f"{prefix}_{index:04d}"
    bg, hu, label, records = make_case(seed, index, cfg)
    # the NIfTI header stores float32 voxel sizes; use exactly those for the volumes we report
    bg.spacing_zyx_mm = bg.spacing_zyx_mm.astype(np.float32).astype(np.float64)
    hu_int = np.clip(np.rint(hu), -32768, 32767).astype(np.int16)
    lab = label.astype(np.uint8)
    ignore = (bg.ignore & ~label).astype(np.uint8)
    out = Path(out_dir)
    # label and ignore first: the image's presence is what makes a case visible to the readers
    write_nifti(out / "labelsTr" / f"{name}.nii.gz", lab, bg.spacing_zyx_mm, np.uint8)
    write_nifti(out / "ignoreTr" / f"{name}.nii.gz", ignore, bg.spacing_zyx_mm, np.uint8)
    write_nifti(out / "imagesTr" / f"{name}_0000.nii.gz", hu_int, bg.spacing_zyx_mm, np.int16)
    vox_ml = float(np.prod(bg.spacing_zyx_mm)) / 1000.0
    total_ml = float(lab.sum()) * vox_ml
    lesion_slices = np.flatnonzero(lab.reshape(lab.shape[0], -1).any(axis=1)).tolist()
    return {
        "case": name,
        "seedSequence": [seed, index],
        "generatorVersion": cfg.version,
        "background": {"name": bg.name, **{k: v for k, v in bg.info.items()}},
        "shapeZyx": list(hu.shape),
        "spacingZyxMm": [float(v) for v in bg.spacing_zyx_mm],
        "voxelVolumeMl": vox_ml,
        "lesionVoxels": int(lab.sum()),
        "trueVolumeMl": total_ml,
        "lesionSlices": lesion_slices,
        "ignoreVoxels": int(ignore.sum()),
        "lesions": [asdict(r) for r in records],
        "seconds": round(time.time() - t0, 2),
    }


def _volume_per_lesion(entry: dict[str, Any]) -> None:
    # per-lesion true volumes: recomputed from the label in order of insertion is not possible after the
    # union; for single-lesion cases the lesion's true volume is the case volume.
    if len(entry["lesions"]) == 1:
        entry["lesions"][0]["true_volume_ml"] = entry["trueVolumeMl"]


def _write_json_atomic(path: Path, obj: Any) -> None:
    tmp = path.parent / f".{path.name}.tmp{os.getpid()}"
    tmp.write_text(json.dumps(obj, indent=1) + "\n")
    os.replace(tmp, path)


def generate_dataset(out_dir: Path, n_cases: int, seed: int, prefix: str = "synth", jobs: int = 1,
                     cfg: SynthConfig = SynthConfig(), start: int = 0, log: bool = True) -> list[dict[str, Any]]:
    """Generate cases ``start .. start+n_cases-1`` into ``out_dir`` and (re)write dataset.json/cases.json."""
    for sub in ("imagesTr", "labelsTr", "ignoreTr"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    tasks = [(seed, i, str(out_dir), prefix, cfg) for i in range(start, start + n_cases)]
    t0 = time.time()
    entries: list[dict[str, Any]] = []
    if jobs <= 1:
        it = map(generate_one, tasks)
        for e in it:
            entries.append(e)
            if log:
                print(f"{e['case']}: {e['trueVolumeMl']:.2f} mL ({e['seconds']} s)", file=sys.stderr, flush=True)
    else:
        with get_context("fork").Pool(jobs) as pool:
            for e in pool.imap(generate_one, tasks):
                entries.append(e)
                if log:
                    print(f"{e['case']}: {e['trueVolumeMl']:.2f} mL ({e['seconds']} s)", file=sys.stderr, flush=True)
    for e in entries:
        _volume_per_lesion(e)
    cases_path = out_dir / "cases.json"
    old: list[dict[str, Any]] = []
    if cases_path.exists() and start > 0:
        old = [c for c in json.loads(cases_path.read_text())["cases"] if c["case"] not in {e["case"] for e in entries}]
    all_entries = sorted(old + entries, key=lambda c: c["case"])
    _write_json_atomic(cases_path, {"generatorVersion": cfg.version, "seed": seed, "config": asdict(cfg),
                                      "cases": all_entries})
    _write_json_atomic(out_dir / "dataset.json", {
        "channel_names": {"0": "CT"},
        "labels": {"background": 0, "lesion": 1},
        "numTraining": len(all_entries),
        "file_ending": ".nii.gz",
        "name": f"SDPM synthetic NCCT lesions ({prefix}, seed {seed})",
        "description": "Synthetic acute hemorrhage and infarct lesions on procedural heads and the GE head "
                       "(BSD-2, dcm_qa_ct); ignoreTr holds per-voxel zero-loss-weight masks.",
        "generator": cfg.version,
    })
    if log:
        print(f"{len(entries)} cases in {time.time() - t0:.1f} s -> {out_dir}", file=sys.stderr)
    return all_entries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m sdpm.data.synthetic", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n-cases", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--start", type=int, default=0, help="first case index (to extend a dataset)")
    ap.add_argument("--prefix", default="synth")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--ge-fraction", type=float, default=SynthConfig.ge_fraction)
    ap.add_argument("--lesion-free-fraction", type=float, default=SynthConfig.lesion_free_fraction)
    ap.add_argument("--hemorrhage-fraction", type=float, default=SynthConfig.hemorrhage_fraction)
    ap.add_argument("--matrix", type=int, nargs="+", default=list(SynthConfig.matrix_choices),
                    help="procedural in-plane matrix sizes to draw from (256: 0.8-1.0 mm, 512: 0.4-0.5 mm)")
    ap.add_argument("--ge-path", default=str(GE_TILT_NIFTI))
    ap.add_argument("--ready-file", action="store_true", help="write OUT/READY when done")
    ap.add_argument("--v2", action="store_true", help="generator v2: hard negatives, hemorrhage subtypes "
                    "(IVH cast, subdural, subarachnoid), 45 %% of volumes 0.05-2 mL, extra noise 0-4 HU")
    a = ap.parse_args(argv)
    cfg = SynthConfig(ge_fraction=a.ge_fraction, lesion_free_fraction=a.lesion_free_fraction,
                      hemorrhage_fraction=a.hemorrhage_fraction, matrix_choices=tuple(a.matrix), ge_path=a.ge_path,
                      v2=a.v2)
    generate_dataset(a.out, a.n_cases, a.seed, a.prefix, a.jobs, cfg, a.start)
    if a.ready_file:
        (a.out / "READY").write_text("complete\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
