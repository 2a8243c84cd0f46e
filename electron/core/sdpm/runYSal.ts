/**
 * y_sal, salient weighting (SDPM-SPEC §1.6b, §3.4; models/BUNDLE-FORMAT.md). For slice s, sample n and
 * used timestep t_i with fresh noise eps[n][i]: `x = (sab_t*x0n + s1m_t*eps)*m`, one call,
 * `q_n += w_t * m * (clip(y0_hat)+1)/2`; `p = mean_n q_n`, or with `cumsumBug` the authors' never-reset
 * accumulator `p = (1/N) * sum_j sum_{n<=j} q_n`.
 *
 * All (slice, n, t) pairs are independent, so they are packed into batches with mixed t, in the order
 * slice, n, t (each noise stream is read in index order). Pairs with w_t = 0 still draw their noise (so the
 * stream stays aligned with the documented order) but skip the call: their contribution is exactly 0.
 * Also returns the code-mean y_avg (mean over n of the t = 0 maps) and every sample's q_n map.
 */
import type { YSalSettings } from '../bundle/SamplerConfig';
import type { Schedule } from '../bundle/Schedule';
import type { CallTicker } from './CallTicker';
import type { NoiseSource } from './NoiseSource';
import { toProbability } from './runYAvg';
import { salPlan } from './salPlan';
import type { SdpmNetwork } from './SdpmNetwork';
import type { SliceInput } from './SliceInput';

export interface YSalResult {
  p: Float32Array;
  /** q_n for each sample n (the per-sample salient estimate, before averaging) */
  samples: Float32Array[];
  /** mean over n of m*(clip(y0_hat)+1)/2 at t = 0 (y_avg code-mean variant) */
  avgCodeMean: Float32Array;
}

interface Item {
  s: number;
  n: number;
  t: number;
  w: number;
}

export async function runYSal(slices: readonly SliceInput[], net: SdpmNetwork, sched: Schedule, settings: YSalSettings, noise: NoiseSource, ticker: CallTicker): Promise<YSalResult[]> {
  const S = net.imageSize;
  const P = S * S;
  const N = settings.nSamples;
  const plan = salPlan(settings);
  const nT = plan.timesteps.length;
  const B = Math.max(1, ticker.batchSize);
  const results: YSalResult[] = slices.map(() => ({ p: new Float32Array(P), samples: Array.from({ length: N }, () => new Float32Array(P)), avgCodeMean: new Float32Array(P) }));
  const sliceNoise = slices.map((s) => noise.forSlice(s.sliceIndex));
  const x = new Float32Array(B * P);
  const tArr = new Int32Array(B);
  const eps = new Float32Array(P);
  const batch: Item[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await ticker.beforeCall();
    const { y0Hat } = await net.runFull(x, tArr, batch.length);
    ticker.afterCall(batch.length, 'sal');
    batch.forEach((it, b) => {
      const m = slices[it.s]?.m as Float32Array;
      const r = results[it.s] as YSalResult;
      const q = r.samples[it.n] as Float32Array;
      const o = b * P;
      for (let i = 0; i < P; i++) {
        const v = toProbability(y0Hat[o + i] ?? 0, m[i] ?? 0);
        q[i] = (q[i] ?? 0) + Math.fround(it.w * v);
        if (it.t === 0) r.avgCodeMean[i] = (r.avgCodeMean[i] ?? 0) + v;
      }
    });
    batch.length = 0;
  };

  for (let s = 0; s < slices.length; s++) {
    const sl = slices[s] as SliceInput;
    const ns = sliceNoise[s];
    if (ns === undefined) continue;
    for (let n = 0; n < N; n++) {
      for (let ti = 0; ti < nT; ti++) {
        ns.salEps(n, ti, eps);
        const t = plan.timesteps[ti] ?? 0;
        const w = plan.weights[ti] ?? 0;
        if (w === 0 && t !== 0) continue;
        const sab = sched.sab[t] ?? NaN;
        const s1m = sched.s1m[t] ?? NaN;
        const o = batch.length * P;
        for (let i = 0; i < P; i++) x[o + i] = (Math.fround(sab * (sl.x0n[i] ?? 0)) + Math.fround(s1m * (eps[i] ?? 0))) * (sl.m[i] ?? 0);
        tArr[batch.length] = t;
        batch.push({ s, n, t, w });
        if (batch.length === B) await flush();
      }
    }
  }
  await flush();

  // float32 sums in sample order, as the reference: cumsumBug p = (1/N) * sum_j acc_j with acc_j = sum_{n<=j} q_n
  for (const r of results) {
    for (let i = 0; i < P; i++) r.avgCodeMean[i] = (r.avgCodeMean[i] ?? 0) / N;
    if (settings.cumsumBug) {
      const acc = new Float32Array(P);
      for (const q of r.samples) {
        for (let i = 0; i < P; i++) {
          acc[i] = (acc[i] ?? 0) + (q[i] ?? 0);
          r.p[i] = (r.p[i] ?? 0) + (acc[i] ?? 0);
        }
      }
    } else {
      for (const q of r.samples) for (let i = 0; i < P; i++) r.p[i] = (r.p[i] ?? 0) + (q[i] ?? 0);
    }
    for (let i = 0; i < P; i++) r.p[i] = (r.p[i] ?? 0) / N;
  }
  return results;
}
