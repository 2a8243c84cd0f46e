/**
 * SDPM on a whole CT volume: preprocess every axial slice to the model grid, skip slices with no tissue
 * (m all zero; recorded), run y_avg over all slices first (fast; streamed as a partial result), then the
 * sampled modes slice-stack by slice-stack (memory bounded by the stack, not the study), map every map back to
 * the study grid (the loader's Volume grid), accumulate the sampling uncertainty, and finish with lesions,
 * volumes and intervals.
 *
 * Cancellation is checked before every network call (SdpmError CANCELLED); progress is reported after every
 * call in network images (done / total) with an ETA from the running rate.
 */
import type { Bundle } from '../bundle/Bundle';
import type { Volume } from '../dicom/Volume';
import { SdpmError } from '../errors';
import type { Logger } from '../logger';
import type { CallTicker } from '../sdpm/CallTicker';
import { finishMode, type ModeMaps } from '../sdpm/combineModes';
import { inferChain } from '../sdpm/inferChain';
import { type NoiseSource, SeededNoise } from '../sdpm/NoiseSource';
import type { ResolvedSettings } from '../sdpm/resolveSettings';
import { runYAvg } from '../sdpm/runYAvg';
import { salPlan } from '../sdpm/salPlan';
import { callsPerSlice, modesNeeded, sampleSlices, type SdpmMode, type SliceModes } from '../sdpm/sampleSlices';
import type { SdpmNetwork } from '../sdpm/SdpmNetwork';
import type { SliceInput } from '../sdpm/SliceInput';
import { UncertaintyAccumulator } from '../sdpm/uncertaintyAccumulator';
import { summarizeUncertainty, type UncertaintySummary } from '../sdpm/uncertaintySummary';
import { measureLesions, type Lesion } from '../lesions/measureLesions';
import { applyPlausibility, maskWithout, type DropReason, type PlausibilityRules } from '../lesions/plausibility';
import { capOutside, publishProbability } from '../lesions/probabilityMask';
import { volumeMl, voxelVolumeMl as gridVoxelVolumeMl } from '../lesions/voxelVolume';
import { gateModeMaps, gateSliceModes, type GateRecord } from './gateSliceModes';
import { intracranialGate } from './intracranialGate';
import { sampleStacks } from './sampleStacks';
import { preprocessSlice, ToStudySlice } from './sliceResampling';
import { studyMask } from './studyMask';

export interface PredictProgress {
  phase: 'avg' | 'sampling' | 'finishing';
  doneImages: number;
  totalImages: number;
  slicesDone: number;
  slicesTotal: number;
  elapsedMs: number;
  /** null until a rate is known */
  etaMs: number | null;
}

export interface PartialPrediction {
  mode: 'avg';
  dimensions: readonly [number, number, number];
  probability: Float32Array;
  mask: Uint8Array;
  totalVolumeMl: number;
}

export interface PredictOptions {
  mode: SdpmMode;
  resolved: ResolvedSettings;
  seed: number;
  /** default: SeededNoise(seed) */
  noise?: NoiseSource;
  /** images per network call */
  batchSize: number;
  /** slices sampled together (bounds memory) */
  stackSize: number;
  log: Logger;
  isCancelled?: () => boolean;
  onProgress?: (p: PredictProgress) => void;
  onPartial?: (p: PartialPrediction) => void;
  /** false: do not apply the bundle's intracranial gate (research; --no-intracranial-gate). Default true. */
  intracranialGate?: boolean;
  /**
   * more networks to sample slice stacks on at the same time as `net` (e.g. one CPU session per core in worker
   * threads, WorkerNetwork.ts); results are identical with or without them (sampleStacks.ts)
   */
  lanes?: readonly SdpmNetwork[];
  /** false: do not apply the bundle's plausibility rules (research; --no-plausibility). Default true. */
  plausibility?: boolean;
}

