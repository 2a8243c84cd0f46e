/**
 * One review queue for the reader, ranking two kinds of region by the volume at stake (mL):
 *
 * - `over-call`: a lesion of the final mask where the SDPM samples disagree with it. Score = the expected
 *   volume on which a random sample disagrees (Σ over the lesion's voxels of the fraction of samples that call
 *   the voxel background × voxel volume). Large for a doubtful lesion; 0 when every sample agrees.
 * - `possible-miss`: a connected region OUTSIDE the final mask where a minority of samples called lesion, or
 *   the probability is intermediate (≥ `missProbabilityFraction` × threshold, default one half). Score = Σ of
 *   max(fraction of samples positive, probability) × voxel volume: the expected lesion volume the mask leaves out.
 *
 * Regions smaller than `minSizeMl` (reader-set, default 0.05 mL) are not listed one by one: they are counted
 * in `hidden` (number and total size), so a queue of hundreds of 1-voxel specks cannot push real findings down.
 * Sizes are measured like lesion volumes (measureLesions.ts: on the source slices when the grid's source geometry
 * is given, else voxel count × voxel volume), and each score is scaled by the same factor, so a region's mL mean
 * the same thing as a lesion's. Regions are connected with LESION_CONNECTIVITY.
 */
import type { SourceGeometry, Vec3, VolumeGeometry } from '../dicom/Volume';
import { connectedComponents } from './connectedComponents';
import { sourceVolumesMl } from './measureLesions';
import { volumeMl } from './voxelVolume';

export type ReviewKind = 'over-call' | 'possible-miss';

export interface ReviewRegion {
  /** 1 = look here first */
  rank: number;
  kind: ReviewKind;
  /** the lesion's stable ID for an over-call; null for a possible miss */
  lesionId: number | null;
  /** volume at stake (mL), the ranking score */
  scoreMl: number;
  /** region size (mL) */
  sizeMl: number;
  voxelCount: number;
  centroidIjk: Vec3;
  sliceRange: readonly [number, number];
}

export interface ReviewQueue {
  regions: ReviewRegion[];
  /** regions below minSizeMl, not listed */
  hidden: { count: number; sizeMl: number };
  minSizeMl: number;
}

export interface ReviewQueueInput {
  dimensions: Vec3;
  voxelMl: number;
  /** final mask (0/1) and its lesion ID map (lesions/measureLesions.ts) */
  mask: ArrayLike<number>;
  idMap: Int32Array;
  /** published probability (lesions/probabilityMask.ts) and the run's threshold */
  probability: ArrayLike<number>;
  threshold: number;
  /**
   * per voxel: fraction of samples agreeing with the final mask (the engine's agreement map), null without
   * samples (y_avg); the fraction of samples calling a voxel lesion is agreement inside the mask, 1 - agreement outside
   */
  agreement: ArrayLike<number> | null;
  /** the grid with its source geometry: sizes are then measured on the source slices, as lesion volumes */
  grid?: VolumeGeometry & { source?: SourceGeometry };
}

export const DEFAULT_REVIEW_MIN_SIZE_ML = 0.05;

interface Acc {
  n: number;
  score: number;
  si: number;
  sj: number;
  sk: number;
  k0: number;
  k1: number;
}

const acc = (): Acc => ({ n: 0, score: 0, si: 0, sj: 0, sk: 0, k0: Infinity, k1: -1 });

function add(a: Acc, i: number, j: number, k: number, score: number): void {
  a.n++;
  a.score += score;
  a.si += i;
  a.sj += j;
  a.sk += k;
  if (k < a.k0) a.k0 = k;
  if (k > a.k1) a.k1 = k;
}

export function reviewQueue(x: ReviewQueueInput, options: { minSizeMl?: number; missProbabilityFraction?: number } = {}): ReviewQueue {
  const [nx, ny, nz] = x.dimensions;
  const n = nx * ny * nz;
  const minSizeMl = options.minSizeMl ?? DEFAULT_REVIEW_MIN_SIZE_ML;
  const pMiss = (options.missProbabilityFraction ?? 0.5) * x.threshold;
  const ag = x.agreement;
  const frac = (v: number): number => (ag === null ? 0 : x.mask[v] !== 0 ? (ag[v] as number) : 1 - (ag[v] as number));
  // possible misses: outside the mask, some samples positive or intermediate probability
  const missCand = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (x.mask[v] === 0 && (frac(v) > 0 || (x.probability[v] as number) >= pMiss)) missCand[v] = 1;
  const misses = connectedComponents(missCand, x.dimensions);
  const missAcc: Acc[] = Array.from({ length: misses.count }, acc);
  const lesionAcc = new Map<number, Acc>();
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const id = x.idMap[v] as number;
        if (id !== 0) {
          let a = lesionAcc.get(id);
          if (a === undefined) lesionAcc.set(id, (a = acc()));
          add(a, i, j, k, ag === null ? 0 : 1 - frac(v));
          continue;
        }
        const m = misses.labels[v] as number;
        if (m !== 0) add(missAcc[m - 1] as Acc, i, j, k, Math.max(frac(v), x.probability[v] as number));
      }
    }
  }
  const all: Array<Omit<ReviewRegion, 'rank'>> = [];
  // region sizes the way lesion volumes are measured: one ID map (lesions keep their IDs, misses after them)
  const missBase = Math.max(0, ...lesionAcc.keys());
  let onSource: Map<number, number> | null = null;
  if (x.grid?.source !== undefined) {
    const regionIds = new Int32Array(n);
    for (let v = 0; v < n; v++) {
      const id = x.idMap[v] as number;
      const m = misses.labels[v] as number;
      regionIds[v] = id !== 0 ? id : m !== 0 ? missBase + m : 0;
    }
    onSource = sourceVolumesMl(regionIds, x.grid, x.grid.source)?.byId ?? null;
  }
  const region = (kind: ReviewKind, lesionId: number | null, key: number, a: Acc): Omit<ReviewRegion, 'rank'> => {
    const gridMl = volumeMl(a.n, x.voxelMl);
    const sizeMl = onSource === null ? gridMl : (onSource.get(key) ?? 0);
    return {
      kind,
      lesionId,
      scoreMl: gridMl > 0 ? a.score * x.voxelMl * (sizeMl / gridMl) : 0,
      sizeMl,
      voxelCount: a.n,
      centroidIjk: [a.si / a.n, a.sj / a.n, a.sk / a.n],
      sliceRange: [a.k0, a.k1],
    };
  };
  for (const [id, a] of lesionAcc) if (a.score > 0) all.push(region('over-call', id, id, a));
  missAcc.forEach((a, i) => all.push(region('possible-miss', null, missBase + i + 1, a)));
  const { shown, hidden } = regionsAtMinSize(all, minSizeMl);
  shown.sort((a, b) => b.scoreMl - a.scoreMl || (a.kind === b.kind ? 0 : a.kind === 'possible-miss' ? -1 : 1) || a.centroidIjk[2] - b.centroidIjk[2]);
  return { regions: shown.map((r, i) => ({ ...r, rank: i + 1 })), hidden: { count: hidden.length, sizeMl: hidden.reduce((s, r) => s + r.sizeMl, 0) }, minSizeMl };
}

/** The regions a reader-set minimum size lists (size >= minSizeMl); the rest are hidden and counted. */
export function regionsAtMinSize<T extends { sizeMl: number }>(regions: readonly T[], minSizeMl: number): { shown: T[]; hidden: T[] } {
  return { shown: regions.filter((r) => r.sizeMl >= minSizeMl), hidden: regions.filter((r) => r.sizeMl < minSizeMl) };
}
