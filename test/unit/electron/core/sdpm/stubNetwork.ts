/**
 * Test helpers for the sampler maths without a bundle: lucidrains' sigmoid schedule computed in float64 and
 * rounded to float32 (as the bundle's schedule.json), and a deterministic stub network whose outputs are
 * simple pixelwise functions of (x, t), so a naive reference can recompute them.
 */
import type { Schedule } from '../../../../../electron/core/bundle/Schedule';
import type { NetOutputs, SdpmNetwork } from '../../../../../electron/core/sdpm/SdpmNetwork';

export function sigmoidSchedule(T: number): Schedule {
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const start = -3;
  const end = 3;
  const vs = sig(start);
  const ve = sig(end);
  const ac: number[] = [];
  for (let i = 0; i <= T; i++) ac.push((-sig((i / T) * (end - start) + start) + ve) / (ve - vs));
  const a0 = ac[0] ?? 1;
  const acn = ac.map((v) => v / a0);
  const betas = Array.from({ length: T }, (_, t) => Math.min(Math.max(1 - (acn[t + 1] ?? 0) / (acn[t] ?? 1), 0), 0.999));
  const abArr: number[] = [];
  betas.reduce((p, b) => {
    const v = p * (1 - b);
    abArr.push(v);
    return v;
  }, 1);
  const prev = [1, ...abArr.slice(0, -1)];
  const f = (g: (t: number) => number): Float32Array => Float32Array.from({ length: T }, (_, t) => g(t));
  const ab = (t: number): number => abArr[t] ?? NaN;
  const pv = (t: number): number => ((betas[t] ?? 0) * (1 - (prev[t] ?? 0))) / (1 - ab(t));
  const logvar = f((t) => Math.log(Math.max(pv(t), 1e-20)));
  return {
    T,
    kind: 'sigmoid',
    betas: f((t) => betas[t] ?? 0),
    alphasCumprod: f(ab),
    alphasCumprodPrev: f((t) => prev[t] ?? 0),
    sab: f((t) => Math.sqrt(ab(t))),
    s1m: f((t) => Math.sqrt(1 - ab(t))),
    sra: f((t) => Math.sqrt(1 / ab(t))),
    srm1: f((t) => Math.sqrt(1 / ab(t) - 1)),
    c1: f((t) => ((betas[t] ?? 0) * Math.sqrt(prev[t] ?? 0)) / (1 - ab(t))),
    c2: f((t) => ((1 - (prev[t] ?? 0)) * Math.sqrt(1 - (betas[t] ?? 0))) / (1 - ab(t))),
    posteriorLogVarianceClipped: logvar,
    sig: f((t) => Math.exp(0.5 * (logvar[t] ?? 0))),
  };
}

/** Pixelwise stub: eps = 0.6*tanh(x) + 0.002*t, y_t = 0.9*x - 0.05 + 0.3*sin(3*x); y0 from the schedule. */
export const stubEps = (x: number, t: number): number => 0.6 * Math.tanh(x) + 0.002 * t;
export const stubYt = (x: number): number => 0.9 * x - 0.05 + 0.3 * Math.sin(3 * x);

export class StubNetwork implements SdpmNetwork {
  calls: { batch: number; ts: number[]; graph: 'full' | 'eps' }[] = [];
  constructor(
    readonly imageSize: number,
    private readonly sched: Schedule,
  ) {}

  runFull(x: Float32Array, t: Int32Array, batch: number): Promise<NetOutputs> {
    const P = this.imageSize * this.imageSize;
    const epsHat = new Float32Array(batch * P);
    const ytHat = new Float32Array(batch * P);
    const y0Hat = new Float32Array(batch * P);
    for (let b = 0; b < batch; b++) {
      const tb = t[b] ?? 0;
      const sab = this.sched.sab[tb] ?? 1;
      const s1m = this.sched.s1m[tb] ?? 0;
      for (let i = 0; i < P; i++) {
        const xv = x[b * P + i] ?? 0;
        const e = Math.fround(stubEps(xv, tb));
        const y = Math.fround(stubYt(xv));
        epsHat[b * P + i] = e;
        ytHat[b * P + i] = y;
        y0Hat[b * P + i] = (y - s1m * e) / sab;
      }
    }
    this.calls.push({ batch, ts: Array.from(t.subarray(0, batch)), graph: 'full' });
    return Promise.resolve({ epsHat, ytHat, y0Hat });
  }

  async runEps(x: Float32Array, t: Int32Array, batch: number): Promise<Float32Array> {
    const r = await this.runFull(x, t, batch);
    const last = this.calls[this.calls.length - 1];
    if (last !== undefined) last.graph = 'eps';
    return r.epsHat;
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

/** A synthetic slice: a bright disc (lesion-like) inside a grey ellipse, zero (x0n = -1) outside. */
export function syntheticSlice(S: number, sliceIndex: number, shift = 0): { sliceIndex: number; x0n: Float32Array; m: Float32Array } {
  const x0n = new Float32Array(S * S).fill(-1);
  const m = new Float32Array(S * S);
  for (let j = 0; j < S; j++) {
    for (let i = 0; i < S; i++) {
      const u = (i - S / 2) / (S * 0.4);
      const v = (j - S / 2) / (S * 0.45);
      if (u * u + v * v < 1) {
        const d = Math.hypot(i - S * 0.6 - shift, j - S * 0.4);
        x0n[j * S + i] = d < S * 0.12 ? 0.7 : -0.2 + 0.01 * ((i * 7 + j * 3) % 11);
        m[j * S + i] = 1;
      }
    }
  }
  return { sliceIndex, x0n, m };
}
