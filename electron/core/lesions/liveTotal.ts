/**
 * The total lesion volume of an edited labelmap, bit for bit what measureLesions reports, kept up to date from
 * the voxels an edit changed, so the review app can show the total of a brush stroke at once instead of
 * measuring the whole labelmap (issue 11 item 3).
 *
 * measureLesions reports the grid count x grid voxel volume when there is no usable source geometry, and
 * otherwise sums, source slice by source slice in source order, the source pixels that sample a lesion voxel x
 * that slice's voxel volume (sourceVolumesMl). LiveTotal keeps the same per-source-slice pixel counts: after an
 * edit it re-samples only the source pixels whose sampled voxel can lie in the edit's bounding box
 * (SourceSampler.pixelWindow; the sampling rule itself is SourceSampler.voxelAt, shared with measureLesions and
 * the SEG writer), and sums the counts exactly as sourceVolumesMl does. So a tilted, resampled series (the demo)
 * gets the same number as the report without a full measure.
 */
import type { SourceGeometry, Vec3, VolumeGeometry } from '../dicom/Volume';
import { SourceSampler } from './sourceGrid';
import { sourceVoxelVolumesMm3, volumeMl, voxelVolumeMl } from './voxelVolume';

export class LiveTotal {
  private readonly voxelMl: number;
  private readonly sampler: SourceSampler | null;
  /** lesion (1) or not (0) at each source pixel, frame-major like sampleGridOnSource */
  private readonly shadow: Uint8Array;
  private readonly counts: Int32Array;
  private readonly mlPerVoxel: Float64Array;
  private readonly dims: Vec3;

  constructor(grid: VolumeGeometry, source: SourceGeometry | undefined) {
    this.voxelMl = voxelVolumeMl(grid);
    this.dims = [...grid.dimensions];
    // the same condition as sourceVolumesMl: fewer than 2 source slices -> grid volumes
    const usable = source !== undefined && source.slices.length >= 2;
    this.sampler = usable ? new SourceSampler(grid, source) : null;
    this.shadow = new Uint8Array(usable ? source.rows * source.columns * source.slices.length : 0);
    this.counts = new Int32Array(usable ? source.slices.length : 0);
    this.mlPerVoxel = usable ? Float64Array.from(sourceVoxelVolumesMm3(source), (v) => v / 1000) : new Float64Array(0);
  }

  /** Takes a whole labelmap (model mask, restore): every source pixel re-sampled. */
  replace(mask: ArrayLike<number>): void {
    const [nx, ny, nz] = this.dims;
    this.update(mask, [0, 0, 0], [nx - 1, ny - 1, nz - 1]);
  }

  /** Takes an edit whose changed voxels all lie in the grid box lo..hi (inclusive voxel indices). */
  update(mask: ArrayLike<number>, lo: Vec3, hi: Vec3): void {
    const sm = this.sampler;
    if (sm === null) return;
    const { rows, columns } = sm;
    for (let s = 0; s < sm.nSlices; s++) {
      const w = sm.pixelWindow(s, lo, hi);
      if (w === null) continue;
      let net = 0;
      for (let j = w.j0; j <= w.j1; j++) {
        const row = (s * rows + j) * columns;
        for (let i = w.i0; i <= w.i1; i++) {
          const g = sm.voxelAt(s, j, i);
          const on = g >= 0 && mask[g] !== 0 ? 1 : 0;
          const was = this.shadow[row + i] as number;
          if (on !== was) {
            this.shadow[row + i] = on;
            net += on - was;
          }
        }
      }
      this.counts[s] = (this.counts[s] as number) + net;
    }
  }

  /** The total (mL) as measureLesions reports it; `gridVoxels` is the labelmap's lesion voxel count. */
  totalMl(gridVoxels: number): number {
    if (this.sampler === null) return volumeMl(gridVoxels, this.voxelMl);
    let total = 0;
    for (let s = 0; s < this.counts.length; s++) total += volumeMl(this.counts[s] as number, this.mlPerVoxel[s] as number);
    return total;
  }
}

/** The grid box (inclusive voxel indices) holding every voxel of the runs (start, length pairs of voxel indices). */
export function runsBox(runs: ArrayLike<number>, dims: Vec3): { lo: Vec3; hi: Vec3 } | null {
  const [nx, ny] = dims;
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const take = (v: number) => {
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    if (i < lo[0]) lo[0] = i;
    if (j < lo[1]) lo[1] = j;
    if (k < lo[2]) lo[2] = k;
    if (i > hi[0]) hi[0] = i;
    if (j > hi[1]) hi[1] = j;
    if (k > hi[2]) hi[2] = k;
  };
  for (let n = 0; n + 1 < runs.length; n += 2) {
    const start = runs[n] as number;
    const len = runs[n + 1] as number;
    if (len <= 0) continue;
    const end = start + len - 1;
    // a run can wrap over rows (then it may cover every column) or slices (then every row too)
    if (Math.floor(start / (nx * ny)) !== Math.floor(end / (nx * ny))) {
      take(start - (start % (nx * ny)));
      take(end - (end % (nx * ny)) + nx * ny - 1);
    } else if (Math.floor(start / nx) !== Math.floor(end / nx)) {
      take(start - (start % nx));
      take(end - (end % nx) + nx - 1);
    }
    take(start);
    take(end);
  }
  return lo[0] === Infinity ? null : { lo, hi };
}
