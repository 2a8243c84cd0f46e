"""DICOM CT series + DICOM SEG cases (pydicom).

A case is a folder holding a CT series (any file names, searched recursively) and optionally a DICOM SEG
object that references it. Localizer images are ignored; with several series and no SEG the series with the
most slices is used. The CT slices are sorted by their position along the slice normal
(``IOP`` row x column cosines), converted to HU with RescaleSlope/Intercept, and put in display orientation
(rows anterior->posterior, columns right->left, slices inferior->superior) by flipping axes where the
direction cosines point the other way. Gantry-tilted stacks are kept as acquired (each slice is a 2-D
image; training needs no 3-D resampling).

SEG: BINARY (1-bit) or FRACTIONAL (thresholded at half of MaximumFractionalValue). Each frame is mapped to a
CT slice by ``DerivationImageSequence/SourceImageSequence/ReferencedSOPInstanceUID`` when present, else by
``PlanePositionSequence/ImagePositionPatient`` projected on the slice normal (nearest slice within half a
slice spacing). Segments are merged (union) unless ``label_values`` selects segment numbers. LABELMAP SEGs
and frames that match no CT slice raise a clear error.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pydicom
from pydicom.dataset import Dataset

from .case import CaseRef, CaseVolume

SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"


@dataclass
class _Header:
    path: Path
    ds: Dataset


def _scan(folder: Path) -> list[_Header]:
    out: list[_Header] = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name.startswith("."):
            continue
        try:
            ds = pydicom.dcmread(str(p), stop_before_pixels=True)
        except (pydicom.errors.InvalidDicomError, OSError, ValueError):
            continue
        if "SOPClassUID" not in ds:
            continue
        out.append(_Header(p, ds))
    return out


def _is_seg(ds: Dataset) -> bool:
    return str(ds.SOPClassUID) == SEG_SOP_CLASS or getattr(ds, "Modality", "") == "SEG"


def _has_dicom(folder: Path) -> bool:
    for p in folder.rglob("*"):
        if p.is_file():
            try:
                pydicom.dcmread(str(p), stop_before_pixels=True, specific_tags=["SOPClassUID"])
                return True
            except (pydicom.errors.InvalidDicomError, OSError, ValueError):
                continue
    return False


def find_dicom_cases(root: Path) -> list[CaseRef]:
    """One case per sub-folder that holds DICOM files; ``root`` itself when it holds DICOM files directly."""
    root = Path(root)
    subs = [d for d in sorted(root.iterdir()) if d.is_dir() and not d.name.startswith(".")]
    folders = [d for d in subs if _has_dicom(d)]
    if not folders and any(p.is_file() for p in root.iterdir()) and _has_dicom(root):
        folders = [root]
    refs = []
    for d in folders:
        segs = [h.path for h in _scan(d) if _is_seg(h.ds)]
        if len(segs) > 1:
            raise ValueError(f"{d}: {len(segs)} DICOM SEG files; expected at most one per case folder")
        refs.append(CaseRef(d.name, "dicom", d, segs[0] if segs else None))
    return refs


def _normal(iop: Sequence[float]) -> np.ndarray:
    r, c = np.array(iop[:3], dtype=np.float64), np.array(iop[3:], dtype=np.float64)
    return np.cross(r, c)


def load_ct_series(folder: Path, series_uid: str | None = None) -> tuple[np.ndarray, np.ndarray, list[Dataset], dict[str, Any]]:
    """CT series of ``folder`` -> (hu (z, row, col) in display orientation, spacing (z,y,x) mm, datasets in
    output slice order, geometry dict with 'normal', 'positions', 'flipRows', 'flipCols')."""
    headers = [h for h in _scan(folder) if not _is_seg(h.ds) and "ImagePositionPatient" in h.ds]
    if series_uid is not None:
        headers = [h for h in headers if str(h.ds.SeriesInstanceUID) == series_uid]
    if not headers:
        raise FileNotFoundError(f"{folder}: no CT image slices"
                                + (f" of series {series_uid}" if series_uid else ""))
    headers = [h for h in headers if "LOCALIZER" not in [str(v).upper() for v in getattr(h.ds, "ImageType", [])]]
    if not headers:
        raise FileNotFoundError(f"{folder}: only localizer images")
    uids = sorted({str(h.ds.SeriesInstanceUID) for h in headers})
    if len(uids) > 1:
        # no SEG to say which: take the series with the most slices (ties: smallest UID), the usual axial stack
        counts = {u: sum(1 for h in headers if str(h.ds.SeriesInstanceUID) == u) for u in uids}
        best = max(uids, key=lambda u: (counts[u], [-ord(ch) for ch in u]))
        headers = [h for h in headers if str(h.ds.SeriesInstanceUID) == best]
    iop = [float(v) for v in headers[0].ds.ImageOrientationPatient]
    n = _normal(iop)
    pos = np.array([np.dot(n, [float(v) for v in h.ds.ImagePositionPatient]) for h in headers])
    order = np.argsort(pos, kind="stable")
    if n[2] < 0:  # slices must run inferior -> superior
        order = order[::-1]
    dss = [pydicom.dcmread(str(headers[i].path)) for i in order]
    slices = []
    for ds in dss:
        a = ds.pixel_array.astype(np.float32)
        slope = float(getattr(ds, "RescaleSlope", 1.0))
        inter = float(getattr(ds, "RescaleIntercept", 0.0))
        slices.append(a * slope + inter)
    shapes = {s.shape for s in slices}
    if len(shapes) != 1:
        raise ValueError(f"{folder}: slices have different sizes {sorted(shapes)}")
    hu = np.stack(slices)
    flip_cols = iop[0] < 0  # row direction (along a row = increasing column) should point to +x (left)
    flip_rows = iop[4] < 0  # column direction (down the rows) should point to +y (posterior)
    if flip_cols:
        hu = hu[:, :, ::-1]
    if flip_rows:
        hu = hu[:, ::-1, :]
    ps = [float(v) for v in dss[0].PixelSpacing]
    sorted_pos = pos[order]
    dz = float(np.median(np.abs(np.diff(sorted_pos)))) if len(dss) > 1 else float(getattr(dss[0], "SliceThickness", 1.0))
    geom = {"normal": n, "positions": sorted_pos, "flipRows": flip_rows, "flipCols": flip_cols}
    return np.ascontiguousarray(hu), np.array([dz, ps[0], ps[1]]), dss, geom


def _seq_item(fg: Dataset | None, keyword: str) -> Dataset | None:
    if fg is None or keyword not in fg:
        return None
    seq = getattr(fg, keyword)
    return seq[0] if len(seq) else None


def read_seg_mask(seg_path: Path, dss: list[Dataset], geom: dict[str, Any],
                  label_values: Sequence[int] | None = None) -> np.ndarray:
    """Binary mask (z, row, col) in the CT's display orientation from a DICOM SEG referencing ``dss``."""
    seg = pydicom.dcmread(str(seg_path))
    stype = str(getattr(seg, "SegmentationType", ""))
    if stype not in ("BINARY", "FRACTIONAL"):
        raise ValueError(f"{seg_path}: SegmentationType {stype or '(missing)'} is not supported (BINARY or FRACTIONAL)")
    rows, cols = int(seg.Rows), int(seg.Columns)
    nz = len(dss)
    if (rows, cols) != (int(dss[0].Rows), int(dss[0].Columns)):
        raise ValueError(f"{seg_path}: frame size {rows}x{cols} differs from the CT ({dss[0].Rows}x{dss[0].Columns})")
    frames = seg.pixel_array
    n_frames = int(getattr(seg, "NumberOfFrames", 1))
    frames = frames.reshape(n_frames, rows, cols)
    if stype == "FRACTIONAL":
        fmax = float(getattr(seg, "MaximumFractionalValue", 255))
        frames = frames.astype(np.float32) >= 0.5 * fmax
    else:
        frames = frames > 0
    by_uid = {str(ds.SOPInstanceUID): k for k, ds in enumerate(dss)}
    positions = np.asarray(geom["positions"], dtype=np.float64)
    normal = np.asarray(geom["normal"], dtype=np.float64)
    half_gap = 0.5 * (float(np.min(np.abs(np.diff(positions)))) if nz > 1 else 1.0)
    shared = seg.SharedFunctionalGroupsSequence[0] if "SharedFunctionalGroupsSequence" in seg else None
    per_frame = seg.PerFrameFunctionalGroupsSequence if "PerFrameFunctionalGroupsSequence" in seg else [None] * n_frames
    mask = np.zeros((nz, rows, cols), dtype=bool)
    for f in range(n_frames):
        fg = per_frame[f]
        seg_id = _seq_item(fg, "SegmentIdentificationSequence") or _seq_item(shared, "SegmentIdentificationSequence")
        seg_no = int(seg_id.ReferencedSegmentNumber) if seg_id is not None else 1
        if label_values and seg_no not in label_values:
            continue
        k: int | None = None
        der = _seq_item(fg, "DerivationImageSequence") or _seq_item(shared, "DerivationImageSequence")
        src = _seq_item(der, "SourceImageSequence")
        if src is not None and str(getattr(src, "ReferencedSOPInstanceUID", "")) in by_uid:
            k = by_uid[str(src.ReferencedSOPInstanceUID)]
        if k is None:
            pp = _seq_item(fg, "PlanePositionSequence") or _seq_item(shared, "PlanePositionSequence")
            if pp is not None and "ImagePositionPatient" in pp:
                d = float(np.dot(normal, [float(v) for v in pp.ImagePositionPatient]))
                j = int(np.argmin(np.abs(positions - d)))
                if abs(positions[j] - d) <= half_gap + 1e-3:
                    k = j
        if k is None:
            raise ValueError(f"{seg_path}: frame {f + 1} matches no slice of the CT series (by SOP Instance UID or position)")
        fr = frames[f]
        if geom["flipCols"]:
            fr = fr[:, ::-1]
        if geom["flipRows"]:
            fr = fr[::-1, :]
        mask[k] |= fr
    return mask


def read_dicom_case(ref: CaseRef, label_values: Sequence[int] | None = None) -> CaseVolume:
    series_uid = None
    if ref.label is not None:
        seg_hdr = pydicom.dcmread(str(ref.label), stop_before_pixels=True)
        if "ReferencedSeriesSequence" in seg_hdr and len(seg_hdr.ReferencedSeriesSequence):
            series_uid = str(seg_hdr.ReferencedSeriesSequence[0].SeriesInstanceUID)
    hu, spacing, dss, geom = load_ct_series(ref.image, series_uid)
    label = np.zeros(hu.shape, dtype=bool)
    if ref.label is not None:
        label = read_seg_mask(ref.label, dss, geom, label_values)
    return CaseVolume(ref.name, hu.astype(np.float32), label, np.zeros(hu.shape, dtype=bool), spacing,
                      {"image": str(ref.image), "label": str(ref.label)})
