/**
 * Per-lesion measurements of a binary mask on the loader's grid: lesions are the connected components
 * (LESION_CONNECTIVITY), each with its stable ID (lesionIds.ts), volume, centroid (ijk and LPS mm), slice range,
 * bounding box, HU statistics (when the CT voxels are given) and ABC/2.
 *
 * Volume, the one definition: the lesion's volume ON THE SOURCE SLICES AS ACQUIRED, i.e. exactly the voxels a
 * DICOM SEG of it holds (sourceGrid.ts, the SEG writer's own sampling) times each source slice's voxel volume
 * (voxelVolume.ts sourceVoxelVolumesMm3). For a series the loader did not resample (no tilt, regular gaps) this
 * is grid voxel count × voxelVolumeMl. Without source geometry (or with one source slice) it is grid count ×
 * voxelVolumeMl. The total is computed the same way over the whole mask (not as a sum of rounded lesion volumes).
 *
 * Lesions are listed by ID. Without a reference, ID = rank by decreasing volume (1 = largest).
 */
import { SdpmError } from '../errors';
import { ijkToLps, type Vec3, type VolumeGeometry } from '../dicom/Volume';
import { abcOver2, type AbcOver2 } from '../volumetry/abcOver2';
import { connectedComponents } from './connectedComponents';
import { assignLesionIds, idMapFrom } from './lesionIds';
import { sampleGridOnSource } from './sourceGrid';
import { sourceVoxelVolumesMm3, volumeMl, voxelVolumeMl, voxelVolumeMm3 } from './voxelVolume';
import type { SourceGeometry } from '../dicom/Volume';

export interface Lesion {
  /** Stable lesion ID (lesionIds.ts). */
  id: number;
  /** voxels on the loader's grid */
  voxelCount: number;
  /** volume on the source slices (see file comment) */
  volumeMl: number;
  centroidLps: Vec3;
  centroidIjk: Vec3;
  /** First and last k index with lesion voxels (inclusive). */
  sliceRange: readonly [number, number];
  bboxIjk: { min: Vec3; max: Vec3 };
  /** Mean, min and max HU of the lesion voxels; null when no CT voxels were given. */
  meanHu: number | null;
  minHu: number | null;
  maxHu: number | null;
  abc2: AbcOver2;
}

export interface MeasureLesionsOptions {
  /** CT voxels (HU) on the same grid, for HU statistics. */
  hu?: ArrayLike<number>;
  /** Previous ID map (voxel -> ID) on the same grid: IDs follow the lesions it held (lesionIds.ts). */
  reference?: Int32Array | null;
  /** Smallest ID a new lesion may take (see assignLesionIds). */
  firstFreeId?: number;
}

export interface LesionMeasurements {
  lesions: Lesion[];
  /** mask voxel count × voxel volume (mL) */
  totalVolumeMl: number;
  totalVoxelCount: number;
  /** Voxel -> lesion ID (0 = background) on the grid. */
  idMap: Int32Array;
  voxelVolumeMm3: number;
  voxelVolumeMl: number;
  /** true when volumes were measured on the source slices (tilted or resampled series included) */
  volumesOnSourceSlices: boolean;
}

/** Per-ID volume (mL) on the source slices, plus the total; null when there is no usable source geometry. */
export function sourceVolumesMl(idMap: Int32Array, grid: VolumeGeometry, source: SourceGeometry | undefined): { byId: Map<number, number>; totalMl: number } | null {
  if (source === undefined || source.slices.length < 2) return null;
  const ids = sampleGridOnSource(idMap, grid, source, (n) => new Int32Array(n));
  const perSlice = source.rows * source.columns;
  const vox = sourceVoxelVolumesMm3(source);
  const byId = new Map<number, number>();
  let total = 0;
  for (let k = 0; k < vox.length; k++) {
    const counts = new Map<number, number>();
    let all = 0;
    for (let p = k * perSlice; p < (k + 1) * perSlice; p++) {
      const id = ids[p] as number;
      if (id === 0) continue;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      all++;
    }
    const v = (vox[k] as number) / 1000;
    for (const [id, c] of counts) byId.set(id, (byId.get(id) ?? 0) + volumeMl(c, v));
    total += volumeMl(all, v);
  }
  return { byId, totalMl: total };
}

