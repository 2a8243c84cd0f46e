"""Golden vectors for the intracranial gate's Python/TypeScript parity (test/fixtures/intracranial-gate/).

Input: 4 raw slices of the demo study (real GE head, models/demo/ge-head-ich/dicom, read with
sdpm.data.dicom_reader.load_ct_series) resized to S = 128 by the bundle preprocessing (256 -> 128: 2×2 block
means of integer HU, so every value is a multiple of 1/4 and ``hu * 4`` is stored exactly as int16). Output: the
gate (uint8 0/1) and rule of each slice from sdpm.intracranial with the default settings. Both arrays are
gzip'd (mtime 0: byte-reproducible); total < 100 kB.

    cd models/training && python3 -m sdpm.intracranial_golden [--out ../../test/fixtures/intracranial-gate]
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from .data.dicom_reader import load_ct_series
from .intracranial import DEFAULT_GATE, intracranial_gate
from .preprocessing import PreprocessingConfig, resize_slice_hu

REPO = Path(__file__).resolve().parents[3]
DEMO_DICOM = REPO / "models" / "demo" / "ge-head-ich" / "dicom"
GOLDEN_DIR = REPO / "test" / "fixtures" / "intracranial-gate"
SLICES = (2, 6, 16, 26)  # no-cavity (skull base), skull-hull (skull base), enclosed (lesion level), enclosed (high)
IMAGE_SIZE = 128
HU_SCALE = 4


def golden(slices: Sequence[int] = SLICES) -> Tuple[Dict[str, Any], np.ndarray, np.ndarray]:
    """(manifest, hu*4 int16 [n,S,S], gate uint8 [n,S,S])."""
    hu, _, _, _ = load_ct_series(DEMO_DICOM)
    cfg = PreprocessingConfig(image_size=IMAGE_SIZE)
    hus, gates, meta = [], [], []
    for k in slices:
        h = resize_slice_hu(hu[k], cfg)
        q = h * HU_SCALE
        if not np.array_equal(q, np.round(q)) or np.abs(q).max() > 32767:
            raise ValueError(f"slice {k}: resized HU * {HU_SCALE} is not an exact int16")
        g = intracranial_gate(h)
        hus.append(q.astype("<i2"))
        gates.append(g.gate.astype(np.uint8))
        meta.append({"k": int(k), "rule": g.rule, "interiorPx": g.interior_px, "pocketPx": g.pocket_px,
                     "gatePx": int(g.gate.sum())})
    manifest = {
        "formatVersion": 1,
        "generator": "cd models/training && python3 -m sdpm.intracranial_golden (sdpm/intracranial.py)",
        "source": "models/demo/ge-head-ich/dicom, raw slices k (load_ct_series order), resized to imageSize by "
                  "sdpm.preprocessing.resize_slice_hu (padHu -1024)",
        "imageSize": IMAGE_SIZE,
        "huScale": HU_SCALE,
        "config": DEFAULT_GATE.to_json(),
        "files": {"hu": "hu_x4.i16.gz", "gate": "gate.u8.gz"},
        "layout": "[slice][row][col], little-endian; hu = value / huScale",
        "slices": meta,
    }
    return manifest, np.stack(hus), np.stack(gates)


def _gz(a: np.ndarray) -> bytes:
    return gzip.compress(np.ascontiguousarray(a).tobytes(), compresslevel=9, mtime=0)


def write_golden(out: Path = GOLDEN_DIR) -> Dict[str, Any]:
    manifest, hu, gate = golden()
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (out / manifest["files"]["hu"]).write_bytes(_gz(hu))
    (out / manifest["files"]["gate"]).write_bytes(_gz(gate))
    return manifest


def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description="write the intracranial gate parity golden vectors")
    ap.add_argument("--out", default=str(GOLDEN_DIR))
    a = ap.parse_args(argv)
    m = write_golden(Path(a.out))
    print(json.dumps(m["slices"]))


if __name__ == "__main__":
    main()
