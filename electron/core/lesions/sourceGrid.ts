/**
 * The grid -> source-slice sampling rule (nearest neighbour at each source pixel centre; seg/sourceSliceMask.ts
 * explains it). One implementation, used by the SEG writer (which voxels a SEG frame holds) and by lesion
 * volumes (measureLesions measures on the source slices, so the reported volume is the SEG's volume).
 * Values are copied (0/1 masks or lesion IDs); a source pixel outside the grid is 0.
 */
import { SdpmError } from '../errors';
import { lpsToIjk, type SourceGeometry, type Vec3, type VolumeGeometry } from '../dicom/Volume';

export function sampleGridOnSource<T extends Uint8Array | Int32Array>(mask: ArrayLike<number>, grid: VolumeGeometry, source: SourceGeometry, make: (n: number) => T): T {
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
  const out = make(rows * columns * source.slices.length);
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
          if (gi >= 0 && gi < nx) out[outRow + i] = mask[rowBase + gi] as number;
        }
        continue;
      }
      for (let i = 0; i < columns; i++) {
        const gi = Math.round(rx + i * di[0]);
        const gj = Math.round(ry + i * di[1]);
        const gk = Math.round(rz + i * di[2]);
        if (gi < 0 || gj < 0 || gk < 0 || gi >= nx || gj >= ny || gk >= nz) continue;
        out[base + j * columns + i] = mask[gi + nx * (gj + ny * gk)] as number;
      }
    }
  });
  return out;
}
