/**
 * Fills a planned grid (see planVolumeGrid) from source slices in HU: per output slice, linear
 * interpolation between its two source slices along the normal; within each source slice, bilinear
 * interpolation at the slice's own in-plane offset (for a gantry tilt only the row coordinate is
 * fractional, so this is the column-direction shear dcm2niix applies). Points outside a slice's field
 * of view take `paddingHu`.
 */
import type { GridPlan } from './planVolumeGrid';

export type HuSlice = Int16Array | Float32Array;

interface EdgeGeometry {
  src: HuSlice;
  rows: number;
  columns: number;
  r0: number;
  r1: number;
  fx: number;
  fy: number;
  cShift: number;
  paddingHu: number;
}

function pixelOrPadding(g: EdgeGeometry, r: number, c: number): number {
  return r >= 0 && r < g.rows && c >= 0 && c < g.columns ? (g.src[r * g.columns + c] as number) : g.paddingHu;
}

/** Bilinear sample with padding outside the slice (edges of a row only). */
function sampleEdge(g: EdgeGeometry, i: number): number {
  const c0 = i + g.cShift;
  const a0 = pixelOrPadding(g, g.r0, c0);
  const d0 = g.fy === 0 ? a0 : pixelOrPadding(g, g.r1, c0);
  if (g.fx === 0) return a0 + (d0 - a0) * g.fy;
  const a1 = pixelOrPadding(g, g.r0, c0 + 1);
  const d1 = g.fy === 0 ? a1 : pixelOrPadding(g, g.r1, c0 + 1);
  const top = a0 + (a1 - a0) * g.fx;
  return top + (d0 + (d1 - d0) * g.fx - top) * g.fy;
}

/** Adds weight * (bilinear sample of `src` at (i + x0, y) for i = 0..nx-1) into out[outOffset + i]. */
function accumulateRow(
  out: Float32Array,
  outOffset: number,
  nx: number,
  src: HuSlice,
  rows: number,
  columns: number,
  x0: number,
  y: number,
  weight: number,
  paddingHu: number,
): void {
  if (weight === 0) return;
  let r0 = Math.floor(y);
  let fy = y - r0;
  if (fy > 1 - 1e-6) {
    r0 += 1;
    fy = 0;
  } else if (fy < 1e-6) fy = 0;
  const r1 = fy === 0 ? r0 : r0 + 1;
  let cShift = Math.floor(x0);
  let fx = x0 - cShift;
  if (fx > 1 - 1e-6) {
    cShift += 1;
    fx = 0;
  } else if (fx < 1e-6) fx = 0;
  const row0Ok = r0 >= 0 && r0 < rows;
  const row1Ok = r1 >= 0 && r1 < rows;
  const b0 = r0 * columns;
  const b1 = r1 * columns;
  // Interior: every neighbour inside the slice; the edges (and rows outside the slice) take the slow path.
  const iLo = row0Ok && row1Ok ? Math.min(nx, Math.max(0, -cShift)) : nx;
  const iHi = row0Ok && row1Ok ? Math.max(iLo, Math.min(nx, columns - cShift - (fx === 0 ? 0 : 1))) : nx;
  const g: EdgeGeometry = { src, rows, columns, r0, r1, fx, fy, cShift, paddingHu };
  for (let i = 0; i < iLo; i++) out[outOffset + i] = (out[outOffset + i] as number) + weight * sampleEdge(g, i);
  for (let i = iHi; i < nx; i++) out[outOffset + i] = (out[outOffset + i] as number) + weight * sampleEdge(g, i);
  const s0 = b0 + cShift;
  const s1 = b1 + cShift;
  const o = outOffset;
  if (fx === 0 && fy === 0) {
    for (let i = iLo; i < iHi; i++) out[o + i] = (out[o + i] as number) + weight * (src[s0 + i] as number);
  } else if (fx === 0) {
    const w0 = weight * (1 - fy);
    const w1 = weight * fy;
    for (let i = iLo; i < iHi; i++) out[o + i] = (out[o + i] as number) + w0 * (src[s0 + i] as number) + w1 * (src[s1 + i] as number);
  } else {
    const w00 = weight * (1 - fx) * (1 - fy);
    const w01 = weight * fx * (1 - fy);
    const w10 = weight * (1 - fx) * fy;
    const w11 = weight * fx * fy;
    for (let i = iLo; i < iHi; i++) {
      out[o + i] = (out[o + i] as number) + w00 * (src[s0 + i] as number) + w01 * (src[s0 + i + 1] as number) + w10 * (src[s1 + i] as number) + w11 * (src[s1 + i + 1] as number);
    }
  }
}

export function resampleSlices(plan: GridPlan, slices: readonly HuSlice[], rows: number, columns: number, paddingHu: number): Float32Array {
  const [nx, ny, nz] = plan.dimensions;
  const out = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    const s = plan.slices[k];
    if (s === undefined) continue;
    const parts: Array<[number, number]> = s.weightHi <= 0 || s.lo === s.hi ? [[s.lo, 1]] : s.weightHi >= 1 ? [[s.hi, 1]] : [[s.lo, 1 - s.weightHi], [s.hi, s.weightHi]];
    for (const [idx, w] of parts) {
      const src = slices[idx];
      const off = plan.sourceOffsetPx[idx];
      if (src === undefined || off === undefined) throw new RangeError(`resampleSlices: no source slice ${idx}`);
      for (let j = 0; j < ny; j++) accumulateRow(out, (k * ny + j) * nx, nx, src, rows, columns, off[0], j + off[1], w, paddingHu);
    }
  }
  return out;
}