export interface VolumePrediction {
  dimensions: readonly [number, number, number];
  /**
   * final probability on the study grid (mode p; y_all union: pixelwise max of the three modes), as published
   * (lesions/probabilityMask.ts): voxels post-processing removed are capped at the threshold, so
   * maskFromProbability(probability, threshold) === mask
   */
  probability: Float32Array;
  mask: Uint8Array;
  uncertainty: { entropyBits: Float32Array; std: Float32Array; agreement: Float32Array; summary: UncertaintySummary } | null;
  /** why there is no uncertainty (y_avg only) */
  uncertaintyNote: string | null;
  lesions: Lesion[];
  /** voxel -> lesion ID of the kept lesions (final mask) */
  idMap: Int32Array;
  /** voxel -> lesion ID of every candidate before the plausibility rules (kept and dropped share IDs) */
  candidateIdMap: Int32Array;
  /**
   * flat voxel indices of the dropped candidates: mask | droppedVoxels is the candidate mask, whose labelling
   * (measureLesions, no reference) gives exactly the candidate IDs, so a host can rebuild candidateIdMap cheaply
   */
  droppedVoxels: Int32Array;
  /** candidates the plausibility rules dropped (engine post-processing, not SDPM), with the rule and value */
  dropped: Array<{ lesion: Lesion; reason: DropReason; boneFraction: number | null }>;
  plausibilityRules: PlausibilityRules | null;
  /** per candidate ID: fraction of its surface touching bone (when the boneContact rule is on) */
  boneFraction: Map<number, number>;
  totalVolumeMl: number;
  /** the threshold the mask was made at (maskFromProbability(probability, threshold) === mask) */
  threshold: number;
  voxelVolumeMl: number;
  skippedSlices: number[];
  /** the intracranial gate (engine post-processing, not SDPM): settings used and each slice's rule */
  intracranialGate: GateRecord;
  networkImages: number;
  timingsMs: { preprocess: number; avg: number; sampling: number; finishing: number; total: number };
}

