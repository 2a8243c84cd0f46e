/**
 * Moving a mask between the loader's corrected grid (Volume) and the original source slices.
 *
 * SEG frames are written on the SOURCE slices (their own ImagePositionPatient, orientation and pixel
 * grid), so every other DICOM tool overlays them on the images the scanner produced, even for a
 * gantry-tilted series whose Volume was resampled onto an orthogonal grid.
 *
 * - `maskToSourceSlices`: nearest-neighbour sampling of the grid mask at each source pixel centre
 *   (world = IPP + r·Δcol·i + c·Δrow·j). Nearest neighbour keeps a binary mask binary and, when the
 *   volume was not resampled (no tilt, regular gaps, same pixel grid), is the identity.
 * - `sourceSlicesToGrid`: the reverse; each grid voxel centre is projected onto the slice normal, the
 *   nearest source slice is chosen if the voxel lies within that slice's slab (half the gap to each
 *   neighbour; the end slices extend by half their single gap) and the in-plane pixel is rounded.
 * Source masks are frame-major: slice s occupies [s·rows·cols, (s+1)·rows·cols), row-major inside.
 */
import { SdpmError } from '../errors';
import type { SourceGeometry, Vec3, VolumeGeometry } from '../dicom/Volume';
import { sampleGridOnSource } from '../lesions/sourceGrid';
import { sourceNormal } from '../lesions/voxelVolume';

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function maskToSourceSlices(mask: ArrayLike<number>, grid: VolumeGeometry, source: SourceGeometry): Uint8Array {
  const out = sampleGridOnSource(mask, grid, source, (n) => new Uint8Array(n));
  for (let i = 0; i < out.length; i++) if (out[i] !== 0) out[i] = 1;
  return out;
}

export function sourceSlicesToGrid(sourceMask: ArrayLike<number>, source: SourceGeometry, grid: VolumeGeometry, singleSliceThicknessMm = 1): Uint8Array {
  const { rows, columns } = source;
  const nS = source.slices.length;
  if (sourceMask.length !== rows * columns * nS) {
    throw new SdpmError('GEOMETRY_MISMATCH', `source mask has ${sourceMask.length} pixels, ${nS} slices of ${columns}x${rows} need ${rows * columns * nS}`);
  }
  const n = sourceNormal(source);
  const iop = source.imageOrientationPatient;
  const r: Vec3 = [iop[0], iop[1], iop[2]];
  const c: Vec3 = [iop[3], iop[4], iop[5]];
  const dRow = source.pixelSpacingMm[0];
  const dCol = source.pixelSpacingMm[1];
  const order = source.slices.map((s, idx) => ({ idx, d: dot(s.positionLps, n) })).sort((a, b) => a.d - b.d);
  const lo: number[] = [];
  const hi: number[] = [];
  order.forEach((o, t) => {
    const prev = order[t - 1];
    const next = order[t + 1];
    const gPrev = prev !== undefined ? o.d - prev.d : next !== undefined ? next.d - o.d : singleSliceThicknessMm;
    const gNext = next !== undefined ? next.d - o.d : gPrev;
    lo.push(o.d - gPrev / 2);
    hi.push(o.d + gNext / 2);
  });
  const [nx, ny, nz] = grid.dimensions;
  const out = new Uint8Array(nx * ny * nz);
  const d = grid.directionLps;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const a = i * grid.spacingMm[0];
        const b = j * grid.spacingMm[1];
        const cc = k * grid.spacingMm[2];
        const w: Vec3 = [
          grid.originLps[0] + d[0] * a + d[3] * b + d[6] * cc,
          grid.originLps[1] + d[1] * a + d[4] * b + d[7] * cc,
          grid.originLps[2] + d[2] * a + d[5] * b + d[8] * cc,
        ];
        const wd = dot(w, n);
        // binary search for the slab containing wd
        let l = 0;
        let h = order.length - 1;
        let t = -1;
        while (l <= h) {
          const m = (l + h) >> 1;
          if (wd < (lo[m] as number)) h = m - 1;
          else if (wd >= (hi[m] as number)) l = m + 1;
          else {
            t = m;
            break;
          }
        }
        if (t < 0) continue;
        const sl = source.slices[(order[t] as { idx: number }).idx];
        if (sl === undefined) continue;
        const rel: Vec3 = [w[0] - sl.positionLps[0], w[1] - sl.positionLps[1], w[2] - sl.positionLps[2]];
        const pi = Math.round(dot(rel, r) / dCol);
        const pj = Math.round(dot(rel, c) / dRow);
        if (pi < 0 || pj < 0 || pi >= columns || pj >= rows) continue;
        if (sourceMask[(order[t] as { idx: number }).idx * rows * columns + pj * columns + pi] !== 0) out[i + nx * (j + ny * k)] = 1;
      }
    }
  }
  return out;
}
