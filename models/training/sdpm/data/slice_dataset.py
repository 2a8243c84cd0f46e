"""2-D axial slice dataset for SDPM training (torch ``Dataset``).

    ds = SliceDataset("work/synth-train", image_size=128)           # every case
    ds = SliceDataset("work/synth-train", image_size=128, split="train")  # deterministic case split
    item = ds[0]  # {"x0n","y0n","m","w": float32 [1,S,S], "case": str, "slice": int}

Each slice goes through :mod:`sdpm.preprocessing` (the bundle's preprocessing, so training sees exactly
what inference sees): ``x0n`` in [-1,1], ``m = x0n > -1``, ``y0n`` in {-1,+1}, ``w`` = 0 where the case's
ignore mask touches the resized pixel, else 1. Slices whose mask ``m`` covers less than
``min_mask_fraction`` of the image (air above the vertex) are dropped.

The preprocessed slices are cached once per (dataset listing, preprocessing config, reader version) in
``models/training/work/cache/<key>/`` as memory-mappable ``.npy`` files (x0n as float16 — at most 2^-11
relative error, well below CT noise — and m, y0n, w as uint8/int8, so 300 cases fit in well under 1 GB),
written to a temporary folder and renamed, so concurrent readers never see half a cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch

from ..preprocessing import PreprocessingConfig, preprocess_label, preprocess_slice, preprocess_weight
from .case import CaseRef
from .readers import find_cases, read_case

CACHE_VERSION = "slices-1"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / "work" / "cache"


def split_cases(cases: Sequence[str], fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
                seed: int = 0) -> dict[str, list[str]]:
    """Deterministic train/val/test split by case: cases are ordered by sha256(f"{seed}:{name}") and cut
    by ``fractions``. A case's split depends only on its name, the seed and the case count."""
    if abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"split fractions must sum to 1, got {fractions}")
    order = sorted(cases, key=lambda c: hashlib.sha256(f"{seed}:{c}".encode()).hexdigest())
    n = len(order)
    n_train = int(round(fractions[0] * n))
    n_val = int(round(fractions[1] * n))
    return {"train": sorted(order[:n_train]), "val": sorted(order[n_train:n_train + n_val]),
            "test": sorted(order[n_train + n_val:])}


def _listing_key(refs: list[CaseRef], cfg: PreprocessingConfig, label_values: Sequence[int] | None,
                 min_mask_fraction: float) -> str:
    h = hashlib.sha256()
    h.update(CACHE_VERSION.encode())
    h.update(cfg.cache_key().encode())
    h.update(repr((sorted(label_values) if label_values else None, min_mask_fraction)).encode())
    for r in refs:
        for p in (r.image, r.label, r.ignore):
            if p is None:
                h.update(b"-")
                continue
            st = p.stat()
            h.update(f"{p.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def build_slice_cache(refs: list[CaseRef], cfg: PreprocessingConfig, out: Path,
                      label_values: Sequence[int] | None = None, min_mask_fraction: float = 0.01,
                      log: bool = True) -> None:
    """Preprocess every slice of ``refs`` into ``out`` (x0n.npy, m.npy, y0n.npy, w.npy, index.json)."""
    s = cfg.image_size
    xs: list[np.ndarray] = []
    ms: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    ws: list[np.ndarray] = []
    index: list[dict[str, Any]] = []
    t0 = time.time()
    for ci, ref in enumerate(refs):
        cv = read_case(ref, label_values)
        for k in range(cv.hu.shape[0]):
            x0n, m = preprocess_slice(cv.hu[k], cfg)
            if m.mean() < min_mask_fraction:
                continue
            y0n = preprocess_label(cv.label[k], cfg)
            w = preprocess_weight(cv.ignore[k], cfg) if cv.ignore[k].any() else np.ones((s, s), np.float32)
            xs.append(x0n.astype(np.float16))
            ms.append(m.astype(np.uint8))
            ys.append(y0n.astype(np.int8))
            ws.append(w.astype(np.uint8))
            index.append({"case": cv.name, "slice": k, "lesionPixels": int((y0n > 0).sum()),
                          "ignoredPixels": int((w == 0).sum())})
        if log and (ci + 1) % 25 == 0:
            print(f"slice cache: {ci + 1}/{len(refs)} cases, {len(index)} slices, {time.time() - t0:.0f} s",
                  file=sys.stderr, flush=True)
    tmp = out.parent / f".{out.name}.tmp{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    empty = np.zeros((0, s, s))
    np.save(tmp / "x0n.npy", np.stack(xs) if xs else empty.astype(np.float16))
    np.save(tmp / "m.npy", np.stack(ms) if ms else empty.astype(np.uint8))
    np.save(tmp / "y0n.npy", np.stack(ys) if ys else empty.astype(np.int8))
    np.save(tmp / "w.npy", np.stack(ws) if ws else empty.astype(np.uint8))
    (tmp / "index.json").write_text(json.dumps({"version": CACHE_VERSION, "preprocessing": cfg.to_json(),
                                                "cases": [r.name for r in refs], "slices": index}) + "\n")
    try:
        tmp.rename(out)
    except OSError:  # another process finished first; use theirs
        shutil.rmtree(tmp, ignore_errors=True)


