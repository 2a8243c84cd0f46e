/**
 * The grid -> source-slice sampling rule (nearest neighbour at each source pixel centre; seg/sourceSliceMask.ts
 * explains it). One implementation (`SourceSampler.voxelAt`), used by the SEG writer (which voxels a SEG frame
 * holds), by lesion volumes (measureLesions measures on the source slices, so the reported volume is the SEG's
 * volume) and by the live total of the review app (liveTotal.ts), which re-samples only the source pixels near
 * an edit. Values are copied (0/1 masks or lesion IDs); a source pixel outside the grid is 0.
 */
import { SdpmError } from '../errors';
import { lpsToIjk, type SourceGeometry, type Vec3, type VolumeGeometry } from '../dicom/Volume';

export class SourceSampler {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly rows: number;
  readonly columns: number;
  readonly nSlices: number;
  /** grid index coordinates of each source slice's first pixel, 3 per slice */
  private readonly p0: Float64Array;
  /** grid index step per source column (di) and per source row (dj) */
  readonly di: Vec3;
  readonly dj: Vec3;
  /** usual case: source rows run along the grid's i axis, so j and k are constant along a row */
  private readonly rowAligned: boolean;

  constructor(grid: VolumeGeometry, source: SourceGeometry) {
    [this.nx, this.ny, this.nz] = grid.dimensions;
    this.rows = source.rows;
    this.columns = source.columns;
    this.nSlices = source.slices.length;
    const iop = source.imageOrientationPatient;
    const dRow = source.pixelSpacingMm[0];
    const dCol = source.pixelSpacingMm[1];
    // the grid index is affine in (i, j): ijk = ijk0 + i·di + j·dj
    const o = lpsToIjk(grid, [0, 0, 0]);
    const ex = lpsToIjk(grid, [iop[0] * dCol, iop[1] * dCol, iop[2] * dCol]);
    const ey = lpsToIjk(grid, [iop[3] * dRow, iop[4] * dRow, iop[5] * dRow]);
    this.di = [ex[0] - o[0], ex[1] - o[1], ex[2] - o[2]];
    this.dj = [ey[0] - o[0], ey[1] - o[1], ey[2] - o[2]];
    this.rowAligned = Math.abs(this.di[1]) < 1e-9 && Math.abs(this.di[2]) < 1e-9;
    this.p0 = new Float64Array(3 * this.nSlices);
    source.slices.forEach((slice, s) => this.p0.set(lpsToIjk(grid, slice.positionLps), 3 * s));
  }

  /** The grid voxel index sampled by pixel (row j, column i) of source slice s, or -1 when it is outside the grid. */
  voxelAt(s: number, j: number, i: number): number {
    const p = this.p0;
    const rx = (p[3 * s] as number) + j * this.dj[0];
    const ry = (p[3 * s + 1] as number) + j * this.dj[1];
    const rz = (p[3 * s + 2] as number) + j * this.dj[2];
    let gj: number;
    let gk: number;
    if (this.rowAligned) {
      gj = Math.round(ry);
      gk = Math.round(rz);
    } else {
      gj = Math.round(ry + i * this.di[1]);
      gk = Math.round(rz + i * this.di[2]);
    }
    const gi = Math.round(rx + i * this.di[0]);
    if (gi < 0 || gj < 0 || gk < 0 || gi >= this.nx || gj >= this.ny || gk >= this.nz) return -1;
    return gi + this.nx * (gj + this.ny * gk);
  }

  /** The grid slice every pixel of row j of source slice s samples, when rows are grid-aligned; else null. */
  rowSlice(s: number, j: number): number | null {
    return this.rowAligned ? Math.round((this.p0[3 * s + 2] as number) + j * this.dj[2]) : null;
  }

  /**
   * Pixel rows and columns of source slice s that can sample a voxel inside the grid box lo..hi (inclusive
   * voxel indices), or null when none can: the box widened by half a voxel, projected into the slice's pixel
   * coordinates (least squares; exact for points on the slice), widened by one pixel and clipped.
   */
  pixelWindow(s: number, lo: Vec3, hi: Vec3): { j0: number; j1: number; i0: number; i1: number } | null {
    const [a, b] = [this.di, this.dj];
    // normal equations of [a b]·(u, v) = x - p0
    const aa = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
    const bb = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
    const ab = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    const det = aa * bb - ab * ab;
    if (!(Math.abs(det) > 1e-12)) return { j0: 0, j1: this.rows - 1, i0: 0, i1: this.columns - 1 };
    const p = this.p0;
    let uMin = Infinity;
    let uMax = -Infinity;
    let vMin = Infinity;
    let vMax = -Infinity;
    for (let c = 0; c < 8; c++) {
      const x0 = ((c & 1) === 0 ? lo[0] - 0.5 : hi[0] + 0.5) - (p[3 * s] as number);
      const x1 = ((c & 2) === 0 ? lo[1] - 0.5 : hi[1] + 0.5) - (p[3 * s + 1] as number);
      const x2 = ((c & 4) === 0 ? lo[2] - 0.5 : hi[2] + 0.5) - (p[3 * s + 2] as number);
      const ax = a[0] * x0 + a[1] * x1 + a[2] * x2;
      const bx = b[0] * x0 + b[1] * x1 + b[2] * x2;
      const u = (bb * ax - ab * bx) / det;
      const v = (aa * bx - ab * ax) / det;
      if (u < uMin) uMin = u;
      if (u > uMax) uMax = u;
      if (v < vMin) vMin = v;
      if (v > vMax) vMax = v;
    }
    const i0 = Math.max(0, Math.floor(uMin) - 1);
    const i1 = Math.min(this.columns - 1, Math.ceil(uMax) + 1);
    const j0 = Math.max(0, Math.floor(vMin) - 1);
    const j1 = Math.min(this.rows - 1, Math.ceil(vMax) + 1);
    return i0 > i1 || j0 > j1 ? null : { j0, j1, i0, i1 };
  }
}

export function sampleGridOnSource<T extends Uint8Array | Int32Array>(mask: ArrayLike<number>, grid: VolumeGeometry, source: SourceGeometry, make: (n: number) => T): T {
  const [nx, ny, nz] = grid.dimensions;
  if (mask.length !== nx * ny * nz) {
    throw new SdpmError('GEOMETRY_MISMATCH', `mask has ${mask.length} voxels, grid ${nx}x${ny}x${nz} has ${nx * ny * nz}`);
  }
  const sampler = new SourceSampler(grid, source);
  const { rows, columns } = source;
  const out = make(rows * columns * source.slices.length);
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
  for (let s = 0; s < source.slices.length; s++) {
    const base = s * rows * columns;
    for (let j = 0; j < rows; j++) {
      const k = sampler.rowSlice(s, j);
      if (k !== null && (k < 0 || k >= nz || sliceHas[k] === 0)) continue;
      const outRow = base + j * columns;
      for (let i = 0; i < columns; i++) {
        const g = sampler.voxelAt(s, j, i);
        if (g >= 0) out[outRow + i] = mask[g] as number;
      }
    }
  }
  return out;
}
