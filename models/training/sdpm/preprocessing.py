"""Per-slice preprocessing shared by training and the TypeScript engine.

Implements ``models/BUNDLE-FORMAT.md`` § preprocessing.json exactly:

1. pad an axial slice (rows ``ny`` × columns ``nx``, HU) to a centred square of side
   ``L = max(nx, ny)`` with ``padHu``; the split is ``before = (L - n) // 2`` and
   ``after = L - n - before`` (the extra pixel of an odd difference goes after);
2. resize ``L×L -> S×S``: when ``L`` is an integer multiple ``f`` of ``S`` average each ``f×f``
   block (area), otherwise bilinear with half-pixel centres (``align_corners=False``, no
   antialias, the same as ``torch.nn.functional.interpolate(mode="bilinear")``);
3. ``x = clip((hu - lowerHu)/(upperHu - lowerHu), 0, 1)``, ``x0n = 2x - 1``, ``m = x0n > -1``; with
   ``huWindow.extension = {upperValue: k, ceilingHu: c, ceilingValue: v}`` (v defaults to 1) the window does not
   saturate at ``upperHu``: ``x = k (hu - lowerHu)/(upperHu - lowerHu)`` up to ``upperHu``, then linear from ``k`` to
   ``v`` at ``c``, clipped to [0, v] (``window_value``). With k = 1 and v > 1 every input up to ``upperHu`` is as
   without the extension and x0n reaches 2v - 1 above it.

Labels go through the same pad (with 0) and resize, then ``y = label >= 0.5``, ``y0n = 2y - 1``.
The inverse maps an ``S×S`` probability map back to the ``ny×nx`` slice grid (bilinear half-pixel
``S -> L``, crop the padding) and binarises with ``p > threshold``.

Arithmetic is float64 here and the outputs are float32; the TypeScript side computes in float32.
They can disagree on ``m`` only where the resized HU is within ~1e-5 HU of ``lowerHu``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

PREPROCESSING_FORMAT_VERSION = 1


@dataclass(frozen=True)
class PreprocessingConfig:
    """The parameters written to a bundle's ``preprocessing.json``."""

    image_size: int = 128
    lower_hu: float = 0.0
    upper_hu: float = 80.0
    pad_hu: float = -1024.0
    threshold: float = 0.5
    # huWindow.extension (None = absent = the plain clip at upper_hu): (upperValue k, ceilingHu c, ceilingValue v)
    extension: tuple[float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.extension is not None:
            if len(self.extension) != 3:
                raise ValueError(f"huWindow.extension: expected (upperValue, ceilingHu, ceilingValue), got {self.extension}")
            k, c, v = self.extension
            if not 0.0 < k <= 1.0:
                raise ValueError(f"preprocessing.json: huWindow.extension.upperValue must be in (0, 1], got {k}")
            if not (v >= 1.0 and v > k):
                raise ValueError(f"preprocessing.json: huWindow.extension.ceilingValue must be at least 1 and above "
                                 f"upperValue ({k}), got {v}")
            if not c > self.upper_hu:
                raise ValueError(f"preprocessing.json: huWindow.extension.ceilingHu must be above upperHu "
                                 f"({self.upper_hu}), got {c}")

    def to_json(self) -> dict[str, Any]:
        window: dict[str, Any] = {"lowerHu": self.lower_hu, "upperHu": self.upper_hu}
        if self.extension is not None:
            window["extension"] = {"upperValue": self.extension[0], "ceilingHu": self.extension[1],
                                   "ceilingValue": self.extension[2]}
        return {
            "formatVersion": PREPROCESSING_FORMAT_VERSION,
            "imageSize": self.image_size,
            "huWindow": window,
            "inPlane": {
                "method": "pad-square-then-area-or-bilinear",
                "padHu": self.pad_hu,
                "padSplit": "before = floor((side - n) / 2), after = side - n - before",
                "bilinear": "half-pixel centres (align_corners=false), no antialias, source index clamped at 0",
            },
            "mask": {"rule": "x0n > -1"},
            "labelEncoding": {"background": -1, "lesion": 1},
            "threshold": self.threshold,
            "thresholdRule": "p > threshold",
        }

    @staticmethod
    def from_json(obj: dict[str, Any]) -> "PreprocessingConfig":
        if obj.get("formatVersion") != PREPROCESSING_FORMAT_VERSION:
            raise ValueError(f"preprocessing.json: unsupported formatVersion {obj.get('formatVersion')!r}")
        method = obj["inPlane"]["method"]
        if method != "pad-square-then-area-or-bilinear":
            raise ValueError(f"preprocessing.json: unsupported inPlane.method {method!r}")
        if obj["mask"]["rule"] != "x0n > -1":
            raise ValueError(f"preprocessing.json: unsupported mask.rule {obj['mask']['rule']!r}")
        ext = obj["huWindow"].get("extension")
        return PreprocessingConfig(
            extension=None if ext is None else (float(ext["upperValue"]), float(ext["ceilingHu"]),
                                                float(ext.get("ceilingValue", 1.0))),
            image_size=int(obj["imageSize"]),
            lower_hu=float(obj["huWindow"]["lowerHu"]),
            upper_hu=float(obj["huWindow"]["upperHu"]),
            pad_hu=float(obj["inPlane"]["padHu"]),
            threshold=float(obj["threshold"]),
        )

    def cache_key(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True)


def extension_of(ext: Sequence[float] | None) -> tuple[float, float, float] | None:
    """A checkpoint's ``window_extension`` ([k, c] or [k, c, v]; v defaults to 1) as ``PreprocessingConfig.extension``."""
    if ext is None:
        return None
    if len(ext) not in (2, 3):
        raise ValueError(f"window_extension {list(ext)}: expected K,C or K,C,V")
    return (float(ext[0]), float(ext[1]), float(ext[2]) if len(ext) == 3 else 1.0)


def parse_window_extension(text: str | None) -> tuple[float, float, float] | None:
    """``--window-extension K,C[,V]`` (sdpm.train, sdpm.carry) as ``PreprocessingConfig.extension``; ValueError says why."""
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise ValueError("expected numbers K,C[,V] (e.g. 1,160,1.25)") from None
    return extension_of(values)


def write_preprocessing_json(path: str | Path, cfg: PreprocessingConfig) -> None:
    """Write the bundle's ``preprocessing.json`` (formatVersion 1) for ``cfg``."""
    Path(path).write_text(json.dumps(cfg.to_json(), indent=2) + "\n", encoding="utf-8")


def read_preprocessing_json(path: str | Path) -> PreprocessingConfig:
    return PreprocessingConfig.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def pad_split(n: int, side: int) -> tuple[int, int]:
    """Padding (before, after) that centres ``n`` pixels in ``side``."""
    before = (side - n) // 2
    return before, side - n - before


def pad_to_square(img: np.ndarray, pad_value: float) -> np.ndarray:
    """Pad a 2-D (rows, cols) array to a centred square of side ``max(rows, cols)``."""
    ny, nx = img.shape
    side = max(ny, nx)
    return np.pad(img, (pad_split(ny, side), pad_split(nx, side)), mode="constant", constant_values=pad_value)


def _bilinear_axis(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source indices and weights of half-pixel bilinear resampling along one axis (torch semantics)."""
    scale = n_in / n_out
    src = (np.arange(n_out, dtype=np.float64) + 0.5) * scale - 0.5
    src = np.maximum(src, 0.0)
    i0 = np.floor(src).astype(np.int64)
    i0 = np.minimum(i0, n_in - 1)
    lam = src - i0
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, lam


def resize_bilinear(img: np.ndarray, n_out: int) -> np.ndarray:
    """Resize a square 2-D array to ``n_out×n_out``, bilinear with half-pixel centres (align_corners=False)."""
    n_in = img.shape[0]
    if img.shape[1] != n_in:
        raise ValueError(f"resize_bilinear: expected a square array, got {img.shape}")
    i0, i1, lam = _bilinear_axis(n_in, n_out)
    a = img.astype(np.float64)
    rows = a[i0, :] * (1.0 - lam)[:, None] + a[i1, :] * lam[:, None]
    return rows[:, i0] * (1.0 - lam)[None, :] + rows[:, i1] * lam[None, :]


def resize_square(img: np.ndarray, size: int) -> np.ndarray:
    """Area average when the side is an integer multiple of ``size``, else bilinear (half-pixel)."""
    side = img.shape[0]
    if img.shape[1] != side:
        raise ValueError(f"resize_square: expected a square array, got {img.shape}")
    if side % size == 0:
        f = side // size
        return img.astype(np.float64).reshape(size, f, size, f).mean(axis=(1, 3))
    return resize_bilinear(img, size)


def window_value(hu: np.ndarray | float, cfg: PreprocessingConfig) -> np.ndarray:
    """HU -> window value x (float64): the plain clip to [0, 1], or with ``cfg.extension`` the two-piece window
    clipped to [0, ceilingValue]."""
    a = np.asarray(hu, dtype=np.float64)
    if cfg.extension is None:
        return np.clip((a - cfg.lower_hu) / (cfg.upper_hu - cfg.lower_hu), 0.0, 1.0)
    k, c, v = cfg.extension
    below = k * (a - cfg.lower_hu) / (cfg.upper_hu - cfg.lower_hu)
    above = k + (v - k) * (a - cfg.upper_hu) / (c - cfg.upper_hu)
    return np.clip(np.where(a <= cfg.upper_hu, below, above), 0.0, v)


def window_normalise(hu: np.ndarray, cfg: PreprocessingConfig) -> tuple[np.ndarray, np.ndarray]:
    """``(x0n, m)`` from resized HU: window to [0,1], map to [-1,1], mask ``x0n > -1``."""
    x = window_value(hu, cfg)
    x0n = 2.0 * x - 1.0
    m = (x0n > -1.0).astype(np.float32)
    return x0n.astype(np.float32), m


def resize_slice_hu(hu: np.ndarray, cfg: PreprocessingConfig) -> np.ndarray:
    """One axial slice (rows, cols) in HU -> the resized HU slice float64 [S, S] (steps 1-2, before windowing).
    The intracranial gate (sdpm.intracranial) is computed from it."""
    if hu.ndim != 2:
        raise ValueError(f"preprocess_slice: expected a 2-D slice, got shape {hu.shape}")
    return resize_square(pad_to_square(hu.astype(np.float64), cfg.pad_hu), cfg.image_size)


def preprocess_slice(hu: np.ndarray, cfg: PreprocessingConfig) -> tuple[np.ndarray, np.ndarray]:
    """One axial slice (rows, cols) in HU -> ``(x0n, m)``, each float32 [S, S]."""
    return window_normalise(resize_slice_hu(hu, cfg), cfg)


def preprocess_label(label: np.ndarray, cfg: PreprocessingConfig) -> np.ndarray:
    """Binary label slice (rows, cols) -> ``y0n`` float32 [S, S] in {-1, +1}."""
    sq = pad_to_square((label > 0).astype(np.float64), 0.0)
    y = resize_square(sq, cfg.image_size) >= 0.5
    return (2.0 * y - 1.0).astype(np.float32)


def preprocess_weight(ignore: np.ndarray, cfg: PreprocessingConfig) -> np.ndarray:
    """Ignore slice (rows, cols, nonzero = ignore) -> loss weight float32 [S, S]: 0 where any ignored pixel
    contributes to the resized pixel, else 1 (conservative: a pixel partly in an ignore region is ignored)."""
    sq = pad_to_square((ignore > 0).astype(np.float64), 0.0)
    return (resize_square(sq, cfg.image_size) <= 0.0).astype(np.float32)


def probability_to_native(p: np.ndarray, native_shape: tuple[int, int]) -> np.ndarray:
    """``S×S`` probability map -> (rows, cols) of the native slice: bilinear (half-pixel) to the padded
    square side, then crop the padding. Returns float64."""
    ny, nx = native_shape
    side = max(ny, nx)
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise ValueError(f"probability_to_native: expected a square 2-D map, got {p.shape}")
    up = resize_bilinear(p, side)
    (r0, _), (c0, _) = pad_split(ny, side), pad_split(nx, side)
    return up[r0:r0 + ny, c0:c0 + nx]


def mask_to_native(p: np.ndarray, native_shape: tuple[int, int], cfg: PreprocessingConfig) -> np.ndarray:
    """Binary mask on the native slice grid: ``probability_to_native(p) > threshold``."""
    return probability_to_native(p, native_shape) > cfg.threshold


def preprocess_volume(hu: np.ndarray, cfg: PreprocessingConfig) -> tuple[np.ndarray, np.ndarray]:
    """Volume (z, rows, cols) -> ``(x0n, m)`` float32 [z, S, S]."""
    out = [preprocess_slice(hu[k], cfg) for k in range(hu.shape[0])]
    return np.stack([o[0] for o in out]), np.stack([o[1] for o in out])
