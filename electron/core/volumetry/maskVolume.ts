/**
 * Lesion volume in millilitres from a voxel mask and the TRUE geometry of the grid it lives on.
 *
 * Two grids occur in this product (see README.md in this folder for the full derivation):
 *
 * 1. The loader's grid (`Volume`): orthonormal direction columns and measured spacing (after tilt
 *    correction and gap resampling the grid is orthogonal and equidistant). A voxel is the box
 *    sx × sy × sz, so V = count × sx·sy·sz. In general, for direction matrix D (columns = unit axis
 *    vectors) V_voxel = |det(D · diag(s))| = sx·sy·sz·|det D|; |det D| = 1 for orthonormal D, and we use
 *    the determinant so that a (hypothetical) sheared grid is still measured correctly.
 *
 * 2. The source slices as acquired (`Volume.source`, used by DICOM SEG frames). With gantry tilt the
 *    step between consecutive slice origins, t = P(k+1) − P(k), is NOT along the slice normal
 *    n = r × c. The voxel is the parallelepiped spanned by r·Δcol, c·Δrow and t:
 *        V = |det[r·Δcol, c·Δrow, t]| = Δcol·Δrow·|(r × c)·t| = pixel area × (n·t),
 *    i.e. pixel area × slice spacing measured ALONG THE NORMAL (never along t, never SliceThickness).
 *    With irregular gaps each slice stands for the slab between the mid-planes to its neighbours
 *    (the first and last slice: the gap to their single neighbour), so slice k's voxel volume is
 *    pixel area × (g(k−1,k) + g(k,k+1)) / 2 along the normal.
 */
import { SdpmError } from '../errors';
import type { SourceGeometry, VolumeGeometry } from '../dicom/Volume';
import { sourceVoxelVolumesMm3, volumeMl, voxelVolumeMl } from '../lesions/voxelVolume';

export { sourceNormal, sourceVoxelVolumesMm3 } from '../lesions/voxelVolume';

/** Number of non-zero voxels. */
export function countForeground(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/** Volume in mL of the non-zero voxels of `mask` on a regular grid. */
export function maskVolumeMl(mask: ArrayLike<number>, g: Pick<VolumeGeometry, 'dimensions' | 'spacingMm' | 'directionLps'>): number {
  const n = g.dimensions[0] * g.dimensions[1] * g.dimensions[2];
  if (mask.length !== n) {
    throw new SdpmError('GEOMETRY_MISMATCH', `mask has ${mask.length} voxels, grid ${g.dimensions.join('x')} has ${n}`);
  }
  return volumeMl(countForeground(mask), voxelVolumeMl(g));
}

/**
 * Volume in mL of a mask stored on the source slices (frame-major: slice k occupies
 * [k·rows·cols, (k+1)·rows·cols), row-major within a slice).
 */
export function sourceMaskVolumeMl(sourceMask: ArrayLike<number>, source: SourceGeometry, singleSliceThicknessMm?: number): number {
  const perSlice = source.rows * source.columns;
  if (sourceMask.length !== perSlice * source.slices.length) {
    throw new SdpmError('GEOMETRY_MISMATCH', `source mask has ${sourceMask.length} voxels, ${source.slices.length} slices of ${source.columns}x${source.rows} need ${perSlice * source.slices.length}`);
  }
  const vox = sourceVoxelVolumesMm3(source, singleSliceThicknessMm);
  let mm3 = 0;
  for (let k = 0; k < vox.length; k++) {
    let c = 0;
    const off = k * perSlice;
    for (let p = 0; p < perSlice; p++) if (sourceMask[off + p] !== 0) c++;
    mm3 += c * (vox[k] as number);
  }
  return mm3 / 1000;
}