export async function predictVolume(volume: Volume, bundle: Bundle, net: SdpmNetwork, o: PredictOptions): Promise<VolumePrediction> {
  const t0 = performance.now();
  const [nx, ny, nz] = volume.dimensions;
  const S = bundle.preprocessing.imageSize;
  if (net.imageSize !== S) throw new SdpmError('BUNDLE_INVALID', `network input is ${net.imageSize}² but preprocessing.json says ${S}`);
  const settings = o.resolved.settings;
  const threshold = settings.threshold;
  const noise = o.noise ?? new SeededNoise(o.seed);
  const need = modesNeeded(o.mode, settings);
  const plan = need.sal ? salPlan(settings.ySal) : null;
  const chain = need.infer ? inferChain(bundle.schedule, settings.yInfer) : null;
  const usedSalT = plan === null ? 0 : Array.from(plan.timesteps).filter((t, i) => t === 0 || (plan.weights[i] ?? 0) !== 0).length;
  const perSlice = callsPerSlice(o.mode, settings, usedSalT, chain?.callsPerSample ?? 0);

  // preprocess
  const slices: SliceInput[] = [];
  const skippedSlices: number[] = [];
  // intracranial gate (engine post-processing, not SDPM): per slice on the model grid, from the resized HU;
  // null = this slice is not gated (fallback rule or gate off)
  const gateCfg = o.intracranialGate === false ? undefined : bundle.preprocessing.intracranialGate;
  const gateRec: GateRecord = { enabled: gateCfg !== undefined, turnedOffByRequest: o.intracranialGate === false && bundle.preprocessing.intracranialGate !== undefined, settings: gateCfg ?? null, rules: new Array<null>(nz).fill(null), removedModelPixels: 0 };
  const gates = new Map<number, Uint8Array>();
  for (let k = 0; k < nz; k++) {
    const r = preprocessSlice(volume.voxels, nx, ny, k, bundle.preprocessing);
    if (r.tissue) {
      slices.push({ sliceIndex: k, x0n: r.x0n, m: r.m });
      if (gateCfg !== undefined) {
        const g = intracranialGate(r.hu, S, gateCfg);
        gateRec.rules[k] = g.rule;
        if (g.rule === 'enclosed' || g.rule === 'skull-hull') gates.set(k, g.gate);
      }
    } else skippedSlices.push(k);
  }
  if (skippedSlices.length > 0) o.log.info('slices without tissue skipped', { count: skippedSlices.length, slices: skippedSlices });
  if (gateCfg !== undefined) o.log.info('intracranial gate', { gatedSlices: gates.size, ungatedSlices: slices.length - gates.size });
  const tPre = performance.now();

  const totalImages = slices.length * perSlice;
  let doneImages = 0;
  let slicesDone = 0;
  let phase: PredictProgress['phase'] = 'avg';
  const report = (): void => {
    const elapsedMs = performance.now() - t0;
    const rate = doneImages > 0 ? (performance.now() - tPre) / doneImages : null;
    o.onProgress?.({ phase, doneImages, totalImages, slicesDone, slicesTotal: slices.length, elapsedMs, etaMs: rate === null ? null : rate * (totalImages - doneImages) });
  };
  // onnxruntime's run blocks the event loop, so a cancel *message* could never be read between calls without a
  // yield: give the loop a turn at most every 50 ms (a shared-memory flag needs none, but a utilityProcess has none)
  let lastYield = performance.now();
  const ticker: CallTicker = {
    batchSize: o.batchSize,
    beforeCall: async () => {
      if (performance.now() - lastYield > 50) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      if (o.isCancelled?.() === true) throw new SdpmError('CANCELLED', 'inference cancelled');
    },
    afterCall: (n) => {
      doneImages += n;
      report();
    },
  };

  const nvox = nx * ny * nz;
  const sliceSize = nx * ny;
  const mapper = new ToStudySlice(S, nx, ny);
  const nearest = mapper.nearestModelIndex();
  const gateFor = (m: ModeMaps) => (settings.despeckle.enabled ? { modelMask: m.mask, S, nearest } : null);
  const pStudy = new Float32Array(sliceSize);
  const voxelVolumeMl = gridVoxelVolumeMl(volume);

  // y_avg first (paper variant: one clean call per slice)
  const avgP = new Map<number, Float32Array>();
  if (need.avg && settings.yAvg.variant === 'single') {
    const ps = await runYAvg(slices, net, ticker);
    slices.forEach((s, i) => avgP.set(s.sliceIndex, ps[i] as Float32Array));
    if (o.onPartial !== undefined && o.mode !== 'avg') {
      const probability = new Float32Array(nvox);
      const mask = new Uint8Array(nvox);
      for (const s of slices) {
        const m = gateModeMaps(finishMode(avgP.get(s.sliceIndex) as Float32Array, S, settings), gates.get(s.sliceIndex) ?? null);
        mapper.map(m.p, pStudy);
        const sm = studyMask(pStudy, threshold, gateFor(m));
        probability.set(publishProbability(pStudy, sm, threshold), s.sliceIndex * sliceSize);
        mask.set(sm, s.sliceIndex * sliceSize);
      }
      let count = 0;
      for (let i = 0; i < nvox; i++) count += mask[i] ?? 0;
      o.onPartial({ mode: 'avg', dimensions: [nx, ny, nz], probability, mask, totalVolumeMl: volumeMl(count, voxelVolumeMl) });
    }
  }
  const tAvg = performance.now();

  // sampled modes, stack by stack
  phase = 'sampling';
  const probability = new Float32Array(nvox);
  const mask = new Uint8Array(nvox);
  const nSamples = (o.mode === 'sal' || o.mode === 'all' ? settings.ySal.nSamples : 0) + (o.mode === 'infer' || o.mode === 'all' ? settings.yInfer.nSamples : 0);
  const acc = nSamples > 0 ? new UncertaintyAccumulator(nx, ny, nz, nSamples, threshold) : null;
  const stack = Math.max(1, o.stackSize);
  const sampleStack = (part: SliceInput[], laneNet: SdpmNetwork): Promise<SliceModes[]> => sampleSlices(part, laneNet, bundle.schedule, settings, o.mode, noise, ticker, { avgP: part.map((s) => avgP.get(s.sliceIndex) ?? new Float32Array(0)) });
  for await (const raw of sampleStacks(slices, stack, [net, ...(o.lanes ?? [])], sampleStack)) {
    for (const r0 of raw) {
      // the gate applies to the finished (thresholded + despeckled) model-grid masks, the p maps and the samples
      const r = gateSliceModes(r0, gates.get(r0.sliceIndex) ?? null);
      const before = o.mode === 'all' ? r0.all : r0[o.mode];
      const after = o.mode === 'all' ? r.all : r[o.mode];
      if (before !== undefined && after !== undefined && before !== after) for (let i = 0; i < before.mask.length; i++) gateRec.removedModelPixels += (before.mask[i] ?? 0) - (after.mask[i] ?? 0);
      const off = r.sliceIndex * sliceSize;
      const final = o.mode === 'all' ? r.all : r[o.mode];
      if (final === undefined) throw new SdpmError('INTERNAL', `mode ${o.mode} produced no map for slice ${r.sliceIndex}`);
      let m: Uint8Array;
      if (o.mode === 'all' && settings.yAll === 'union') {
        m = new Uint8Array(sliceSize);
        const pMax = new Float32Array(sliceSize);
        for (const mm of [r.avg, r.sal, r.infer]) {
          if (mm === undefined) continue;
          mapper.map(mm.p, pStudy);
          const sm = studyMask(pStudy, threshold, gateFor(mm));
          for (let i = 0; i < sliceSize; i++) {
            m[i] = (m[i] ?? 0) | (sm[i] ?? 0);
            pMax[i] = Math.max(pMax[i] ?? 0, pStudy[i] ?? 0);
          }
        }
        probability.set(publishProbability(pMax, m, threshold), off);
      } else {
        mapper.map(final.p, pStudy);
        m = studyMask(pStudy, threshold, gateFor(final));
        probability.set(publishProbability(pStudy, m, threshold), off);
      }
      mask.set(m, off);
      if (acc !== null) acc.addSlice(r.sliceIndex, [...(o.mode === 'infer' ? [] : r.salSamples), ...(o.mode === 'sal' ? [] : r.inferSamples)], mapper);
      slicesDone++;
    }
    report();
  }
  const tSample = performance.now();

  phase = 'finishing';
  // plausibility rules (engine post-processing, not SDPM): dropped candidates leave the mask and are reported
  const all = measureLesions(mask, volume, { hu: volume.voxels });
  const rules = o.plausibility === false ? null : bundle.postprocessing.plausibility;
  const plaus = applyPlausibility(all.lesions, all.idMap, volume.voxels, volume.dimensions, rules);
  const droppedIds = plaus.dropped.map((d) => d.id);
  const finalMask = droppedIds.length === 0 ? mask : maskWithout(mask, all.idMap, droppedIds);
  if (droppedIds.length > 0) capOutside(probability, finalMask, threshold);
  const lm = droppedIds.length === 0 ? all : measureLesions(finalMask, volume, { hu: volume.voxels, reference: all.idMap });
  const droppedVoxels = droppedVoxelIndices(mask, finalMask);
  const byId = new Map(all.lesions.map((l) => [l.id, l]));
  const dropped = plaus.dropped.map((d) => ({ lesion: byId.get(d.id) as Lesion, reason: d.reason, boneFraction: plaus.boneFraction.get(d.id) ?? null }));
  let uncertainty: VolumePrediction['uncertainty'] = null;
  if (acc !== null) {
    const summary = summarizeUncertainty(acc, finalMask, lm.idMap, lm.lesions.map((l) => l.id), volume.dimensions, voxelVolumeMl);
    uncertainty = { entropyBits: acc.entropyBits, std: acc.std, agreement: acc.agreement(finalMask), summary };
  }
  const tEnd = performance.now();
  report();
  return {
    dimensions: [nx, ny, nz],
    probability,
    mask: finalMask,
    candidateIdMap: all.idMap,
    droppedVoxels,
    idMap: lm.idMap,
    dropped,
    plausibilityRules: rules,
    boneFraction: plaus.boneFraction,
    uncertainty,
    uncertaintyNote: acc === null ? 'y_avg is a single deterministic network call: it has no samples, so no sampling uncertainty' : null,
    lesions: lm.lesions,
    totalVolumeMl: lm.totalVolumeMl,
    threshold,
    voxelVolumeMl,
    skippedSlices,
    intracranialGate: gateRec,
    networkImages: doneImages,
    timingsMs: { preprocess: tPre - t0, avg: tAvg - tPre, sampling: tSample - tAvg, finishing: tEnd - tSample, total: tEnd - t0 },
  };
}

function droppedVoxelIndices(before: Uint8Array, after: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== 0 && after[i] === 0) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== 0 && after[i] === 0) out[n++] = i;
  return out;
}
