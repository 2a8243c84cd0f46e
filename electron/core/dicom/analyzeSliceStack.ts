/**
 * Pure geometry of a stack of parallel DICOM slices, from headers only: sort order, slice spacing,
 * gaps, missing and duplicate slices, gantry tilt, and the in-plane shift of each slice.
 *
 * Slices are sorted by their signed distance along the slice normal n = rowCosine x columnCosine
 * (PS3.3 C.7.6.2.1.1), never by InstanceNumber or file name. Gantry tilt is the angle between n and
 * the direction in which slice positions progress (for a tilted CT gantry the table moves along the
 * patient axis while each slice plane is tilted, so ImagePositionPatient moves partly in-plane).
 */
import type { Vec3 } from './Volume';
import type { Orientation6 } from './SliceHeader';

/** Two slices closer than this along the normal are the same position (mm). */
export const DUPLICATE_TOLERANCE_MM = 0.01;
/** Tilt below this is treated as none (rounding of ImagePositionPatient), degrees. */
export const TILT_TOLERANCE_DEG = 0.05;

export interface SliceStackInput {
  imagePositionPatient: Vec3;
  imageOrientationPatient: Orientation6;
  /** [between rows, between columns] in mm. */
  pixelSpacingMm: readonly [number, number];
}

export interface SliceStackGeometry {
  rowCosine: Vec3;
  columnCosine: Vec3;
  normal: Vec3;
  /** Input indices in ascending normal position. */
  order: number[];
  /** Normal position (mm) of each slice, in sorted order. */
  normalPositionsMm: number[];
  /** Gaps between consecutive sorted slices (mm); duplicates give 0. */
  gapsMm: number[];
  /** Distinct gaps (rounded to 0.01 mm), in order of first appearance; duplicates excluded. */
  distinctGapsMm: number[];
  /** Median of the non-zero gaps (mm); 0 for a single slice. */
  typicalGapMm: number;
  /** True when every non-zero gap equals the typical gap within tolerance. */
  regular: boolean;
  /** Sorted-order index pairs [a, a+1] at the same position. */
  duplicatePairs: Array<[number, number]>;
  /** Gaps that look like missing slices: about `missing` slices are absent after sorted slice `after`. */
  missingSlices: Array<{ after: number; gapMm: number; missing: number }>;
  /** Angle between the slice normal and the progression of slice positions (degrees, >= 0). */
  gantryTiltDeg: number;
  /** In-plane offset of each sorted slice's origin from the first slice's, in pixels: [along columns i, along rows j]. */
  inPlaneOffsetsPx: Array<[number, number]>;
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function normalize(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return n === 0 ? a : [a[0] / n, a[1] / n, a[2] / n];
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** Tolerance for "same gap": 0.02 mm or 1%, whichever is larger (scanners round positions). */
export function gapTolerance(gapMm: number): number {
  return Math.max(0.02, 0.01 * Math.abs(gapMm));
}

export function analyzeSliceStack(slices: readonly SliceStackInput[]): SliceStackGeometry {
  const first = slices[0];
  if (first === undefined) throw new RangeError('analyzeSliceStack: no slices');
  const iop = first.imageOrientationPatient;
  const rowCosine = normalize([iop[0], iop[1], iop[2]]);
  const columnCosine = normalize([iop[3], iop[4], iop[5]]);
  const normal = normalize(cross(rowCosine, columnCosine));
  const pos = slices.map((s) => dot(s.imagePositionPatient, normal));
  const order = slices.map((_, i) => i).sort((a, b) => (pos[a] ?? 0) - (pos[b] ?? 0));
  const normalPositionsMm = order.map((i) => pos[i] ?? 0);
  const gapsMm = normalPositionsMm.slice(1).map((p, k) => p - (normalPositionsMm[k] ?? 0));
  const duplicatePairs: Array<[number, number]> = [];
  gapsMm.forEach((g, k) => {
    if (g < DUPLICATE_TOLERANCE_MM) duplicatePairs.push([k, k + 1]);
  });
  const realGaps = gapsMm.filter((g) => g >= DUPLICATE_TOLERANCE_MM);
  const typicalGapMm = median(realGaps);
  const distinct: number[] = [];
  for (const g of realGaps) {
    if (!distinct.some((d) => Math.abs(d - g) <= gapTolerance(d))) distinct.push(g);
  }
  const regular = realGaps.every((g) => Math.abs(g - typicalGapMm) <= gapTolerance(typicalGapMm));
  const missingSlices: Array<{ after: number; gapMm: number; missing: number }> = [];
  gapsMm.forEach((g, k) => {
    const ratio = typicalGapMm > 0 ? g / typicalGapMm : 1;
    if (ratio > 1.5 && Math.abs(ratio - Math.round(ratio)) < 0.15) missingSlices.push({ after: k, gapMm: g, missing: Math.round(ratio) - 1 });
  });

  const p0 = slices[order[0] ?? 0]?.imagePositionPatient ?? first.imagePositionPatient;
  const pN = slices[order[order.length - 1] ?? 0]?.imagePositionPatient ?? first.imagePositionPatient;
  const travel = sub(pN, p0);
  const travelLen = Math.hypot(travel[0], travel[1], travel[2]);
  let gantryTiltDeg = 0;
  if (travelLen > DUPLICATE_TOLERANCE_MM) {
    const cos = Math.min(1, Math.abs(dot(travel, normal)) / travelLen);
    gantryTiltDeg = (Math.acos(cos) * 180) / Math.PI;
    if (gantryTiltDeg < TILT_TOLERANCE_DEG) gantryTiltDeg = 0;
  }
  const [rowSpacing, colSpacing] = first.pixelSpacingMm;
  const inPlaneOffsetsPx = order.map((i): [number, number] => {
    const d = sub(slices[i]?.imagePositionPatient ?? p0, p0);
    return [dot(d, rowCosine) / colSpacing, dot(d, columnCosine) / rowSpacing];
  });
  return {
    rowCosine,
    columnCosine,
    normal,
    order,
    normalPositionsMm,
    gapsMm,
    distinctGapsMm: distinct.map((d) => Math.round(d * 100) / 100),
    typicalGapMm,
    regular,
    duplicatePairs,
    missingSlices,
    gantryTiltDeg,
    inPlaneOffsetsPx,
  };
}
