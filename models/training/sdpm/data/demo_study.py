"""Build the demo study shipped at models/demo/ge-head-ich/ (a DICOM series with a synthetic hemorrhage).

    cd models/training && /usr/bin/python3 -m sdpm.data.demo_study --out ../demo/ge-head-ich --seed 2026

Source: the real GE HiSpeed head CT (``../shared/data/dicom/ge-head-ncct``, BSD-2-Clause, dcm_qa_ct): 28
axial slices, 512², 0.488 mm pixels, 18.5 deg gantry tilt, 4 mm slices with uneven spacing along the slice
normal (13 x 4 mm, 1.08 mm, 13 x 7 mm). The original oblique geometry is kept slice by slice (IOP, tilt,
gaps); the pixels are downsampled 512 -> 256 by 2x2 block averages (a block touching the padding value
-1500 becomes padding), so PixelSpacing doubles and each slice's ImagePositionPatient moves to the centre
of the first 2x2 block: ``IPP' = IPP + 0.5*dc*rowCosine + 0.5*dr*columnCosine`` (dc, dr = old column and
row spacing; rowCosine = IOP[0:3] is the direction of increasing column index).

The hemorrhage is an irregular blob (sdpm.data.shapes) defined in world LPS millimetres, centred in the
right lentiform nucleus / external capsule (a putaminal haematoma), and rasterised into each oblique slice
at that slice's own geometry: every 256-grid pixel is supersampled 2x2 in-plane and 8x across the 4 mm
slab along the slice normal, giving a partial-volume occupancy ``occ``. Pixels become
``hu + occ*(lesionHu - smooth(hu))`` (the scanner's own noise is kept), plus a thin unlabelled oedema rim.
The truth mask is ``occ >= 0.5`` on the demo's 256² slices.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np
import pydicom
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, generate_uid
from scipy import ndimage

from .shapes import BlobShape, normalised_volume, random_blob

DEMO_VERSION = "sdpm-demo-1.0"
SOURCE_DIR = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "dicom" / "ge-head-ncct"
PAD = -1500
# lesion centre: source slice (position order) 16 at rows/cols of the 512 grid, 3.5 mm above along the normal
CENTRE_SLICE, CENTRE_ROW, CENTRE_COL, CENTRE_UP_MM = 16, 240.0, 182.0, 3.5


def _read_sorted(src: Path) -> tuple[list[pydicom.Dataset], np.ndarray, np.ndarray]:
    dss = [pydicom.dcmread(str(p)) for p in sorted(src.glob("*.dcm"))]
    if not dss:
        raise FileNotFoundError(f"no DICOM files in {src}")
    iop = np.array([float(v) for v in dss[0].ImageOrientationPatient])
    normal = np.cross(iop[:3], iop[3:])
    pos = np.array([float(np.dot(normal, [float(v) for v in d.ImagePositionPatient])) for d in dss])
    order = np.argsort(pos)
    return [dss[i] for i in order], pos[order], normal


def _downsample(hu: np.ndarray) -> np.ndarray:
    n = hu.shape[0] // 2
    blocks = hu.reshape(n, 2, n, 2)
    out = blocks.mean(axis=(1, 3))
    out[(blocks == PAD).any(axis=(1, 3))] = PAD
    return out


def _demo_shape(rng: np.random.Generator) -> BlobShape:
    """Irregular, antero-posteriorly elongated blob (normalised units; axes = LPS x, y, z)."""
    shape = random_blob(rng, n_lobes=(3, 3), irregularity=0.22)
    shape.inv_axes[0] = np.diag(1.0 / np.array([0.62, 1.0, 0.72]))  # main lobe: AP-elongated ovoid
    for i in range(1, len(shape.centres)):
        shape.centres[i] = np.array([0.25, 0.55, 0.2]) * rng.uniform(-1, 1, 3)
    shape.inside_points = None
    return shape


def _uid(seed: int, what: str) -> str:
    return generate_uid(entropy_srcs=[f"sdpm-demo-ge-head-ich/{seed}/{what}"])


def build_demo(out: Path, seed: int = 2026, target_ml: float = 18.0, src: Path = SOURCE_DIR) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    dss, pos, normal = _read_sorted(src)
    iop = np.array([float(v) for v in dss[0].ImageOrientationPatient])
    rcos, ccos = iop[:3], iop[3:]  # rcos: increasing column; ccos: increasing row
    dr, dc = (float(v) for v in dss[0].PixelSpacing)  # row spacing, column spacing
    thick = float(dss[0].SliceThickness)
    n_new = int(dss[0].Rows) // 2
    dr2, dc2 = 2 * dr, 2 * dc
    ipp_new = [np.array([float(v) for v in d.ImagePositionPatient]) + 0.5 * dc * rcos + 0.5 * dr * ccos for d in dss]

    # lesion in world LPS
    ipp_c = np.array([float(v) for v in dss[CENTRE_SLICE].ImagePositionPatient])
    centre = ipp_c + CENTRE_COL * dc * rcos + CENTRE_ROW * dr * ccos + CENTRE_UP_MM * normal
    shape = _demo_shape(rng)
    v0 = normalised_volume(shape, n=120)
    scale = (target_ml * 1000.0 / v0) ** (1 / 3)
    th = float(rng.uniform(-0.25, 0.25))  # small rotation about the z axis
    rot = np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1.0]])

    # rasterise per slice (2x2 in-plane, 8 across the slab)
    hu_out, mask = [], []
    occ_all = []
    ii, jj = np.meshgrid(np.arange(n_new), np.arange(n_new))  # ii = column, jj = row
    sub_ip = np.array([-0.25, 0.25])
    sub_n = ((np.arange(8) + 0.5) / 8 - 0.5) * thick
    reach = 2.5 * scale + thick
    for k, d in enumerate(dss):
        a = d.pixel_array.astype(np.float64) * float(d.RescaleSlope) + float(d.RescaleIntercept)
        hu = _downsample(a)
        occ = np.zeros((n_new, n_new))
        if abs(float(np.dot(normal, ipp_new[k] - centre))) < reach:
            # pixels near the lesion only
            rel = ipp_new[k] - centre
            ci = -np.dot(rel, rcos) / dc2
            cj = -np.dot(rel, ccos) / dr2
            half = int(np.ceil(reach / dc2)) + 2
            i0, i1 = max(0, int(ci) - half), min(n_new, int(ci) + half)
            j0, j1 = max(0, int(cj) - half), min(n_new, int(cj) + half)
            if i1 > i0 and j1 > j0:
                si, sj = ii[j0:j1, i0:i1].astype(np.float64), jj[j0:j1, i0:i1].astype(np.float64)
                acc = np.zeros(si.shape)
                for u in sub_ip:
                    for v in sub_ip:
                        for w in sub_n:
                            pts = (ipp_new[k][None, None, :] + ((si + u) * dc2)[..., None] * rcos
                                   + ((sj + v) * dr2)[..., None] * ccos + w * normal)
                            p = ((pts.reshape(-1, 3) - centre) @ rot) / scale
                            acc += (shape.evaluate(p) < 0).reshape(si.shape)
                occ[j0:j1, i0:i1] = acc / (len(sub_ip) ** 2 * len(sub_n))
        intracranial = ndimage.binary_fill_holes(hu > 250) & ~(hu > 250)
        intracranial = ndimage.binary_erosion(intracranial, iterations=2)
        if (occ > 0).any() and not intracranial[occ > 0].all():
            raise RuntimeError(f"lesion reaches the skull on slice {k}; move the centre")
        occ_all.append(occ)
        hu_out.append(hu)
    mean_hu = float(rng.uniform(60, 70))
    for k in range(len(dss)):
        occ, hu = occ_all[k], hu_out[k]
        lab = occ >= 0.5
        if (occ > 0).any():
            smooth = ndimage.gaussian_filter(hu, 1.2 / dc2)
            tex = ndimage.gaussian_filter(rng.standard_normal(hu.shape), 2.0)
            tex = tex / (tex.std() + 1e-9) * 3.0
            dist = ndimage.distance_transform_edt(~lab, sampling=(dr2, dc2)) if lab.any() else np.full(hu.shape, 99.0)
            rim = np.where((dist > 0) & (dist < 3.0) & (occ < 0.5), -5.0 * (1 - dist / 3.0), 0.0)
            hu = hu + occ * (mean_hu + tex - smooth) + rim * (1 - occ)
            hu[hu_out[k] == PAD] = PAD
        hu_out[k] = hu
        mask.append(lab)
    mask_arr = np.stack(mask)  # (slice, row, col), slices in position order

    # write DICOM
    out = Path(out)
    dcm_dir = out / "dicom"
    dcm_dir.mkdir(parents=True, exist_ok=True)
    for old in dcm_dir.glob("*.dcm"):
        old.unlink()
    study_uid, series_uid, for_uid = _uid(seed, "study"), _uid(seed, "series"), _uid(seed, "frame-of-reference")
    slices_meta = []
    for k, d in enumerate(dss):
        ds = copy.deepcopy(d)
        slope, inter = float(ds.RescaleSlope), float(ds.RescaleIntercept)
        stored = np.rint((hu_out[k] - inter) / slope)
        stored = np.clip(stored, -32768, 32767).astype("<i2")
        ds.Rows, ds.Columns = n_new, n_new
        ds.PixelSpacing = [f"{dr2:.7f}", f"{dc2:.7f}"]
        ds.ImagePositionPatient = [f"{v:.7f}" for v in ipp_new[k]]
        ds.PixelData = stored.tobytes()
        sop = _uid(seed, f"sop/{int(d.InstanceNumber)}")
        ds.SOPInstanceUID = sop
        ds.file_meta.MediaStorageSOPInstanceUID = sop
        ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
        ds.file_meta.ImplementationVersionName = "PYDICOM " + pydicom.__version__
        if "SourceApplicationEntityTitle" in ds.file_meta:
            del ds.file_meta.SourceApplicationEntityTitle
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, for_uid
        ds.PatientName = "SDPM^Demo"
        ds.PatientID = "SDPM-DEMO-001"
        ds.PatientBirthDate = ""  # type 2: present, empty
        ds.PatientSex = ""
        ds.PatientIdentityRemoved = "YES"
        ds.DeidentificationMethod = "Synthetic demo identity; source de-identified by dcm_qa_ct"
        ds.StudyID = "SDPMDEMO"
        ds.SeriesDescription = "Demo: GE head NCCT with synthetic hemorrhage"
        # DERIVED\PRIMARY (as for reformats of a primary acquisition): DERIVED\SECONDARY series are not segmentable
        # by default in the product (electron/core/dicom/summarizeSeries.ts), and the demo must load as-is
        ds.ImageType = ["DERIVED", "PRIMARY", "AXIAL"]
        ds.DerivationDescription = ("Downsampled 512 to 256 (2x2 mean); synthetic acute hemorrhage inserted "
                                    f"({DEMO_VERSION}, seed {seed}); not for diagnosis")
        name = f"CT{int(d.InstanceNumber):04d}.dcm"
        ds.save_as(str(dcm_dir / name), write_like_original=False)
        slices_meta.append({"index": k, "file": f"dicom/{name}", "instanceNumber": int(d.InstanceNumber),
                            "sopInstanceUid": sop, "imagePositionPatient": [round(float(v), 7) for v in ipp_new[k]],
                            "positionAlongNormalMm": round(float(pos[k]), 5), "lesionPixels": int(mask_arr[k].sum())})

    # truth mask (NIfTI, RAS). A NIfTI affine holds one slice step; this series has two runs of uniform
    # spacing, so the affine is exact for the run that holds the whole lesion and the slice index k always
    # equals DICOM slice k in position order (truth.json lists every slice's exact geometry).
    lesion_slices = np.flatnonzero(mask_arr.reshape(len(dss), -1).any(axis=1))
    gaps = np.diff(pos)
    runs: list[list[int]] = [[0]]
    for k in range(1, len(dss)):
        if abs(gaps[k - 1] - (pos[runs[-1][-1]] - pos[runs[-1][-2]] if len(runs[-1]) > 1 else gaps[k - 1])) < 0.05:
            runs[-1].append(k)
        else:
            runs.append([k])
    run = next(r for r in runs if set(lesion_slices.tolist()) <= set(r))
    k0 = run[0]
    step = (ipp_new[run[-1]] - ipp_new[k0]) / (run[-1] - k0)
    aff_lps = np.eye(4)
    aff_lps[:3, 0] = rcos * dc2
    aff_lps[:3, 1] = ccos * dr2
    aff_lps[:3, 2] = step
    aff_lps[:3, 3] = ipp_new[k0] - k0 * step
    aff_ras = np.diag([-1.0, -1.0, 1.0, 1.0]) @ aff_lps
    (out / "truth").mkdir(exist_ok=True)
    img = nib.Nifti1Image(np.transpose(mask_arr, (2, 1, 0)).astype(np.uint8), aff_ras)
    img.set_sform(aff_ras, code=1)
    img.set_qform(aff_ras, code=1)
    img.header.set_xyzt_units("mm")
    nib.save(img, str(out / "truth" / "mask.nii.gz"))

    # volumes
    spacing_normal = float(abs(np.dot(step, normal)))
    voxel_ml = dr2 * dc2 * spacing_normal / 1000.0
    n_vox = int(mask_arr.sum())
    fine_v0 = normalised_volume(shape, n=200)
    truth = {
        "formatVersion": 1,
        "generator": "sdpm.data.demo_study",
        "generatorVersion": DEMO_VERSION,
        "seed": seed,
        "lesionType": "acute intraparenchymal hemorrhage (synthetic)",
        "location": "right lentiform nucleus / external capsule (putaminal)",
        "trueVolumeMl": n_vox * voxel_ml,
        "trueVolumeHow": ("lesion voxels of truth/mask.nii.gz (occupancy >= 0.5 on the 256x256 demo slices) x voxel "
                          f"volume {voxel_ml:.6f} mL = {dr2:.7f} x {dc2:.7f} mm pixels x {spacing_normal:.4f} mm slice "
                          "spacing along the slice normal (all lesion slices lie in the uniform 7 mm run, so each "
                          "slice stands for 7 mm of tissue)"),
        "lesionVoxels": n_vox,
        "voxelVolumeMl": voxel_ml,
        "analyticVolumeMl": fine_v0 * scale ** 3 / 1000.0,
        "analyticVolumeHow": "continuous shape volume in world space (200^3 grid over the normalised shape)",
        "slabVolumeMl": n_vox * dr2 * dc2 * thick / 1000.0,
        "slabVolumeHow": "lesion voxels x pixel area x 4 mm slice thickness (ignores the 3 mm gaps between slabs)",
        "targetVolumeMl": target_ml,
        "meanHuDrawn": mean_hu,
        "meanHuInMask": float(np.concatenate([hu_out[k][mask_arr[k]] for k in lesion_slices]).mean()),
        "centreLpsMm": [round(float(v), 3) for v in centre],
        "lesionSliceIndices": lesion_slices.tolist(),
        "mask": {"file": "truth/mask.nii.gz", "shapeXyz": [n_new, n_new, len(dss)], "orientation": "RAS (NIfTI)",
                 "sliceIndex": "k = DICOM slice k sorted by position along the normal (see slices[])",
                 "affineExactForSlices": [int(run[0]), int(run[-1])],
                 "note": ("the series has uneven slice spacing (13 x 4 mm, 1.08 mm, 13 x 7 mm along the normal); one "
                          "NIfTI affine holds one step, so the affine is exact for the run holding the lesion and "
                          "places the other (lesion-free) slices at that run's spacing; use slices[] for exact "
                          "per-slice geometry")},
        "series": {"studyInstanceUid": study_uid, "seriesInstanceUid": series_uid, "frameOfReferenceUid": for_uid,
                   "rows": n_new, "columns": n_new, "pixelSpacingMm": [dr2, dc2], "sliceThicknessMm": thick,
                   "gantryTiltDeg": float(dss[0].GantryDetectorTilt), "imageOrientationPatient": iop.tolist()},
        "slices": slices_meta,
        "source": "GE HiSpeed Dual head CT from dcm_qa_ct (BSD-2-Clause), ../shared/data/dicom/ge-head-ncct",
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m sdpm.data.demo_study")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--target-ml", type=float, default=18.0)
    ap.add_argument("--src", type=Path, default=SOURCE_DIR)
    a = ap.parse_args(argv)
    t = build_demo(a.out, a.seed, a.target_ml, a.src)
    digest = hashlib.sha256((a.out / "truth" / "mask.nii.gz").read_bytes()).hexdigest()[:12]
    print(f"demo: true volume {t['trueVolumeMl']:.2f} mL ({t['lesionVoxels']} voxels), analytic "
          f"{t['analyticVolumeMl']:.2f} mL, slab {t['slabVolumeMl']:.2f} mL, mean {t['meanHuInMask']:.1f} HU, "
          f"slices {t['lesionSliceIndices']}, mask sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