export function measureLesions(mask: ArrayLike<number>, geometry: VolumeGeometry & { source?: SourceGeometry }, options: MeasureLesionsOptions = {}): LesionMeasurements {
  const [nx, ny, nz] = geometry.dimensions;
  const voxelMl = voxelVolumeMl(geometry);
  if (options.hu !== undefined && options.hu.length !== nx * ny * nz) {
    throw new SdpmError('GEOMETRY_MISMATCH', `HU array has ${options.hu.length} voxels, mask grid has ${nx * ny * nz}`);
  }
  const cc = connectedComponents(mask, geometry.dimensions);
  const n = cc.count;
  const ids = assignLesionIds(cc.labels, n, options.reference ?? null, options.firstFreeId);
  const sum = new Float64Array(n * 3);
  const huSum = new Float64Array(n);
  const huMin = new Float64Array(n).fill(Infinity);
  const huMax = new Float64Array(n).fill(-Infinity);
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
        if (hu !== undefined) {
          const h = hu[row + i] as number;
          huSum[l - 1] = (huSum[l - 1] as number) + h;
          if (h < (huMin[l - 1] as number)) huMin[l - 1] = h;
          if (h > (huMax[l - 1] as number)) huMax[l - 1] = h;
        }
      }
    }
  }
  const lesions: Lesion[] = [];
  let total = 0;
  for (let l = 1; l <= n; l++) {
    const count = cc.sizesVoxels[l - 1] as number;
    total += count;
    const b = (l - 1) * 3;
    const ci: Vec3 = [(sum[b] as number) / count, (sum[b + 1] as number) / count, (sum[b + 2] as number) / count];
    lesions.push({
      id: ids[l - 1] as number,
      voxelCount: count,
      volumeMl: volumeMl(count, voxelMl),
      centroidIjk: ci,
      centroidLps: ijkToLps(geometry, ci[0], ci[1], ci[2]),
      sliceRange: [minB[b + 2] as number, maxB[b + 2] as number],
      bboxIjk: {
        min: [minB[b] as number, minB[b + 1] as number, minB[b + 2] as number],
        max: [maxB[b] as number, maxB[b + 1] as number, maxB[b + 2] as number],
      },
      meanHu: hu === undefined ? null : (huSum[l - 1] as number) / count,
      minHu: hu === undefined ? null : (huMin[l - 1] as number),
      maxHu: hu === undefined ? null : (huMax[l - 1] as number),
      abc2: abcOver2(cc.labels, l, geometry.dimensions, geometry.spacingMm, areas[l - 1]),
    });
  }
  lesions.sort((a, b) => a.id - b.id);
  const idMap = idMapFrom(cc.labels, ids);
  const onSource = sourceVolumesMl(idMap, geometry, geometry.source);
  if (onSource !== null) for (const l of lesions) l.volumeMl = onSource.byId.get(l.id) ?? 0;
  return {
    lesions,
    totalVolumeMl: onSource?.totalMl ?? volumeMl(total, voxelMl),
    volumesOnSourceSlices: onSource !== null,
    totalVoxelCount: total,
    idMap,
    voxelVolumeMm3: voxelVolumeMm3(geometry),
    voxelVolumeMl: voxelMl,
  };
}

/**
 * The engine's candidate ID map rebuilt from its final mask and the dropped candidates' voxels (the worker sends
 * those instead of a volume of IDs): the engine labelled exactly this candidate mask with no reference, so the
 * same labelling gives the same IDs. Used as `reference` so the app's lesions keep the engine's IDs.
 */
export function candidateIdMap(finalMask: ArrayLike<number>, droppedVoxels: ArrayLike<number>, dimensions: Vec3): Int32Array {
  const candidate = Uint8Array.from(finalMask, (v) => (v !== 0 ? 1 : 0));
  for (let i = 0; i < droppedVoxels.length; i++) candidate[droppedVoxels[i] as number] = 1;
  const cc = connectedComponents(candidate, dimensions);
  return idMapFrom(cc.labels, assignLesionIds(cc.labels, cc.count, null));
}

/** One lesion's voxels as a 0/1 mask (for a SEG segment). */
export function lesionMask(idMap: Int32Array, id: number): Uint8Array {
  const out = new Uint8Array(idMap.length);
  for (let i = 0; i < idMap.length; i++) if (idMap[i] === id) out[i] = 1;
  return out;
}
