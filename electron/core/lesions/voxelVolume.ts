/**
 * Voxel volume and lesion volume: the one formula. A voxel of a regular grid is the parallelepiped spanned by
 * the direction columns scaled by the spacing, volume |det(D·diag(s))| = sx·sy·sz·|det D| (|det D| = 1 for the
 * loader's orthonormal grids; the determinant keeps a sheared grid right). A volume in mL is always
 * `voxelCount × voxelVolumeMl(grid)`: never a sum of per-lesion volumes, never a spacing product elsewhere,
 * so every reader that counts the same voxels prints the same number.
 */
import type { VolumeGeometry } from '../dicom/Volume';

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
