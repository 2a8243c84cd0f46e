/**
 * Diffusion tables of a bundle (`schedule.json`, see models/BUNDLE-FORMAT.md). All arrays are float32,
 * length T, indexed by the 0-based timestep. They are the exact float32 buffers PyTorch registered, so the
 * TypeScript sampler uses the same constants as the reference.
 */
import { JsonReader } from './JsonReader';

export interface Schedule {
  T: number;
  kind: string;
  betas: Float32Array;
  alphasCumprod: Float32Array;
  alphasCumprodPrev: Float32Array;
  /** sqrt(ab_t) */
  sab: Float32Array;
  /** sqrt(1 - ab_t) */
  s1m: Float32Array;
  /** sqrt(1 / ab_t) */
  sra: Float32Array;
  /** sqrt(1 / ab_t - 1) */
  srm1: Float32Array;
  /** posterior mean coefficient of x0 */
  c1: Float32Array;
  /** posterior mean coefficient of x_t */
  c2: Float32Array;
  posteriorLogVarianceClipped: Float32Array;
  /** exp(0.5 * posterior log variance clipped): the std of the reverse step's noise */
  sig: Float32Array;
}

export function parseSchedule(value: unknown, filePath = 'schedule.json'): Schedule {
  const r = new JsonReader('schedule.json', value, '', filePath);
  r.formatVersion1();
  const T = r.field('T').int(2, 100000);
  const table = (key: string): Float32Array => r.field(key).float32Array(T);
  const s: Schedule = {
    T,
    kind: r.field('kind').string(),
    betas: table('betas'),
    alphasCumprod: table('alphasCumprod'),
    alphasCumprodPrev: table('alphasCumprodPrev'),
    sab: table('sqrtAlphasCumprod'),
    s1m: table('sqrtOneMinusAlphasCumprod'),
    sra: table('sqrtRecipAlphasCumprod'),
    srm1: table('sqrtRecipm1AlphasCumprod'),
    c1: table('posteriorMeanCoef1'),
    c2: table('posteriorMeanCoef2'),
    posteriorLogVarianceClipped: table('posteriorLogVarianceClipped'),
    sig: table('posteriorStd'),
  };
  for (let t = 0; t < T; t++) {
    const ab = s.alphasCumprod[t] ?? NaN;
    if (!(ab > 0 && ab <= 1)) r.field('alphasCumprod').fail(`[${t}] must be in (0, 1] (got ${ab})`);
    if (t > 0 && ab > (s.alphasCumprod[t - 1] ?? 0)) r.field('alphasCumprod').fail(`must be non-increasing (index ${t})`);
  }
  return s;
}
