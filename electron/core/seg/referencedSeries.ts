/**
 * The geometry of the image series a SEG refers to, built from DICOM headers only (the SEG reader
 * needs positions, orientation, pixel grid and SOP UIDs, never pixel data). Works for any modality
 * with ImagePositionPatient/ImageOrientationPatient, not only the CT series the loader accepts.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SdpmError, isSdpmError } from '../errors';
import type { SourceGeometry, SourceSlice, Vec3 } from '../dicom/Volume';
import type { SliceHeader } from '../dicom/SliceHeader';
import { readSliceHeaderFile } from '../dicom/readSliceHeaderFile';

export interface ReferencedSeries {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  source: SourceGeometry;
}

async function listFiles(path: string): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const name of (await readdir(path)).sort()) out.push(...(await listFiles(join(path, name))));
  return out;
}

/** Geometry of one series from its slice headers, slices sorted along the normal. */
export function referencedSeriesFromHeaders(headers: readonly SliceHeader[]): ReferencedSeries {
  const first = headers[0];
  if (first === undefined) throw new SdpmError('SEG_NO_REFERENCE', 'no slices in the referenced series');
  const iop = first.imageOrientationPatient;
  const ps = first.pixelSpacingMm;
  if (iop === null || ps === null) {
    throw new SdpmError('SEG_UNSUPPORTED', `series ${first.seriesInstanceUid} has no patient geometry (ImageOrientationPatient/PixelSpacing), e.g. a projection or slide image; its SEG cannot be mapped`, { path: first.filePath });
  }
  const n: Vec3 = [iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]];
  const slices: SourceSlice[] = headers.map((h) => {
    const p = h.imagePositionPatient;
    if (p === null) throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${h.filePath}: no ImagePositionPatient`, { path: h.filePath });
    return {
      sopInstanceUid: h.sopInstanceUid,
      sopClassUid: h.sopClassUid,
      positionLps: p,
      normalPositionMm: p[0] * n[0] + p[1] * n[1] + p[2] * n[2],
      instanceNumber: h.instanceNumber,
      filePath: h.filePath,
    };
  });
  slices.sort((a, b) => a.normalPositionMm - b.normalPositionMm);
  return {
    seriesInstanceUid: first.seriesInstanceUid,
    studyInstanceUid: first.studyInstanceUid,
    frameOfReferenceUid: first.frameOfReferenceUid,
    source: { imageOrientationPatient: iop, pixelSpacingMm: ps, rows: first.rows, columns: first.columns, slices },
  };
}

/**
 * Finds the series `seriesInstanceUid` among the DICOM files under `paths` (files or folders,
 * searched recursively; non-DICOM files are skipped). Throws SEG_NO_REFERENCE when absent.
 */
export async function findReferencedSeries(seriesInstanceUid: string, paths: readonly string[]): Promise<ReferencedSeries> {
  const headers: SliceHeader[] = [];
  for (const p of paths) {
    for (const f of await listFiles(p)) {
      try {
        const h = await readSliceHeaderFile(f);
        if (h.seriesInstanceUid === seriesInstanceUid && h.modality !== 'SEG') headers.push(h);
      } catch (err) {
        if (!isSdpmError(err)) throw err;
      }
    }
  }
  if (headers.length === 0) {
    throw new SdpmError('SEG_NO_REFERENCE', `the SEG's source series ${seriesInstanceUid} was not found in ${paths.join(', ')}; load the CT series it was made from`);
  }
  return referencedSeriesFromHeaders(headers);
}
