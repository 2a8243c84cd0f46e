"""The background a lesion is inserted into: HU volume plus the anatomy masks the inserter needs."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Background:
    """A head CT volume in display orientation.

    Arrays are (z, row, col): z increases superior, rows run anterior -> posterior, columns run patient
    right -> left (the DICOM display convention). ``spacing_zyx_mm`` is (slice spacing, row spacing,
    column spacing). All masks are boolean with the shape of ``hu``."""

    name: str
    hu: np.ndarray  # float32 (z, y, x)
    spacing_zyx_mm: np.ndarray
    intracranial: np.ndarray  # inside the inner table of the skull
    parenchyma: np.ndarray  # brain tissue where a parenchymal lesion may sit
    ventricles: np.ndarray  # ventricular CSF
    ignore: np.ndarray  # unlabelled pathology (zero loss weight), e.g. the GE head's old infarcts
    hemisphere_centre_x: float = 0.0  # column coordinate (voxels) of the midline
    brain_centre_zyx: np.ndarray = field(default_factory=lambda: np.zeros(3))  # voxels
    noise_std_hu: float = 4.0  # the noise level inserted lesions should carry
    pad_hu: float = -1024.0
    info: dict[str, object] = field(default_factory=dict)

    @property
    def voxel_volume_ml(self) -> float:
        return float(np.prod(self.spacing_zyx_mm)) / 1000.0
