"""Reading this project's own training checkpoints.

PyTorch 2.6 changed ``torch.load``'s default to ``weights_only=True``, which refuses these files (they hold the run's
config and the optimizer state besides tensors): on the GPU machine (PyTorch 2.x) ``--resume``, ``--init-from`` and
``sdpm.bundle`` would fail. The checkpoints are written by ``sdpm.train`` itself, so they are read with
``weights_only=False`` (PyTorch 1.13 and later accept the argument).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from .presets import PRESETS


def load_checkpoint(path: str | Path, map_location: Any = "cpu") -> dict[str, Any]:
    return torch.load(path, map_location=map_location, weights_only=False)


def save_checkpoint(obj: dict[str, Any], path: str | Path) -> Path:
    """torch.save to a temporary name beside PATH, then rename: a stopped write never leaves a half file at PATH."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    torch.save(obj, tmp)
    os.replace(tmp, path)
    return path


def folded_checkpoint(weights: dict[str, torch.Tensor], preset: str, step: int, config: dict[str, Any], source: str,
                      **extra: Any) -> dict[str, Any]:
    """A checkpoint holding only network weights that are already folded (weight standardisation applied, as in an
    exported graph): online and EMA weights the same, no optimizer state. `sdpm.warm_start` and `sdpm.soup` write
    these; `bundle.load_checkpoint_unet` marks the convolutions folded when it reads one."""
    return {"step": step, "unet": weights, "ema": {"model": {k: v.clone() for k, v in weights.items()}, "step": step},
            "preset": preset, "preset_config": PRESETS[preset], "image_size": PRESETS[preset]["image_size"],
            "source": source, "config": config, "torch": torch.__version__, "folded": True, **extra}
