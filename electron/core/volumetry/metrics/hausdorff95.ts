/**
 * 95th-percentile Hausdorff distance (mm) between the surfaces of two masks:
 *     HD95(A, B) = max( P95{ d(a, ∂B) : a ∈ ∂A }, P95{ d(b, ∂A) : b ∈ ∂B } )
 * with ∂ the surface voxels and d the Euclidean distance in world mm (see surfaceDistances.ts).
 * This is MONAI's `compute_hausdorff_distance(percentile=95)`; `mode: 'pooled'` gives medpy's `hd95`
 * instead, P95 of the two directed sets pooled together. P95 interpolates linearly (numpy).
 * NaN when either mask is empty (the distance is undefined).
 */
import type { Vec3 } from '../../dicom/Volume';
import { percentile, surfaceDistances } from './surfaceDistances';

export function hausdorff95(a: ArrayLike<number>, b: ArrayLike<number>, dimensions: Vec3, spacingMm: Vec3, options: { mode?: 'max-directed' | 'pooled'; percentile?: number } = {}): number {
  const { aToB, bToA } = surfaceDistances(a, b, dimensions, spacingMm);
  if (aToB.length === 0 || bToA.length === 0) return NaN;
  const p = options.percentile ?? 95;
  if (options.mode === 'pooled') {
    const all = new Float64Array(aToB.length + bToA.length);
    all.set(aToB);
    all.set(bToA, aToB.length);
    return percentile(all, p);
  }
  return Math.max(percentile(aToB, p), percentile(bToA, p));
}
