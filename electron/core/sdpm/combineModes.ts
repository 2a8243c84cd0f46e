/**
 * Per-slice final maps on the model grid (SDPM-SPEC §3.4, models/BUNDLE-FORMAT.md): each mode's p is
 * binarised (`p > threshold`) and despeckled when enabled; y_all is `union` (OR of the three despeckled
 * masks) or `mean` (mean of the three p maps, then threshold and despeckle).
 */
import type { SamplerPreset } from '../bundle/SamplerConfig';
import { binarise, despeckle } from './despeckle';

export type ModeName = 'avg' | 'sal' | 'infer';

export interface ModeMaps {
  p: Float32Array;
  mask: Uint8Array;
}

export function finishMode(p: Float32Array, size: number, preset: Pick<SamplerPreset, 'threshold' | 'despeckle'>): ModeMaps {
  const b = binarise(p, preset.threshold);
  const dsp = preset.despeckle;
  return { p, mask: dsp.enabled ? despeckle(b, size, size, dsp.kernel, dsp.minCount) : b };
}

/** y_all from the three finished modes. Its p is the mean (rule `mean`) or the pixelwise max (rule `union`). */
export function combineAll(avg: ModeMaps, sal: ModeMaps, infer: ModeMaps, size: number, preset: Pick<SamplerPreset, 'threshold' | 'despeckle' | 'yAll'>): ModeMaps {
  const P = avg.p.length;
  const p = new Float32Array(P);
  if (preset.yAll === 'mean') {
    for (let i = 0; i < P; i++) p[i] = ((avg.p[i] ?? 0) + (sal.p[i] ?? 0) + (infer.p[i] ?? 0)) / 3;
    return finishMode(p, size, preset);
  }
  const mask = new Uint8Array(P);
  for (let i = 0; i < P; i++) {
    p[i] = Math.max(avg.p[i] ?? 0, sal.p[i] ?? 0, infer.p[i] ?? 0);
    mask[i] = (avg.mask[i] ?? 0) | (sal.mask[i] ?? 0) | (infer.mask[i] ?? 0);
  }
  return { p, mask };
}
