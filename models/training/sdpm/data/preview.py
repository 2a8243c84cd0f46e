"""Contact sheet of a dataset as the model sees it (QA for synthetic or real data).

    python3 -m sdpm.data.preview work/synth-train --out work/preview.png --n 24 --image-size 128

Random lesion slices (and a quarter lesion-free ones) after preprocessing: x0n in grey, the label outline in
red, zero-weight (ignored) pixels tinted blue; the tile order (case:slice) is printed.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from skimage.io import imsave

from .slice_dataset import SliceDataset


def contact_sheet(ds: SliceDataset, n: int, seed: int = 0, cols: int = 8) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    pos = np.flatnonzero(ds.has_lesion)
    neg = np.flatnonzero(~ds.has_lesion)
    n_pos = min(len(pos), n - n // 4) if len(neg) else min(len(pos), n)
    pick = list(rng.choice(pos, n_pos, replace=False)) if n_pos else []
    pick += list(rng.choice(neg, min(len(neg), n - len(pick)), replace=False)) if len(neg) else []
    tiles, names = [], []
    for i in pick:
        it = ds[int(i)]
        g = ((it["x0n"][0].numpy() + 1) / 2 * 255).astype(np.uint8)
        rgb = np.stack([g, g, g], -1)
        y = it["y0n"][0].numpy() > 0
        edge = y & ~(np.roll(y, 1, 0) & np.roll(y, -1, 0) & np.roll(y, 1, 1) & np.roll(y, -1, 1))
        ign = it["w"][0].numpy() == 0
        rgb[ign, 2] = 255
        rgb[edge] = [255, 0, 0]
        tiles.append(rgb)
        names.append(f"{it['case']}:{it['slice']}")
    if not tiles:
        raise ValueError("dataset has no slices")
    s = tiles[0].shape[0]
    while len(tiles) % cols:
        tiles.append(np.zeros((s, s, 3), np.uint8))
    rows = [np.concatenate(tiles[r:r + cols], 1) for r in range(0, len(tiles), cols)]
    return np.concatenate(rows, 0), names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m sdpm.data.preview")
    ap.add_argument("data", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--image-size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    sheet, names = contact_sheet(SliceDataset(a.data, image_size=a.image_size), a.n, a.seed)
    imsave(str(a.out), sheet, check_contrast=False)
    print(f"{a.out}: {len(names)} slices, row by row: " + ", ".join(names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
