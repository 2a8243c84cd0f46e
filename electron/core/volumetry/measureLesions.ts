/**
 * Per-lesion measurements of a binary mask on the loader's grid: 3-D connected components, then for
 * each component its volume (mL, from the true voxel volume, see maskVolume.ts), centroid (LPS mm),
 * slice range and bounding box (voxel indices), mean HU (when the CT voxels are given) and ABC/2.
 *
 * Lesions are numbered 1..n by decreasing volume (connectedComponents' order).
 */
import { SdpmError } from '../errors';
import { ijkToLps, type Vec3, type VolumeGeometry } from '../dicom/Volume';
import { abcOver2, type AbcOver2 } from './abcOver2';
import { connectedComponents, type Connectivity } from './connectedComponents';
import { gridVoxelVolumeMm3 } from './maskVolume';

export interface Lesion {
  /** 1-based, largest first. */
  label: number;
  voxelCount: number;
  volumeMl: number;
  centroidLps: Vec3;
  centroidIjk: Vec3;
  /** First and last k index with lesion voxels (inclusive). */
  sliceRange: readonly [number, number];
  bboxIjk: { min: Vec3; max: Vec3 };
  /** Mean HU of the lesion voxels; null when no CT voxels were given. */
  meanHu: number | null;
  abc2: AbcOver2;
}

export interface MeasureLesionsOptions {
  connectivity?: Connectivity;
  /** Components smaller than this (mL) are not lesions. Default 0 (keep all). */
  minVolumeMl?: number;
  /** CT voxels (HU) on the same grid, for mean HU. */
  hu?: ArrayLike<number>;
}

export interface LesionMeasurements {
  lesions: Lesion[];
  /** Sum of the kept lesions' volumes (mL). */
  totalVolumeMl: number;
  /** Components dropped by minVolumeMl. */
  removedCount: number;
  /** Component labels (0 = background) on the grid; useful for overlays. */
  labels: Int32Array;
  voxelVolumeMm3: number;
}

export function measureLesions(mask: ArrayLike<number>, geometry: VolumeGeometry, options: MeasureLesionsOptions = {}): LesionMeasurements {
  const [nx, ny, nz] = geometry.dimensions;
  const voxelVolumeMm3 = gridVoxelVolumeMm3(geometry);
  const minSizeVoxels = Math.max(1, Math.ceil(((options.minVolumeMl ?? 0) * 1000) / voxelVolumeMm3 - 1e-9));
  if (options.hu !== undefined && options.hu.length !== nx * ny * nz) {
    throw new SdpmError('GEOMETRY_MISMATCH', `HU array has ${options.hu.length} voxels, mask grid has ${nx * ny * nz}`);
  }
  const cc = connectedComponents(mask, geometry.dimensions, { connectivity: options.connectivity ?? 26, minSizeVoxels });
  const n = cc.count;
  const sum = new Float64Array(n * 3);
  const huSum = new Float64Array(n);
  const minB = new Int32Array(n * 3).fill(2 ** 30);
  const maxB = new Int32Array(n * 3).fill(-1);
  const areas: Float64Array[] = Array.from({ length: n }, () => new Float64Array(nz));
  const hu = options.hu;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const l = cc.labels[row + i] as number;
        if (l === 0) continue;
        const b = (l - 1) * 3;
        sum[b] = (sum[b] as number) + i;
        sum[b + 1] = (sum[b + 1] as number) + j;
        sum[b + 2] = (sum[b + 2] as number) + k;
        if (i < (minB[b] as number)) minB[b] = i;
        if (j < (minB[b + 1] as number)) minB[b + 1] = j;
        if (k < (minB[b + 2] as number)) minB[b + 2] = k;
        if (i > (maxB[b] as number)) maxB[b] = i;
        if (j > (maxB[b + 1] as number)) maxB[b + 1] = j;
        if (k > (maxB[b + 2] as number)) maxB[b + 2] = k;
        const area = areas[l - 1] as Float64Array;
        area[k] = (area[k] as number) + 1;
        if (hu !== undefined) huSum[l - 1] = (huSum[l - 1] as number) + (hu[row + i] as number);
      }
    }
  }
  const lesions: Lesion[] = [];
  for (let l = 1; l <= n; l++) {
    const count = cc.sizesVoxels[l - 1] as number;
    const b = (l - 1) * 3;
    const ci: Vec3 = [(sum[b] as number) / count, (sum[b + 1] as number) / count, (sum[b + 2] as number) / count];
    lesions.push({
      label: l,
      voxelCount: count,
      volumeMl: (count * voxelVolumeMm3) / 1000,
      centroidIjk: ci,
      centroidLps: ijkToLps(geometry, ci[0], ci[1], ci[2]),
      sliceRange: [minB[b + 2] as number, maxB[b + 2] as number],
      bboxIjk: {
        min: [minB[b] as number, minB[b + 1] as number, minB[b + 2] as number],
        max: [maxB[b] as number, maxB[b + 1] as number, maxB[b + 2] as number],
      },
      meanHu: hu === undefined ? null : (huSum[l - 1] as number) / count,
      abc2: abcOver2(cc.labels, l, geometry.dimensions, geometry.spacingMm, areas[l - 1]),
    });
  }
  return {
    lesions,
    totalVolumeMl: lesions.reduce((s, x) => s + x.volumeMl, 0),
    removedCount: cc.removedCount,
    labels: cc.labels,
    voxelVolumeMm3,
  };
}
