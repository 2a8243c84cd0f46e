/**
 * Runs the requested SDPM modes on a stack of preprocessed slices (model grid) and finishes them
 * (threshold, despeckle, y_all). This is the per-slice maths of SDPM-SPEC §3.4; volume handling
 * (preprocessing, slice stacks, the study grid) lives in electron/core/inference.
 */
import type { SamplerPreset } from '../bundle/SamplerConfig';
import type { Schedule } from '../bundle/Schedule';
import type { CallTicker } from './CallTicker';
import { combineAll, finishMode, type ModeMaps } from './combineModes';
import type { NoiseSource } from './NoiseSource';
import { runYAvg } from './runYAvg';
import { runYInfer } from './runYInfer';
import { runYSal } from './runYSal';
import type { SdpmNetwork } from './SdpmNetwork';
import type { SliceInput } from './SliceInput';

export type SdpmMode = 'avg' | 'sal' | 'infer' | 'all';

export interface SliceModes {
  sliceIndex: number;
  avg?: ModeMaps;
  sal?: ModeMaps;
  infer?: ModeMaps;
  all?: ModeMaps;
  /** per-sample maps of the sampled modes run (y_sal q_n, then y_infer chain outputs); for uncertainty */
  salSamples: Float32Array[];
  inferSamples: Float32Array[];
}

export function modesNeeded(mode: SdpmMode, s: SamplerPreset): { avg: boolean; sal: boolean; infer: boolean } {
  const avg = mode === 'avg' || mode === 'all';
  return { avg, sal: mode === 'sal' || mode === 'all' || (avg && s.yAvg.variant === 'code-mean'), infer: mode === 'infer' || mode === 'all' };
}

/** Network images one slice costs in a mode (for progress and ETA). */
export function callsPerSlice(mode: SdpmMode, s: SamplerPreset, salUsedT: number, inferCallsPerSample: number): number {
  const need = modesNeeded(mode, s);
  return (need.avg && s.yAvg.variant === 'single' ? 1 : 0) + (need.sal ? s.ySal.nSamples * salUsedT : 0) + (need.infer ? s.yInfer.nSamples * inferCallsPerSample : 0);
}

export async function sampleSlices(
  slices: readonly SliceInput[],
  net: SdpmNetwork,
  sched: Schedule,
  settings: SamplerPreset,
  mode: SdpmMode,
  noise: NoiseSource,
  ticker: CallTicker,
  opts: { avgP?: readonly Float32Array[] } = {},
): Promise<SliceModes[]> {
  const S = net.imageSize;
  const need = modesNeeded(mode, settings);
  const out: SliceModes[] = slices.map((s) => ({ sliceIndex: s.sliceIndex, salSamples: [], inferSamples: [] }));
  if (need.sal) {
    const r = await runYSal(slices, net, sched, settings.ySal, noise, ticker);
    r.forEach((x, i) => {
      const o = out[i] as SliceModes;
      if (mode === 'sal' || mode === 'all') o.sal = finishMode(x.p, S, settings);
      o.salSamples = x.samples;
      if (need.avg && settings.yAvg.variant === 'code-mean') o.avg = finishMode(x.avgCodeMean, S, settings);
    });
  }
  if (need.avg && settings.yAvg.variant === 'single') {
    const ps = opts.avgP ?? (await runYAvg(slices, net, ticker));
    ps.forEach((p, i) => {
      (out[i] as SliceModes).avg = finishMode(p, S, settings);
    });
  }
  if (need.infer) {
    const r = await runYInfer(slices, net, sched, settings.yInfer, noise, ticker);
    r.forEach((x, i) => {
      const o = out[i] as SliceModes;
      o.infer = finishMode(x.p, S, settings);
      o.inferSamples = x.samples;
    });
  }
  if (mode === 'all') {
    for (const o of out) {
      if (o.avg !== undefined && o.sal !== undefined && o.infer !== undefined) o.all = combineAll(o.avg, o.sal, o.infer, S, settings);
    }
  }
  return out;
}
