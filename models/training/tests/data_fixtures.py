"""Shared helpers for the data tests: a tiny synthetic nnU-Net folder (procedural heads at 64², fast)."""
from __future__ import annotations

from pathlib import Path

from sdpm.data.synthetic import SynthConfig, generate_dataset

TINY = SynthConfig(ge_fraction=0.0, matrix_choices=(64,), lesion_free_fraction=0.25, second_lesion_fraction=0.0)
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def tiny_dataset(out: Path, n: int = 4, seed: int = 5) -> Path:
    generate_dataset(out, n, seed, prefix="tiny", jobs=1, cfg=TINY, log=False)
    return out
