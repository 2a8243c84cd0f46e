/**
 * y_infer, Algorithm 1 (SDPM-SPEC §1.6a, §3.4; models/BUNDLE-FORMAT.md), with the chain given by
 * `inferChain` (full / codeCompat / strided). Per chain (slice s, sample n):
 *   x = (sab_k*x0n + s1m_k*eps0)*m; (eps_hat, y_t_hat) = net(x, k); y = y_t_hat*m;
 *   per step at t: x0h = clip(sra_t*x - srm1_t*eps_hat), y0h = clip(sra_t*y - srm1_t*eps_hat),
 *   x = (c1_t*x0h + c2_t*x + sig_t*z)*m, y = (c1_t*y0h + c2_t*y + d*sig_t*z)*m (one z shared, z = 0 at t = 0).
 * Output per chain m*(clip(y)+1)/2; p = mean over n. Note sig is the posterior std (not the variance the
 * paper's Algorithm 1 prints; §1.8 item 4), and d scales the label chain's noise only.
 *
 * All chains of the stack advance together one step at a time; each step's calls are packed into batches
 * of up to `batchSize` chains (same t). Each chain reads its own noise stream in order (eps0, z0, z1, ...).
 */
import type { YInferSettings } from '../bundle/SamplerConfig';
import type { Schedule } from '../bundle/Schedule';
import type { CallTicker } from './CallTicker';
import { inferChain } from './inferChain';
import type { NoiseSource, SliceNoise } from './NoiseSource';
import { toProbability } from './runYAvg';
import type { SdpmNetwork } from './SdpmNetwork';
import type { SliceInput } from './SliceInput';

export interface YInferResult {
  p: Float32Array;
  /** per-sample chain outputs m*(clip(y)+1)/2 */
  samples: Float32Array[];
}

interface Chain {
  s: number;
  n: number;
  noise: SliceNoise;
  x: Float32Array;
  y: Float32Array;
  /** eps_hat of the init call (used by the first step unless it calls the net itself) */
  eps: Float32Array;
}

const clip = (v: number): number => (v < -1 ? -1 : v > 1 ? 1 : v);

export async function runYInfer(slices: readonly SliceInput[], net: SdpmNetwork, sched: Schedule, settings: YInferSettings, noise: NoiseSource, ticker: CallTicker): Promise<YInferResult[]> {
  const S = net.imageSize;
  const P = S * S;
  const N = settings.nSamples;
  const d = settings.d;
  const chain = inferChain(sched, settings);
  const B = Math.max(1, ticker.batchSize);
  const xb = new Float32Array(B * P);
  const tb = new Int32Array(B);
  const z = new Float32Array(P);
  const k = chain.initT;

  const chains: Chain[] = [];
  slices.forEach((sl, s) => {
    const ns = noise.forSlice(sl.sliceIndex);
    for (let n = 0; n < N; n++) {
      const x = new Float32Array(P);
      ns.inferEps0(n, z);
      const sab = sched.sab[k] ?? NaN;
      const s1m = sched.s1m[k] ?? NaN;
      for (let i = 0; i < P; i++) x[i] = (Math.fround(sab * (sl.x0n[i] ?? 0)) + Math.fround(s1m * (z[i] ?? 0))) * (sl.m[i] ?? 0);
      chains.push({ s, n, noise: ns, x, y: new Float32Array(P), eps: new Float32Array(P) });
    }
  });

  // init call at k: y = y_t_hat * m, keep eps_hat
  for (let start = 0; start < chains.length; start += B) {
    const part = chains.slice(start, start + B);
    part.forEach((c, b) => {
      xb.set(c.x, b * P);
      tb[b] = k;
    });
    await ticker.beforeCall();
    const out = await net.runFull(xb, tb, part.length);
    ticker.afterCall(part.length, 'infer');
    part.forEach((c, b) => {
      const m = slices[c.s]?.m as Float32Array;
      for (let i = 0; i < P; i++) c.y[i] = (out.ytHat[b * P + i] ?? 0) * (m[i] ?? 0);
      c.eps.set(out.epsHat.subarray(b * P, (b + 1) * P));
    });
  }

  const update = (c: Chain, e: Float32Array, eOff: number, st: (typeof chain.steps)[number]): void => {
    const m = slices[c.s]?.m as Float32Array;
    if (st.zIndex >= 0) c.noise.inferZ(c.n, st.zIndex, z);
    const { sra, srm1, c1, c2, sig } = st;
    const dsig = Math.fround(d * sig);
    const noisy = st.zIndex >= 0;
    const { x, y } = c;
    const f = Math.fround;
    // float32 op by op, in the reference's order: ((c1*x0h + c2*x) + sig*z) * m
    if (noisy) {
      for (let i = 0; i < P; i++) {
        const mi = m[i] ?? 0;
        const ei = e[eOff + i] ?? 0;
        const xi = x[i] ?? 0;
        const yi = y[i] ?? 0;
        const zi = z[i] ?? 0;
        const x0h = clip(f(f(sra * xi) - f(srm1 * ei)));
        const y0h = clip(f(f(sra * yi) - f(srm1 * ei)));
        x[i] = f(f(f(c1 * x0h) + f(c2 * xi)) + f(sig * zi)) * mi;
        y[i] = f(f(f(c1 * y0h) + f(c2 * yi)) + f(dsig * zi)) * mi;
      }
    } else {
      for (let i = 0; i < P; i++) {
        const mi = m[i] ?? 0;
        const ei = e[eOff + i] ?? 0;
        const xi = x[i] ?? 0;
        const yi = y[i] ?? 0;
        const x0h = clip(f(f(sra * xi) - f(srm1 * ei)));
        const y0h = clip(f(f(sra * yi) - f(srm1 * ei)));
        x[i] = f(f(c1 * x0h) + f(c2 * xi)) * mi;
        y[i] = f(f(c1 * y0h) + f(c2 * yi)) * mi;
      }
    }
  };

  for (const st of chain.steps) {
    if (!st.callNet) {
      for (const c of chains) update(c, c.eps, 0, st);
      continue;
    }
    for (let start = 0; start < chains.length; start += B) {
      const part = chains.slice(start, start + B);
      part.forEach((c, b) => {
        xb.set(c.x, b * P);
        tb[b] = st.t;
      });
      await ticker.beforeCall();
      const e = await net.runEps(xb, tb, part.length);
      ticker.afterCall(part.length, 'infer');
      part.forEach((c, b) => update(c, e, b * P, st));
    }
  }

  return slices.map((sl, s) => {
    const samples = chains
      .filter((c) => c.s === s)
      .map((c) => {
        const o = new Float32Array(P);
        for (let i = 0; i < P; i++) o[i] = toProbability(c.y[i] ?? 0, sl.m[i] ?? 0);
        return o;
      });
    const p = new Float32Array(P);
    for (const o of samples) for (let i = 0; i < P; i++) p[i] = (p[i] ?? 0) + (o[i] ?? 0);
    for (let i = 0; i < P; i++) p[i] = (p[i] ?? 0) / N;
    return { p, samples };
  });
}
