"""A toy slice dataset (random bright/dark elliptical blobs inside a disc on a -1 background) for tests,
smoke runs and the tiny test bundle. Not a model of CT; real training uses sdpm.data."""
from __future__ import annotations

from typing import Dict

import numpy as np
import torch


def toy_slice(rng: np.random.Generator, size: int) -> Dict[str, np.ndarray]:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    c = (size - 1) / 2
    r = np.hypot(yy - c, xx - c)
    head = r < size * 0.42
    x = np.where(head, 0.45 + 0.05 * rng.standard_normal((size, size)), 0.0)
    y = np.zeros((size, size), dtype=bool)
    for _ in range(int(rng.integers(0, 3))):
        cy, cx = c + rng.uniform(-0.25, 0.25, 2) * size
        ay, ax = rng.uniform(0.04, 0.12, 2) * size
        blob = ((yy - cy) / ay) ** 2 + ((xx - cx) / ax) ** 2 < 1
        blob &= head
        y |= blob
    x = np.where(y, 0.8, x)
    x = np.clip(x, 0.0, 1.0)
    x0n = (2 * x - 1).astype(np.float32)
    return {"x0n": x0n[None], "y0n": (2 * y.astype(np.float32) - 1)[None], "m": (x0n > -1).astype(np.float32)[None],
            "w": np.ones((1, size, size), np.float32)}


class ToyDataset(torch.utils.data.Dataset):
    def __init__(self, n: int, size: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.items = [toy_slice(rng, size) for _ in range(n)]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Dict[str, object]:
        d = {k: torch.from_numpy(v) for k, v in self.items[i].items()}
        return {**d, "case": f"toy{i:04d}", "slice": 0}
