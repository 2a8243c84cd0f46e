"""Reading this project's own training checkpoints.

PyTorch 2.6 changed ``torch.load``'s default to ``weights_only=True``, which refuses these files (they hold the run's
config and the optimizer state besides tensors): on the GPU machine (PyTorch 2.x) ``--resume``, ``--init-from`` and
``sdpm.bundle`` would fail. The checkpoints are written by ``sdpm.train`` itself, so they are read with
``weights_only=False`` (PyTorch 1.13 and later accept the argument).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch


def load_checkpoint(path: str | Path, map_location: Any = "cpu") -> dict[str, Any]:
    return torch.load(path, map_location=map_location, weights_only=False)
