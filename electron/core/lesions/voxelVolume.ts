/**
 * Voxel volume and lesion volume: the one formula. A voxel of a regular grid is the parallelepiped spanned by
 * the direction columns scaled by the spacing, volume |det(D·diag(s))| = sx·sy·sz·|det D| (|det D| = 1 for the
 * loader's orthonormal grids; the determinant keeps a sheared grid right). A volume in mL is always
 * `voxelCount × voxelVolumeMl(grid)`: never a sum of per-lesion volumes, never a spacing product elsewhere,
 * so every reader that counts the same voxels prints the same number.
 *
 * On the source slices as acquired (a tilted or unevenly spaced series, what a DICOM SEG stores) a slice's voxel
 * is pixel area × its slab along the slice normal (sourceVoxelVolumesMm3; volumetry/README.md derives it).
 */
import { SdpmError } from '../errors';
import type { SourceGeometry, VolumeGeometry } from '../dicom/Volume';

/** |det(D·diag(s))| in mm³. */
export function voxelVolumeMm3(g: Pick<VolumeGeometry, 'spacingMm' | 'directionLps'>): number {
  const d = g.directionLps;
  const det = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[3] * (d[1] * d[8] - d[2] * d[7]) + d[6] * (d[1] * d[5] - d[2] * d[4]);
  return Math.abs(det) * g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2];
}

/** One voxel in millilitres (1 mL = 1000 mm³). */
export function voxelVolumeMl(g: Pick<VolumeGeometry, 'spacingMm' | 'directionLps'>): number {
  return voxelVolumeMm3(g) / 1000;
}

/** Volume in mL of `voxelCount` voxels of `voxelMl` each. */
export function volumeMl(voxelCount: number, voxelMl: number): number {
  return voxelCount * voxelMl;
}

/** How every reader prints a volume (panel, CLI, HTML): mL with 2 decimals. CSV/JSON keep full precision. */
export function formatVolumeMl(v: number): string {
  return v.toFixed(2);
}

/** Unit normal of the source slices, r × c (LPS). */
export function sourceNormal(source: Pick<SourceGeometry, 'imageOrientationPatient'>): [number, number, number] {
  const [rx, ry, rz, cx, cy, cz] = source.imageOrientationPatient;
  const n: [number, number, number] = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const len = Math.hypot(n[0], n[1], n[2]);
  return [n[0] / len, n[1] / len, n[2] / len];
}

/**
 * Per-slice voxel volume (mm³) of the source slices, in `source.slices` order:
 * pixel area × slab thickness along the normal (see file comment). Single slice: needs `singleSliceThicknessMm`.
 */
export function sourceVoxelVolumesMm3(source: SourceGeometry, singleSliceThicknessMm?: number): number[] {
  const n = sourceNormal(source);
  const area = source.pixelSpacingMm[0] * source.pixelSpacingMm[1];
  const pos = source.slices.map((s) => s.positionLps[0] * n[0] + s.positionLps[1] * n[1] + s.positionLps[2] * n[2]);
  if (pos.length === 0) return [];
  if (pos.length === 1) {
    if (singleSliceThicknessMm === undefined) {
      throw new SdpmError('INVALID_ARGUMENT', 'a single source slice has no spacing along its normal; give its thickness');
    }
    return [area * singleSliceThicknessMm];
  }
  return pos.map((p, k) => {
    const prev = k > 0 ? Math.abs(p - (pos[k - 1] as number)) : undefined;
    const next = k < pos.length - 1 ? Math.abs((pos[k + 1] as number) - p) : undefined;
    const slab = prev === undefined ? (next as number) : next === undefined ? prev : (prev + next) / 2;
    return area * slab;
  });
}

