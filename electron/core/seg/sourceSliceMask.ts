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
import { lpsToIjk, type SourceGeometry, type Vec3, type VolumeGeometry } from '../dicom/Volume';
import { sourceNormal } from '../volumetry/maskVolume';

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function maskToSourceSlices(mask: ArrayLike<number>, grid: VolumeGeometry, source: SourceGeometry): Uint8Array {
  const [nx, ny, nz] = grid.dimensions;
  if (mask.length !== nx * ny * nz) {
    throw new SdpmError('GEOMETRY_MISMATCH', `mask has ${mask.length} voxels, grid ${nx}x${ny}x${nz} has ${nx * ny * nz}`);
  }
  const { rows, columns } = source;
  const iop = source.imageOrientationPatient;
  const r: Vec3 = [iop[0], iop[1], iop[2]];
  const c: Vec3 = [iop[3], iop[4], iop[5]];
  const dRow = source.pixelSpacingMm[0];
  const dCol = source.pixelSpacingMm[1];
  const out = new Uint8Array(rows * columns * source.slices.length);
  // the grid index is affine in (i, j): ijk = ijk0 + i·di + j·dj
  const o = lpsToIjk(grid, [0, 0, 0]);
  const ex = lpsToIjk(grid, [r[0] * dCol, r[1] * dCol, r[2] * dCol]);
  const ey = lpsToIjk(grid, [c[0] * dRow, c[1] * dRow, c[2] * dRow]);
  const di: Vec3 = [ex[0] - o[0], ex[1] - o[1], ex[2] - o[2]];
  const dj: Vec3 = [ey[0] - o[0], ey[1] - o[1], ey[2] - o[2]];
  // usual case: source rows run along the grid's i axis, so j and k are constant along a row
  const rowAligned = Math.abs(di[1]) < 1e-9 && Math.abs(di[2]) < 1e-9;
  // grid slices with any voxel: rows that land on an empty slice are skipped
  const sliceHas = new Uint8Array(nz);
  for (let k = 0; k < nz; k++) {
    const off = nx * ny * k;
    for (let p = 0; p < nx * ny; p++) {
      if (mask[off + p] !== 0) {
        sliceHas[k] = 1;
        break;
      }
    }
  }
  source.slices.forEach((slice, s) => {
    const p0 = lpsToIjk(grid, slice.positionLps);
    const base = s * rows * columns;
    for (let j = 0; j < rows; j++) {
      const rx = p0[0] + j * dj[0];
      const ry = p0[1] + j * dj[1];
      const rz = p0[2] + j * dj[2];
      if (rowAligned) {
        const gj = Math.round(ry);
        const gk = Math.round(rz);
        if (gj < 0 || gk < 0 || gj >= ny || gk >= nz || sliceHas[gk] === 0) continue;
        const rowBase = nx * (gj + ny * gk);
        const outRow = base + j * columns;
        for (let i = 0; i < columns; i++) {
          const gi = Math.round(rx + i * di[0]);
          if (gi >= 0 && gi < nx && mask[rowBase + gi] !== 0) out[outRow + i] = 1;
        }
        continue;
      }
      for (let i = 0; i < columns; i++) {
        const gi = Math.round(rx + i * di[0]);
        const gj = Math.round(ry + i * di[1]);
        const gk = Math.round(rz + i * di[2]);
        if (gi < 0 || gj < 0 || gk < 0 || gi >= nx || gj >= ny || gk >= nz) continue;
        if (mask[gi + nx * (gj + ny * gk)] !== 0) out[base + j * columns + i] = 1;
      }
    }
  });
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
