/**
 * Chooses the regular voxel grid a slice stack is loaded onto, from header geometry only (so memory
 * can be checked before any pixel data is read).
 *
 * - Regular spacing, no tilt: the grid is the slices themselves (i = row cosine, j = column cosine,
 *   k = slice normal); voxels are copied, no interpolation.
 * - Gantry tilt: like dcm2niix, the grid stays aligned with the acquired slice planes (axes row cosine,
 *   column cosine, normal: orthogonal), and every slice is shifted in-plane by its own offset so that
 *   voxel columns run along the normal. The grid grows along i/j to hold the shifted slices. Outside a
 *   slice's field of view the value is `paddingHu`.
 * - Irregular gaps (policy 'resample'): slices are placed on an equidistant grid along the normal from
 *   the first to the last slice, spacing = the smallest gap, capped at 2x the slice count (dcm2niix's
 *   "Eq" rule), values interpolated linearly between the two neighbouring slices along the normal.
 */
import type { Mat3, Vec3 } from './Volume';
import type { SliceStackGeometry } from './analyzeSliceStack';

export interface SliceSample {
  /** Sorted-order index of the lower slice, the upper slice and the weight of the upper one (0..1). */
  lo: number;
  hi: number;
  weightHi: number;
}

export interface GridPlan {
  dimensions: Vec3;
  spacingMm: Vec3;
  originLps: Vec3;
  directionLps: Mat3;
  /** For each output slice k, which source slices it interpolates. */
  slices: SliceSample[];
  /** Offset (pixels) added to an output (i, j) to get source slice s's (column, row): [di, dj] per sorted slice. */
  sourceOffsetPx: Array<[number, number]>;
  /** True when output voxels equal source voxels one to one (no interpolation). */
  identity: boolean;
  resampledToEquidistant: boolean;
  tiltCorrected: boolean;
}

export interface PlanInput {
  stack: SliceStackGeometry;
  firstPositionLps: Vec3;
  rows: number;
  columns: number;
  /** [between rows, between columns] (mm). */
  pixelSpacingMm: readonly [number, number];
  /** Resample irregular gaps onto an equidistant grid (true) or keep the slices as they are (false: caller refuses). */
  equidistant: boolean;
}

const SHIFT_EPSILON_PX = 1e-3;

export function planVolumeGrid(input: PlanInput): GridPlan {
  const { stack, rows, columns } = input;
  const [rowSpacing, colSpacing] = input.pixelSpacingMm;
  const n = stack.normalPositionsMm.length;
  const t0 = stack.normalPositionsMm[0] ?? 0;
  const span = (stack.normalPositionsMm[n - 1] ?? t0) - t0;
  const offsets = stack.inPlaneOffsetsPx;
  const tilted = stack.gantryTiltDeg > 0 && offsets.some(([u, v]) => Math.abs(u) > SHIFT_EPSILON_PX || Math.abs(v) > SHIFT_EPSILON_PX);
  const irregular = !stack.regular && input.equidistant;

  const uMin = tilted ? Math.min(...offsets.map((o) => o[0])) : 0;
  const uMax = tilted ? Math.max(...offsets.map((o) => o[0])) : 0;
  const vMin = tilted ? Math.min(...offsets.map((o) => o[1])) : 0;
  const vMax = tilted ? Math.max(...offsets.map((o) => o[1])) : 0;
  const nx = columns + Math.ceil(uMax - uMin - SHIFT_EPSILON_PX);
  const ny = rows + Math.ceil(vMax - vMin - SHIFT_EPSILON_PX);

  let nz = n;
  let dz = n > 1 ? span / (n - 1) : 1;
  let slices: SliceSample[] = stack.normalPositionsMm.map((_, k) => ({ lo: k, hi: k, weightHi: 0 }));
  if (irregular && n > 1) {
    const minGap = Math.min(...stack.gapsMm.filter((g) => g > 0));
    nz = Math.round(span / minGap) + 1;
    if (nz > 2 * n) nz = 2 * n;
    dz = span / (nz - 1);
    slices = [];
    let s = 0;
    for (let k = 0; k < nz; k++) {
      const t = k === nz - 1 ? span : k * dz;
      while (s < n - 2 && (stack.normalPositionsMm[s + 1] ?? 0) - t0 <= t) s++;
      const tLo = (stack.normalPositionsMm[s] ?? 0) - t0;
      const tHi = (stack.normalPositionsMm[s + 1] ?? 0) - t0;
      const w = tHi > tLo ? Math.min(1, Math.max(0, (t - tLo) / (tHi - tLo))) : 0;
      slices.push({ lo: s, hi: s + 1, weightHi: w });
    }
  }

  const r = stack.rowCosine;
  const c = stack.columnCosine;
  const nn = stack.normal;
  const p0 = input.firstPositionLps;
  const originLps: Vec3 = [
    p0[0] + uMin * colSpacing * r[0] + vMin * rowSpacing * c[0],
    p0[1] + uMin * colSpacing * r[1] + vMin * rowSpacing * c[1],
    p0[2] + uMin * colSpacing * r[2] + vMin * rowSpacing * c[2],
  ];
  return {
    dimensions: [nx, ny, nz],
    spacingMm: [colSpacing, rowSpacing, dz],
    originLps,
    directionLps: [r[0], r[1], r[2], c[0], c[1], c[2], nn[0], nn[1], nn[2]],
    slices,
    sourceOffsetPx: offsets.map(([u, v]) => (tilted ? [uMin - u, vMin - v] : [0, 0])),
    identity: !tilted && !irregular,
    resampledToEquidistant: irregular,
    tiltCorrected: tilted,
  };
}
