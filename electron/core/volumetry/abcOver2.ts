/**
 * ABC/2 hematoma volume estimate (Kothari et al., Stroke 1996;27:1304-5), computed from a mask.
 *
 * On the axial slices of the grid (k planes; the loader's grid is orthogonal, so after tilt correction
 * these are true axial planes of the corrected volume):
 * - the reference slice is the slice with the largest lesion area;
 * - A = the largest diameter of the lesion on that slice (maximum Feret diameter of the union of its
 *   pixel squares, i.e. the largest distance between pixel corners, in mm);
 * - B = the largest diameter perpendicular to A on the same slice (the caliper width of the lesion
 *   along the direction perpendicular to A, in mm);
 * - C = Kothari's weighted slice count × slice spacing: a slice whose lesion area is ≥ 75 % of the
 *   reference area counts 1, 25 % to < 75 % counts 0.5, < 25 % counts 0. `cExtentMm` is the
 *   unweighted alternative (number of slices with lesion × spacing).
 * Volume = A·B·C / 2 (mm³) / 1000 → mL. ABC/2 replaces the ellipsoid volume (π/6)·A·B·C with π ≈ 3,
 * so on a perfect ellipsoid with the unweighted C it is 3/π ≈ 0.955 of the true volume; Kothari's
 * weighting shortens C (for an ellipsoid to (1 + √0.75 − 0.5)/2 ≈ 0.683 of the extent) because it was
 * designed for irregular clinical hematomas, whose ends taper faster than an ellipsoid's.
 */
import type { Vec3 } from '../dicom/Volume';

export interface AbcOver2 {
  /** k index of the slice with the largest area. */
  referenceSlice: number;
  aMm: number;
  bMm: number;
  /** Kothari-weighted C. */
  cMm: number;
  /** Unweighted C: slices with lesion × spacing. */
  cExtentMm: number;
  weightedSliceCount: number;
  sliceCount: number;
  /** A·B·C/2 with the Kothari C, in mL. */
  volumeMl: number;
  /** A·B·C/2 with the unweighted C, in mL. */
  volumeMlExtent: number;
}

/** Kothari weight of one slice given its area as a fraction of the largest slice's area. */
export function kothariWeight(areaFraction: number): number {
  if (areaFraction >= 0.75) return 1;
  if (areaFraction >= 0.25) return 0.5;
  return 0;
}

type P2 = [number, number];

function cross(o: P2, a: P2, b: P2): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Andrew's monotone chain convex hull. */
function convexHull(points: P2[]): P2[] {
  const pts = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (pts.length <= 2) return pts;
  const lower: P2[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as P2, lower[lower.length - 1] as P2, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: P2[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i] as P2;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as P2, upper[upper.length - 1] as P2, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * A and B (mm) of the pixels `label` on slice k. Only the leftmost and rightmost pixel of each row
 * can be hull vertices, so the hull is built from their corners.
 */
export function sliceDiameters(labels: ArrayLike<number>, label: number, dimensions: Vec3, spacingMm: Vec3, k: number): { aMm: number; bMm: number } {
  const [nx, ny] = dimensions;
  const [sx, sy] = spacingMm;
  const corners: P2[] = [];
  for (let j = 0; j < ny; j++) {
    const row = nx * (j + ny * k);
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < nx; i++) {
      if (labels[row + i] === label) {
        if (lo < 0) lo = i;
        hi = i;
      }
    }
    if (lo < 0) continue;
    for (const i of lo === hi ? [lo] : [lo, hi]) {
      corners.push([(i - 0.5) * sx, (j - 0.5) * sy], [(i + 0.5) * sx, (j - 0.5) * sy], [(i - 0.5) * sx, (j + 0.5) * sy], [(i + 0.5) * sx, (j + 0.5) * sy]);
    }
  }
  const hull = convexHull(corners);
  let best = 0;
  let ux = 1;
  let uy = 0;
  for (let a = 0; a < hull.length; a++) {
    for (let b = a + 1; b < hull.length; b++) {
      const p = hull[a] as P2;
      const q = hull[b] as P2;
      const d = Math.hypot(q[0] - p[0], q[1] - p[1]);
      if (d > best) {
        best = d;
        ux = (q[0] - p[0]) / d;
        uy = (q[1] - p[1]) / d;
      }
    }
  }
  // width along the perpendicular direction (-uy, ux)
  let min = Infinity;
  let max = -Infinity;
  for (const p of hull) {
    const t = -uy * p[0] + ux * p[1];
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return { aMm: best, bMm: hull.length === 0 ? 0 : max - min };
}

/**
 * ABC/2 of the voxels equal to `label` in `labels` (a component label map or a binary mask with label 1).
 * `sliceAreas[k]` (voxel counts of the label per slice) may be given when already known.
 */
export function abcOver2(labels: ArrayLike<number>, label: number, dimensions: Vec3, spacingMm: Vec3, sliceAreas?: ArrayLike<number>): AbcOver2 {
  const [nx, ny, nz] = dimensions;
  let areas: ArrayLike<number>;
  if (sliceAreas === undefined) {
    const a = new Float64Array(nz);
    for (let k = 0; k < nz; k++) {
      let c = 0;
      const off = nx * ny * k;
      for (let p = 0; p < nx * ny; p++) if (labels[off + p] === label) c++;
      a[k] = c;
    }
    areas = a;
  } else {
    areas = sliceAreas;
  }
  let ref = -1;
  let maxArea = 0;
  for (let k = 0; k < nz; k++) {
    const a = areas[k] as number;
    if (a > maxArea) {
      maxArea = a;
      ref = k;
    }
  }
  if (ref < 0) {
    return { referenceSlice: -1, aMm: 0, bMm: 0, cMm: 0, cExtentMm: 0, weightedSliceCount: 0, sliceCount: 0, volumeMl: 0, volumeMlExtent: 0 };
  }
  let weighted = 0;
  let count = 0;
  for (let k = 0; k < nz; k++) {
    const a = areas[k] as number;
    if (a <= 0) continue;
    count++;
    weighted += kothariWeight(a / maxArea);
  }
  const { aMm, bMm } = sliceDiameters(labels, label, dimensions, spacingMm, ref);
  const cMm = weighted * spacingMm[2];
  const cExtentMm = count * spacingMm[2];
  return {
    referenceSlice: ref,
    aMm,
    bMm,
    cMm,
    cExtentMm,
    weightedSliceCount: weighted,
    sliceCount: count,
    volumeMl: (aMm * bMm * cMm) / 2 / 1000,
    volumeMlExtent: (aMm * bMm * cExtentMm) / 2 / 1000,
  };
}
