/**
 * Surface Dice at tolerance τ (Nikolov et al., "Deep learning to achieve clinically applicable
 * segmentation of head and neck anatomy", 2018), with surface voxels as surface elements:
 *     SD_τ(A, B) = ( |{a ∈ ∂A : d(a, ∂B) ≤ τ}| + |{b ∈ ∂B : d(b, ∂A) ≤ τ}| ) / ( |∂A| + |∂B| )
 * Distances in world mm (surfaceDistances.ts). Nikolov weights each surface element by its area;
 * counting surface voxels is the usual voxel approximation (equal weights), exact for isotropic grids
 * up to that discretisation. Both empty → 1, one empty → 0.
 */
import type { Vec3 } from '../../dicom/Volume';
import { surfaceDistances } from './surfaceDistances';

export function surfaceDice(a: ArrayLike<number>, b: ArrayLike<number>, dimensions: Vec3, spacingMm: Vec3, toleranceMm: number): number {
  const { aToB, bToA } = surfaceDistances(a, b, dimensions, spacingMm);
  const total = aToB.length + bToA.length;
  if (total === 0) return 1;
  let ok = 0;
  for (const d of aToB) if (d <= toleranceMm) ok++;
  for (const d of bToA) if (d <= toleranceMm) ok++;
  return ok / total;
}
