"""Training slices packed into one compressed file for the GPU machine (issue 10 item 6).

That machine has PyTorch, numpy, scipy and scikit-image but neither nibabel nor pydicom, reaches nothing, and takes
at most 64 MiB per call. So the slices are preprocessed here (the same slice cache as ``sdpm.train`` uses, with the
same window) and a seeded subset is written as one ``np.savez_compressed`` file: x0n float16 (as in the cache), y0n,
m and w as bits. ``sdpm.train --data carry:FILE`` trains on it through ``CarryDataset`` (the ``SliceDataset`` item
contract); ``scripts/gpu/train-gpu.sh`` runs that on the device.

    python3 -m sdpm.carry --data work/train-gpu --out ../../build/gpu-train/train.npz --max-mib 32 --fit   (scripts/gpu/prepare-train.sh)
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .preprocessing import PreprocessingConfig, parse_window_extension

CARRY_FORMAT = 1
# One device call carries at most 64 MiB IN ALL: the repository's working tree (about 30 MiB: bundles, demo study,
# fixtures) travels too, so the room for this file is what prepare-train.sh computes (--max-mib); this is only the
# ceiling for a call that carried nothing else.
MAX_CARRY_BYTES = 60 * 1024 * 1024


class TooLarge(ValueError):
    """A pack above its byte limit; ``size`` and ``slices`` say by how much, so a caller can retry with fewer."""

    def __init__(self, msg: str, size: int, slices: int) -> None:
        super().__init__(msg)
        self.size, self.slices = size, slices


def select_slices(has_lesion: np.ndarray, max_slices: int, lesion_share: float, seed: int) -> np.ndarray:
    """Sorted indices: up to ``lesion_share`` of ``max_slices`` from the lesion slices, the rest lesion-free (a side
    with too few gives its room to the other); drawn without replacement by ``seed``."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(has_lesion), np.flatnonzero(~has_lesion)
    n_pos = min(pos.size, int(round(max_slices * lesion_share)))
    n_neg = min(neg.size, max_slices - n_pos)
    n_pos = min(pos.size, max_slices - n_neg)
    take = np.concatenate([rng.choice(pos, n_pos, replace=False), rng.choice(neg, n_neg, replace=False)])
    return np.sort(take.astype(np.int64))


