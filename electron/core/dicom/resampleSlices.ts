/**
 * Fills a planned grid (see planVolumeGrid) from source slices in HU: per output slice, linear
 * interpolation between its two source slices along the normal; within each source slice, bilinear
 * interpolation at the slice's own in-plane offset (for a gantry tilt only the row coordinate is
 * fractional, so this is the column-direction shear dcm2niix applies). Points outside a slice's field
 * of view take `paddingHu`.
 */
import type { GridPlan } from './planVolumeGrid';

export type HuSlice = Int16Array | Float32Array;

/** Adds weight * (bilinear sample of `src` at (i + di, j + dj) for i = 0..nx-1) into out[outOffset + i]. */
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
  const yf = Math.floor(y);
  let fy = y - yf;
  let r0 = yf;
  let r1 = yf + 1;
  if (fy < 1e-6) {
    fy = 0;
    r1 = r0;
  } else if (fy > 1 - 1e-6) {
    fy = 0;
    r0 = r1;
  }
  const row0Ok = r0 >= 0 && r0 < rows;
  const row1Ok = r1 >= 0 && r1 < rows;
  const xf = Math.floor(x0);
  let fx = x0 - xf;
  let cShift = xf;
  if (fx > 1 - 1e-6) {
    fx = 0;
    cShift = xf + 1;
  } else if (fx < 1e-6) fx = 0;
  const b0 = r0 * columns;
  const b1 = r1 * columns;
  for (let i = 0; i < nx; i++) {
    const c0 = i + cShift;
    let v: number;
    if (fx === 0) {
      const a = row0Ok && c0 >= 0 && c0 < columns ? (src[b0 + c0] ?? paddingHu) : paddingHu;
      const b = fy === 0 ? a : row1Ok && c0 >= 0 && c0 < columns ? (src[b1 + c0] ?? paddingHu) : paddingHu;
      v = a + (b - a) * fy;
    } else {
      const c1 = c0 + 1;
      const okC0 = c0 >= 0 && c0 < columns;
      const okC1 = c1 >= 0 && c1 < columns;
      const a0 = row0Ok && okC0 ? (src[b0 + c0] ?? paddingHu) : paddingHu;
      const a1 = row0Ok && okC1 ? (src[b0 + c1] ?? paddingHu) : paddingHu;
      const d0 = row1Ok && okC0 ? (src[b1 + c0] ?? paddingHu) : paddingHu;
      const d1 = row1Ok && okC1 ? (src[b1 + c1] ?? paddingHu) : paddingHu;
      const top = a0 + (a1 - a0) * fx;
      const bottom = d0 + (d1 - d0) * fx;
      v = top + (bottom - top) * fy;
    }
    out[outOffset + i] = (out[outOffset + i] ?? 0) + weight * v;
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
