/**
 * The reverse chain of y_infer (Algorithm 1; SDPM-SPEC §1.6a, §3.4; models/BUNDLE-FORMAT.md) as a list of
 * steps with their float32 coefficients.
 *
 * - full (paper, off-by-one fixed): init call `net(x_k, k)` gives eps_hat and y_t_hat; steps t = k..0, the
 *   first reusing the init call's eps_hat, later ones calling `sdpm_eps(x, t)`: k+1 network calls per sample
 *   (= T_i for k = T_i - 1), z drawn for every step with t > 0 (k draws).
 * - codeCompat (authors' code): init call at k gives y only; steps t = k-1..0 each call the net: k+1 calls,
 *   k-1 z draws.
 * - nSteps = K (approximation): timesteps tau = dedup(round(linspace(k, 0, K))), ab' = ab[tau],
 *   beta'_i = 1 - ab[tau_i]/ab[tau_{i+1}] (ab after the last = 1), posterior coefficients recomputed from
 *   those in float64 and rounded to float32 (DDPM posterior, lucidrains' formulas, log-variance clamped at 1e-20).
 */
import { SdpmError } from '../errors';
import type { Schedule } from '../bundle/Schedule';
import type { YInferSettings } from '../bundle/SamplerConfig';

export interface ChainStep {
  /** network timestep of this step */
  t: number;
  /** true when this step needs its own eps_hat call (false: reuse the init call's) */
  callNet: boolean;
  sra: number;
  srm1: number;
  c1: number;
  c2: number;
  sig: number;
  /** index into z[n][*] for this step, or -1 when the step adds no noise (t = 0) */
  zIndex: number;
}

export interface InferChain {
  /** timestep of the init call (k) */
  initT: number;
  steps: ChainStep[];
  /** number of z draws per sample */
  nZ: number;
  /** network calls per sample, init included */
  callsPerSample: number;
}

const f32 = Math.fround;

/** tau_i = round-half-up(k*(K-1-i)/(K-1)) in exact integer arithmetic, deduplicated (tau_0 = k, last 0). */
export function stridedTimesteps(k: number, nSteps: number): number[] {
  const K = nSteps;
  if (K < 2) throw new SdpmError('INVALID_ARGUMENT', `y_infer nSteps ${K} must be >= 2`);
  const out: number[] = [];
  for (let i = 0; i < K; i++) {
    const v = Math.floor((2 * k * (K - 1 - i) + (K - 1)) / (2 * (K - 1)));
    if (out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

export function inferChain(sched: Schedule, s: YInferSettings): InferChain {
  const k = s.startIndex;
  if (k < 0 || k >= sched.T) throw new SdpmError('INVALID_ARGUMENT', `y_infer startIndex ${k} is outside 0..${sched.T - 1}`);
  const at = (a: Float32Array, t: number): number => a[t] ?? NaN;
  const steps: ChainStep[] = [];
  let nZ = 0;
  interface Coefs {
    sra: number;
    srm1: number;
    c1: number;
    c2: number;
    sig: number;
  }
  const push = (t: number, callNet: boolean, c: Coefs): void => {
    steps.push({ t, callNet, ...c, zIndex: t > 0 ? nZ++ : -1 });
  };
  const table = (t: number): Coefs => ({ sra: at(sched.sra, t), srm1: at(sched.srm1, t), c1: at(sched.c1, t), c2: at(sched.c2, t), sig: at(sched.sig, t) });
  if (s.nSteps !== null) {
    if (s.codeCompat) throw new SdpmError('INVALID_ARGUMENT', 'y_infer nSteps (strided chain) cannot be combined with codeCompat');
    const taus = stridedTimesteps(k, s.nSteps);
    taus.forEach((tau, i) => {
      const ab = at(sched.alphasCumprod, tau);
      const next = taus[i + 1];
      const abPrev = next === undefined ? 1 : at(sched.alphasCumprod, next);
      const beta = 1 - ab / abPrev;
      const alpha = 1 - beta;
      const c1 = (beta * Math.sqrt(abPrev)) / (1 - ab);
      const c2 = ((1 - abPrev) * Math.sqrt(alpha)) / (1 - ab);
      const variance = (beta * (1 - abPrev)) / (1 - ab);
      const logvar = f32(Math.log(Math.max(variance, 1e-20)));
      push(tau, i > 0, { sra: f32(Math.sqrt(1 / ab)), srm1: f32(Math.sqrt(1 / ab - 1)), c1: f32(c1), c2: f32(c2), sig: f32(Math.exp(0.5 * logvar)) });
    });
  } else if (s.codeCompat) {
    for (let t = k - 1; t >= 0; t--) push(t, true, table(t));
  } else {
    for (let t = k; t >= 0; t--) push(t, t !== k, table(t));
  }
  const callsPerSample = 1 + steps.filter((st) => st.callNet).length;
  return { initT: k, steps, nZ, callsPerSample };
}