def lesion_share_weights(has_lesion: np.ndarray, lesion_fraction: float) -> np.ndarray:
    """Per-item draw weights so that lesion slices make up ``lesion_fraction`` of the draws (uniform when one kind is
    missing); the datasets' ``sample_weights`` (SliceDataset, sdpm.carry.CarryDataset)."""
    n_pos = int(has_lesion.sum())
    n_neg = has_lesion.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return np.ones(has_lesion.size)
    return np.where(has_lesion, lesion_fraction / n_pos, (1 - lesion_fraction) / n_neg)


class SliceDataset(torch.utils.data.Dataset):  # type: ignore[type-arg]
    """Preprocessed axial slices of a dataset folder (nnU-Net, CT-ICH or DICOM+SEG layout)."""

    def __init__(self, root: str | Path, image_size: int | None = None, cfg: PreprocessingConfig | None = None,
                 split: str = "all", split_fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
                 split_seed: int = 0, cases: Sequence[str] | None = None, label_values: Sequence[int] | None = None,
                 min_mask_fraction: float = 0.01, cache_dir: str | Path | None = None, log: bool = True) -> None:
        if cfg is None:
            cfg = PreprocessingConfig(image_size=image_size or 128)
        elif image_size is not None and image_size != cfg.image_size:
            raise ValueError(f"image_size {image_size} disagrees with cfg.image_size {cfg.image_size}")
        self.root = Path(root)
        self.cfg = cfg
        refs = find_cases(self.root)
        key = _listing_key(refs, cfg, label_values, min_mask_fraction)
        cache = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
        self.cache_path = cache / key
        if not (self.cache_path / "index.json").exists():
            cache.mkdir(parents=True, exist_ok=True)
            if log:
                print(f"building slice cache for {len(refs)} cases of {self.root} -> {self.cache_path}",
                      file=sys.stderr, flush=True)
            build_slice_cache(refs, cfg, self.cache_path, label_values, min_mask_fraction, log)
        meta = json.loads((self.cache_path / "index.json").read_text())
        self._x0n = np.load(self.cache_path / "x0n.npy", mmap_mode="r")
        self._m = np.load(self.cache_path / "m.npy", mmap_mode="r")
        self._y0n = np.load(self.cache_path / "y0n.npy", mmap_mode="r")
        self._w = np.load(self.cache_path / "w.npy", mmap_mode="r")
        all_cases: list[str] = meta["cases"]
        if cases is not None:
            keep = set(cases)
            unknown = keep - set(all_cases)
            if unknown:
                raise KeyError(f"{self.root}: unknown case(s) {sorted(unknown)[:5]}")
        elif split != "all":
            if split not in ("train", "val", "test"):
                raise ValueError(f"split must be all/train/val/test, got {split!r}")
            keep = set(split_cases(all_cases, split_fractions, split_seed)[split])
        else:
            keep = set(all_cases)
        self.slices: list[dict[str, Any]] = meta["slices"]
        self.indices = np.array([i for i, s in enumerate(self.slices) if s["case"] in keep], dtype=np.int64)
        self.cases = sorted(keep)
        self.has_lesion = np.array([self.slices[i]["lesionPixels"] > 0 for i in self.indices], dtype=bool)

    def __len__(self) -> int:
        return int(self.indices.size)

    def __getitem__(self, i: int) -> dict[str, Any]:
        j = int(self.indices[i])
        s = self.cfg.image_size
        return {
            "x0n": torch.from_numpy(np.asarray(self._x0n[j], dtype=np.float32).reshape(1, s, s)),
            "y0n": torch.from_numpy(np.asarray(self._y0n[j], dtype=np.float32).reshape(1, s, s)),
            "m": torch.from_numpy(np.asarray(self._m[j], dtype=np.float32).reshape(1, s, s)),
            "w": torch.from_numpy(np.asarray(self._w[j], dtype=np.float32).reshape(1, s, s)),
            "case": self.slices[j]["case"],
            "slice": int(self.slices[j]["slice"]),
        }

    def sample_weights(self, lesion_fraction: float = 0.5) -> np.ndarray:
        return lesion_share_weights(self.has_lesion, lesion_fraction)

    def case_volume_slices(self, case: str) -> list[int]:
        """Dataset item indices of one case, in slice order (for per-case evaluation)."""
        return [i for i, j in enumerate(self.indices) if self.slices[int(j)]["case"] == case]