def pack(ds: Any, out: Path, max_slices: int, lesion_share: float = 0.5, seed: int = 0,
         max_bytes: int = MAX_CARRY_BYTES) -> dict[str, Any]:
    """Write ``out`` (npz) from a SliceDataset; returns its summary. Refuses above max_bytes; the file is written
    under a temporary name and renamed, so a refused or failed pack leaves an earlier ``out`` as it was."""
    has_lesion = np.asarray(ds.has_lesion, dtype=bool)
    idx = select_slices(has_lesion, max_slices, lesion_share, seed)
    items = [ds[int(i)] for i in idx]
    s = int(items[0]["x0n"].shape[-1]) if items else 0
    stack = lambda k: np.stack([it[k][0].numpy() for it in items])  # noqa: E731
    cfg: PreprocessingConfig = ds.cfg
    meta = {"format": CARRY_FORMAT, "imageSize": s, "preprocessing": cfg.to_json(), "source": str(ds.root),
            "slices": [{"case": it["case"], "slice": it["slice"]} for it in items],
            "lesionSlices": int(has_lesion[idx].sum()), "seed": seed}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            np.savez_compressed(f, x0n=stack("x0n").astype(np.float16), y0n=np.packbits(stack("y0n") > 0),
                                m=np.packbits(stack("m") > 0), w=np.packbits(stack("w") > 0),
                                meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
        size = tmp.stat().st_size
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if size > max_bytes:
        tmp.unlink()
        raise TooLarge(f"{out}: {size / 2**20:.1f} MiB for {len(items)} slices is above the {max_bytes / 2**20:.0f} MiB a "
                       f"device call carries; use fewer --max-slices", size, len(items))
    os.replace(tmp, out)
    return {"file": str(out), "bytes": size, "slices": len(items), "lesionSlices": meta["lesionSlices"]}


def pack_to_fit(ds: Any, out: Path, max_slices: int, lesion_share: float = 0.5, seed: int = 0,
                max_bytes: int = MAX_CARRY_BYTES, tries: int = 4) -> dict[str, Any]:
    """``pack`` with at most ``max_slices``, shrinking the count in proportion (2 % under) until the file fits; the
    selection stays seeded, so the same inputs give the same file. Raises TooLarge after ``tries`` attempts."""
    n = max_slices
    for _ in range(tries):
        try:
            return pack(ds, out, n, lesion_share, seed, max_bytes)
        except TooLarge as e:
            err = e
            n = max(1, int(e.slices * max_bytes / e.size * 0.98))
    raise err


class CarryDataset:
    """A packed file with the SliceDataset item contract (x0n, y0n, m, w as float32 [1,S,S]; case; slice)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            z = np.load(self.path)
            self.meta: dict[str, Any] = json.loads(bytes(z["meta"]).decode())
            if self.meta.get("format") != CARRY_FORMAT:
                raise ValueError(f"carry format {self.meta.get('format')!r}, this trainer reads {CARRY_FORMAT}")
            s, n = int(self.meta["imageSize"]), len(self.meta["slices"])
            self.cfg = PreprocessingConfig.from_json(self.meta["preprocessing"])
            bits = lambda k: np.unpackbits(z[k], count=n * s * s).reshape(n, s, s)  # noqa: E731
            self._x0n = z["x0n"]
            self._y0n = bits("y0n").astype(np.float32) * 2 - 1
            self._m, self._w = bits("m"), bits("w")
        except (OSError, ValueError, KeyError) as e:
            raise ValueError(f"{self.path}: not a training carry file ({e})") from e
        self.slices: list[dict[str, Any]] = self.meta["slices"]
        self.has_lesion = (self._y0n > 0).reshape(n, -1).any(axis=1)

    def __len__(self) -> int:
        return len(self.slices)

    def __getitem__(self, i: int) -> dict[str, Any]:
        s = self._x0n.shape[-1]
        f32 = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float32).reshape(1, s, s))  # noqa: E731
        return {"x0n": f32(self._x0n[i]), "y0n": f32(self._y0n[i]), "m": f32(self._m[i]), "w": f32(self._w[i]),
                "case": self.slices[i]["case"], "slice": int(self.slices[i]["slice"])}

    def sample_weights(self, lesion_fraction: float = 0.5) -> np.ndarray:
        from .data.slice_dataset import lesion_share_weights

        return lesion_share_weights(self.has_lesion, lesion_fraction)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Pack training slices into one file for the GPU machine")
    ap.add_argument("--data", required=True, help="dataset directory (sdpm.data generator output)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--image-size", type=int, default=128)
    ap.add_argument("--window-extension", default=None, metavar="K,C[,V]", help="as sdpm.train --window-extension")
    ap.add_argument("--max-slices", type=int, default=6000)
    ap.add_argument("--lesion-share", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-mib", type=float, default=MAX_CARRY_BYTES / 2**20,
                    help="room for this file in one device call (64 MiB minus the working tree that travels too); "
                         "with --fit the slice count shrinks until the file fits, else a larger file is refused")
    ap.add_argument("--fit", action="store_true", help="pack fewer than --max-slices when they do not fit --max-mib")
    a = ap.parse_args(argv)
    from .data.slice_dataset import SliceDataset

    try:
        pcfg = PreprocessingConfig(image_size=a.image_size, extension=parse_window_extension(a.window_extension))
    except ValueError as e:
        ap.error(f"--window-extension {a.window_extension}: {e}")
    ds = SliceDataset(a.data, cfg=pcfg)
    try:
        limit = int(a.max_mib * 2**20)
        r = (pack_to_fit if a.fit else pack)(ds, Path(a.out), a.max_slices, a.lesion_share, a.seed, limit)
    except ValueError as e:
        ap.exit(2, f"sdpm.carry: {e}\n")
    print(f"{r['file']}: {r['slices']} slices ({r['lesionSlices']} with lesion), {r['bytes'] / 2**20:.1f} MiB "
          f"(room {a.max_mib:.1f} MiB)")


if __name__ == "__main__":
    main()
