"""One training case as the readers return it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class CaseVolume:
    """HU volume and masks in display orientation, arrays (z, row, col): slices ordered inferior -> superior,
    rows anterior -> posterior, columns patient right -> left. ``spacing_zyx_mm`` = (slice spacing, row
    spacing, column spacing)."""

    name: str
    hu: np.ndarray  # float32
    label: np.ndarray  # bool, lesion
    ignore: np.ndarray  # bool, zero loss weight
    spacing_zyx_mm: np.ndarray
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def voxel_volume_ml(self) -> float:
        return float(np.prod(self.spacing_zyx_mm)) / 1000.0


@dataclass(frozen=True)
class CaseRef:
    """Where a case's files are: ``kind`` is "nifti" (image/label/ignore files) or "dicom" (series folder + SEG)."""

    name: str
    kind: str
    image: Path
    label: Path | None
    ignore: Path | None = None
