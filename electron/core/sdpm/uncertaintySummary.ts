/**
 * Volume intervals and "where to look first" scores from the sampling uncertainty (see
 * uncertaintyAccumulator.ts and electron/core/sdpm/README.md).
 *
 * - Sample volume: each sample map is thresholded at `threshold` on the study grid; its voxel count times the
 *   voxel volume is that sample's lesion volume. Total: mean and the 5th-95th percentile (linear interpolation,
 *   as numpy's default) over the samples.
 * - Per lesion (connected component of the final mask, LESION_CONNECTIVITY): the lesion's "region" is the connected
 *   component of (final mask OR any sample positive) that contains it, so a sample that draws the lesion a
 *   little larger or shifted still counts toward it. Sample volumes of the lesion = sample positives in that
 *   region. When several lesions fall in one region, they share its interval (listed in `sharesRegionWith`).
 * - Doubt (mL): sum over voxels of (1 - agreement) × voxel volume, where agreement is the fraction of samples
 *   agreeing with the final mask. It is the expected volume on which a random sample disagrees with the final
 *   mask: large for big, uncertain borders, 0 when every sample agrees. Per lesion it is summed over the lesion's
 *   region; per slice over the slice. Lesions and slices are ranked by it.
 */
import { connectedComponents } from '../lesions/connectedComponents';
import type { Vec3 } from '../dicom/Volume';
import type { UncertaintyAccumulator } from './uncertaintyAccumulator';

export interface VolumeInterval {
  meanMl: number;
  p5Ml: number;
  p95Ml: number;
  /** every sample's volume (mL), in sample order */
  samplesMl: number[];
}

export interface LesionUncertainty {
  /** stable lesion ID (lesions/lesionIds.ts) */
  id: number;
  interval: VolumeInterval;
  doubtMl: number;
  meanEntropyBits: number;
  sharesRegionWith: number[];
  /** 1 = look here first */
  rank: number;
}

export interface SliceUncertainty {
  k: number;
  doubtMl: number;
  rank: number;
}

export interface UncertaintySummary {
  nSamples: number;
  total: VolumeInterval;
  lesions: LesionUncertainty[];
  /** slices with any doubt, ranked (most doubt first) */
  slices: SliceUncertainty[];
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (pos - lo);
}

export function interval(samplesMl: number[]): VolumeInterval {
  const s = [...samplesMl].sort((a, b) => a - b);
  return { meanMl: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p5Ml: percentile(s, 0.05), p95Ml: percentile(s, 0.95), samplesMl };
}

export function summarizeUncertainty(acc: UncertaintyAccumulator, finalMask: Uint8Array, idMap: Int32Array, lesionIds: readonly number[], dimensions: Vec3, voxelMl: number): UncertaintySummary {
  const N = acc.nSamples;
  const nvox = finalMask.length;
  const support = new Uint8Array(nvox);
  for (let i = 0; i < nvox; i++) support[i] = finalMask[i] !== 0 || (acc.positives[i] ?? 0) > 0 ? 1 : 0;
  const regions = connectedComponents(support, dimensions);
  const R = regions.count;
  const lesionRegion = new Map<number, number>();
  for (let i = 0; i < nvox; i++) {
    const l = idMap[i] ?? 0;
    if (l > 0) lesionRegion.set(l, regions.labels[i] ?? 0);
  }
  const regionSampleVox: number[][] = Array.from({ length: R + 1 }, () => new Array<number>(N).fill(0));
  const totalSampleMl: number[] = [];
  for (let n = 0; n < N; n++) {
    const pos = acc.samplePositives(n);
    totalSampleMl.push(pos.length * voxelMl);
    for (const v of pos) {
      const r = regions.labels[v] ?? 0;
      const row = regionSampleVox[r] as number[];
      row[n] = (row[n] ?? 0) + 1;
    }
  }
  const regionDoubt = new Float64Array(R + 1);
  const regionEntropy = new Float64Array(R + 1);
  const regionSize = new Float64Array(R + 1);
  const sliceDoubt = new Float64Array(dimensions[2]);
  const sliceSize = dimensions[0] * dimensions[1];
  for (let i = 0; i < nvox; i++) {
    if (support[i] === 0) continue;
    const c = (acc.positives[i] ?? 0) / N;
    const doubt = (finalMask[i] !== 0 ? 1 - c : c) * voxelMl;
    const r = regions.labels[i] ?? 0;
    regionDoubt[r] = (regionDoubt[r] ?? 0) + doubt;
    regionEntropy[r] = (regionEntropy[r] ?? 0) + (acc.entropyBits[i] ?? 0);
    regionSize[r] = (regionSize[r] ?? 0) + 1;
    const k = Math.floor(i / sliceSize);
    sliceDoubt[k] = (sliceDoubt[k] ?? 0) + doubt;
  }
  const lesions: LesionUncertainty[] = [];
  for (const l of lesionIds) {
    const r = lesionRegion.get(l) ?? 0;
    const shares: number[] = [];
    for (const o of lesionIds) if (o !== l && lesionRegion.get(o) === r) shares.push(o);
    lesions.push({
      id: l,
      interval: interval((regionSampleVox[r] ?? []).map((v) => v * voxelMl)),
      doubtMl: regionDoubt[r] ?? 0,
      meanEntropyBits: (regionEntropy[r] ?? 0) / Math.max(1, regionSize[r] ?? 0),
      sharesRegionWith: shares,
      rank: 0,
    });
  }
  [...lesions].sort((a, b) => b.doubtMl - a.doubtMl || a.id - b.id).forEach((x, i) => (x.rank = i + 1));
  const slices: SliceUncertainty[] = [];
  sliceDoubt.forEach((d, k) => {
    if (d > 0) slices.push({ k, doubtMl: d, rank: 0 });
  });
  slices.sort((a, b) => b.doubtMl - a.doubtMl || a.k - b.k).forEach((x, i) => (x.rank = i + 1));
  return { nSamples: N, total: interval(totalSampleMl), lesions, slices };
}
