/**
 * Surface voxels and directed surface-to-surface distances, the common ground of the 95th-percentile
 * Hausdorff distance and the surface Dice.
 *
 * - Surface of a mask: foreground voxels with at least one 6-neighbour that is background or outside
 *   the grid (scipy `binary_erosion` with border 0, as MONAI and medpy use).
 * - Distances are between voxel centres in world millimetres, axes scaled by `spacingMm` (the grid
 *   axes are orthonormal, so this is the true Euclidean distance even for anisotropic voxels).
 * - d(A→B) lists, for every surface voxel of A, the distance to the nearest surface voxel of B
 *   (exact, via the distance transform of B's surface).
 */
import { SdpmError } from '../../errors';
import type { Vec3 } from '../../dicom/Volume';
import { distanceTransformMm } from './distanceTransform';

export function surfaceVoxels(mask: ArrayLike<number>, dimensions: Vec3): Uint8Array {
  const [nx, ny, nz] = dimensions;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        if (mask[idx] === 0) continue;
        const edge =
          i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1 ||
          mask[idx - 1] === 0 || mask[idx + 1] === 0 || mask[idx - nx] === 0 || mask[idx + nx] === 0 ||
          mask[idx - nx * ny] === 0 || mask[idx + nx * ny] === 0;
        if (edge) out[idx] = 1;
      }
  return out;
}

export interface SurfaceDistances {
  /** Distances (mm) from each surface voxel of A to B's surface. */
  aToB: Float64Array;
  /** Distances (mm) from each surface voxel of B to A's surface. */
  bToA: Float64Array;
}

export function surfaceDistances(a: ArrayLike<number>, b: ArrayLike<number>, dimensions: Vec3, spacingMm: Vec3): SurfaceDistances {
  const n = dimensions[0] * dimensions[1] * dimensions[2];
  if (a.length !== n || b.length !== n) {
    throw new SdpmError('GEOMETRY_MISMATCH', `surface distance: masks of ${a.length} and ${b.length} voxels on a ${dimensions.join('x')} grid`);
  }
  const sa = surfaceVoxels(a, dimensions);
  const sb = surfaceVoxels(b, dimensions);
  // The distance transforms only need the box holding both surfaces: every seed (surface voxel) and
  // every query point lies inside it, and the exact EDT does not depend on the grid beyond the seeds.
  const [nx, ny] = dimensions;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  for (let idx = 0; idx < n; idx++) {
    if (sa[idx] === 0 && sb[idx] === 0) continue;
    const c = [idx % nx, Math.floor(idx / nx) % ny, Math.floor(idx / (nx * ny))];
    for (let d = 0; d < 3; d++) {
      if ((c[d] as number) < (lo[d] as number)) lo[d] = c[d] as number;
      if ((c[d] as number) > (hi[d] as number)) hi[d] = c[d] as number;
    }
  }
  const aToB: number[] = [];
  const bToA: number[] = [];
  if ((hi[0] as number) < 0) return { aToB: new Float64Array(0), bToA: new Float64Array(0) };
  const box: Vec3 = [(hi[0] as number) - (lo[0] as number) + 1, (hi[1] as number) - (lo[1] as number) + 1, (hi[2] as number) - (lo[2] as number) + 1];
  const m = box[0] * box[1] * box[2];
  const ca = new Uint8Array(m);
  const cb = new Uint8Array(m);
  for (let k = 0; k < box[2]; k++)
    for (let j = 0; j < box[1]; j++)
      for (let i = 0; i < box[0]; i++) {
        const src = (i + (lo[0] as number)) + nx * ((j + (lo[1] as number)) + ny * (k + (lo[2] as number)));
        const dst = i + box[0] * (j + box[1] * k);
        ca[dst] = sa[src] as number;
        cb[dst] = sb[src] as number;
      }
  const da = distanceTransformMm(ca, box, spacingMm);
  const db = distanceTransformMm(cb, box, spacingMm);
  for (let i = 0; i < m; i++) {
    if (ca[i] === 1) aToB.push(db[i] as number);
    if (cb[i] === 1) bToA.push(da[i] as number);
  }
  return { aToB: Float64Array.from(aToB), bToA: Float64Array.from(bToA) };
}

/** Percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (rank - lo);
}
