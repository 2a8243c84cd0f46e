/**
 * A study for inference from a path: a DICOM folder (the loader picks the one segmentable CT series) or a
 * NIfTI file (.nii / .nii.gz, HU after scl_slope/scl_inter). Errors are the loader's (SERIES_*, DICOM_*,
 * NIFTI_INVALID), plus SERIES_NOT_FOUND when the path does not exist.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { loadVolumeFromFolder } from '../dicom/loadVolumeFromFolder';
import { readNifti } from '../dicom/niftiRead';
import type { Volume } from '../dicom/Volume';
import { SdpmError } from '../errors';

export function isNiftiPath(p: string): boolean {
  return /\.nii(\.gz)?$/i.test(p);
}

export async function loadStudyInput(path: string): Promise<Volume> {
  if (!existsSync(path)) throw new SdpmError('SERIES_NOT_FOUND', `study not found: ${path}`, { path });
  if (statSync(path).isDirectory()) return loadVolumeFromFolder(path);
  if (!isNiftiPath(path)) throw new SdpmError('INVALID_ARGUMENT', `${path}: expected a DICOM folder or a .nii/.nii.gz file`, { path });
  const img = await readNifti(path);
  const slope = img.sclSlope === 0 || !Number.isFinite(img.sclSlope) ? 1 : img.sclSlope;
  const inter = Number.isFinite(img.sclInter) ? img.sclInter : 0;
  let voxels: Int16Array | Float32Array;
  if (img.voxels instanceof Int16Array && slope === 1 && inter === 0) voxels = img.voxels;
  else voxels = Float32Array.from(img.voxels, (v) => v * slope + inter);
  const n = img.dimensions[0] * img.dimensions[1] * img.dimensions[2];
  if (voxels.length !== n) throw new SdpmError('NIFTI_INVALID', `${path}: expected ${n} voxels, got ${voxels.length} (4-D images are not supported)`, { path });
  const none = '';
  return {
    dimensions: img.dimensions,
    spacingMm: img.spacingMm,
    originLps: img.originLps,
    directionLps: img.directionLps,
    voxels,
    paddingHu: -1024,
    identity: { patientName: none, patientId: basename(path), patientBirthDate: none, patientSex: none, studyInstanceUid: none, studyDate: none, studyTime: none, studyDescription: img.description, accessionNumber: none, seriesInstanceUid: none, seriesNumber: null, seriesDescription: none, modality: 'CT', frameOfReferenceUid: none, manufacturer: none },
    source: { imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacingMm: [img.spacingMm[1], img.spacingMm[0]], rows: img.dimensions[1], columns: img.dimensions[0], slices: [] },
    corrections: { gantryTiltDeg: 0, tiltCorrected: false, resampledToEquidistant: false, sliceGapsMm: [img.spacingMm[2]], notes: [`read from NIfTI (${img.transform})`] },
  };
}
