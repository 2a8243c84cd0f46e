import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SamplerPreset } from '../../../../../electron/core/bundle/SamplerConfig';
import { noTicker } from '../../../../../electron/core/sdpm/CallTicker';
import { inferChain } from '../../../../../electron/core/sdpm/inferChain';
import { InjectedNoise, SeededNoise } from '../../../../../electron/core/sdpm/NoiseSource';
import { salPlan } from '../../../../../electron/core/sdpm/salPlan';
import { sampleSlices } from '../../../../../electron/core/sdpm/sampleSlices';
import { Xoshiro128 } from '../../../../../electron/core/sdpm/Xoshiro128';
import { sigmoidSchedule, StubNetwork, stubEps, stubYt, syntheticSlice } from './stubNetwork';

const S = 16;
const P = S * S;
const sched = sigmoidSchedule(500);

function preset(over: { ySal?: Partial<SamplerPreset['ySal']>; yInfer?: Partial<SamplerPreset['yInfer']>; yAvg?: SamplerPreset['yAvg'] } = {}): SamplerPreset {
  return {
    yAvg: over.yAvg ?? { variant: 'single' },
    ySal: { window: 9, weighting: 'paper', nu: 1, nSamples: 3, cumsumBug: false, tStride: 1, ...over.ySal },
    yInfer: { startIndex: 6, nSamples: 3, d: 1, codeCompat: false, nSteps: null, ...over.yInfer },
    yAll: 'union',
    threshold: 0.5,
    despeckle: { enabled: true, kernel: 7, minCount: 1 },
  };
}

function randn(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  new Xoshiro128([seed]).fillNormal(out);
  return out;
}

const clip = (v: number): number => Math.min(1, Math.max(-1, v));
const f32Eps = (x: number, t: number): number => Math.fround(stubEps(x, t));
const f32Yt = (x: number): number => Math.fround(stubYt(x));

/** y_sal written straight from models/BUNDLE-FORMAT.md, per pixel, float64. */
function naiveSal(sl: { x0n: Float32Array; m: Float32Array }, s: SamplerPreset['ySal'], eps: Float32Array): number[] {
  const plan = salPlan(s);
  const nT = plan.timesteps.length;
  const q: number[][] = [];
  for (let n = 0; n < s.nSamples; n++) {
    const qn = new Array<number>(P).fill(0);
    for (let ti = 0; ti < nT; ti++) {
      const t = plan.timesteps[ti] ?? 0;
      for (let i = 0; i < P; i++) {
        const m = sl.m[i] ?? 0;
        const x = Math.fround((Math.fround((sched.sab[t] ?? 0) * (sl.x0n[i] ?? 0)) + Math.fround((sched.s1m[t] ?? 0) * (eps[(n * nT + ti) * P + i] ?? 0))) * m);
        const y0 = (f32Yt(x) - (sched.s1m[t] ?? 0) * f32Eps(x, t)) / (sched.sab[t] ?? 1);
        qn[i] = (qn[i] ?? 0) + (plan.weights[ti] ?? 0) * m * (clip(y0) + 1) / 2;
      }
    }
    q.push(qn);
  }
  const N = s.nSamples;
  return Array.from({ length: P }, (_, i) => (s.cumsumBug ? q.reduce((a, qn, n) => a + ((N - n) / N) * (qn[i] ?? 0), 0) : q.reduce((a, qn) => a + (qn[i] ?? 0), 0) / N));
}

/** y_infer (full, codeCompat or strided) straight from the contract, per pixel, float64. */
function naiveInfer(sl: { x0n: Float32Array; m: Float32Array }, s: SamplerPreset['yInfer'], eps0: Float32Array, z: Float32Array): number[] {
  const ch = inferChain(sched, s);
  const k = s.startIndex;
  const p = new Array<number>(P).fill(0);
  for (let n = 0; n < s.nSamples; n++) {
    const x = Array.from({ length: P }, (_, i) => ((sched.sab[k] ?? 0) * (sl.x0n[i] ?? 0) + (sched.s1m[k] ?? 0) * (eps0[n * P + i] ?? 0)) * (sl.m[i] ?? 0));
    const y = x.map((v, i) => f32Yt(v) * (sl.m[i] ?? 0));
    let e = x.map((v) => f32Eps(v, k));
    for (const st of ch.steps) {
      if (st.callNet) e = x.map((v) => f32Eps(v, st.t));
      for (let i = 0; i < P; i++) {
        const m = sl.m[i] ?? 0;
        const zi = st.zIndex >= 0 ? (z[(n * ch.nZ + st.zIndex) * P + i] ?? 0) : 0;
        const x0h = clip(st.sra * (x[i] ?? 0) - st.srm1 * (e[i] ?? 0));
        const y0h = clip(st.sra * (y[i] ?? 0) - st.srm1 * (e[i] ?? 0));
        x[i] = (st.c1 * x0h + st.c2 * (x[i] ?? 0) + st.sig * zi) * m;
        y[i] = (st.c1 * y0h + st.c2 * (y[i] ?? 0) + s.d * st.sig * zi) * m;
      }
    }
    for (let i = 0; i < P; i++) p[i] = (p[i] ?? 0) + ((sl.m[i] ?? 0) * (clip(y[i] ?? 0) + 1)) / 2 / s.nSamples;
  }
  return p;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return d;
}

for (const variant of [{ name: 'paper', s: {} }, { name: 'code-linear + cumsumBug', s: { weighting: 'code-linear' as const, cumsumBug: true } }, { name: 'tStride 3', s: { tStride: 3 } }]) {
  test(`y_sal (${variant.name}) equals the naive per-pixel formula and does not depend on batch size`, async () => {
    const pr = preset({ ySal: variant.s });
    const nT = salPlan(pr.ySal).timesteps.length;
    const sl = syntheticSlice(S, 0);
    const eps = randn(pr.ySal.nSamples * nT * P, 11);
    const noise = new InjectedNoise([{ salEps: eps, salSteps: nT }], P);
    const ref = naiveSal(sl, pr.ySal, eps);
    const outs = [];
    for (const b of [1, 4, 64]) {
      const r = await sampleSlices([sl], new StubNetwork(S, sched), sched, pr, 'sal', noise, noTicker(b));
      outs.push(r[0]?.sal?.p as Float32Array);
    }
    assert.ok(maxDiff(outs[0] as Float32Array, ref) < 1e-5, `max diff ${maxDiff(outs[0] as Float32Array, ref)}`);
    assert.deepEqual(outs[1], outs[0]);
    assert.deepEqual(outs[2], outs[0]);
  });
}

for (const variant of [{ name: 'full chain', s: {} }, { name: 'codeCompat', s: { codeCompat: true } }, { name: 'strided nSteps 4', s: { nSteps: 4 } }, { name: 'd = 0.5', s: { d: 0.5 } }]) {
  test(`y_infer (${variant.name}) equals the naive per-pixel formula and does not depend on batch size`, async () => {
    const pr = preset({ yInfer: variant.s });
    const ch = inferChain(sched, pr.yInfer);
    const sl = syntheticSlice(S, 0);
    const eps0 = randn(pr.yInfer.nSamples * P, 21);
    const z = randn(pr.yInfer.nSamples * ch.nZ * P, 22);
    const noise = new InjectedNoise([{ inferEps0: eps0, inferZ: z, inferSteps: ch.nZ }], P);
    const ref = naiveInfer(sl, pr.yInfer, eps0, z);
    const outs = [];
    for (const b of [1, 2, 64]) {
      const r = await sampleSlices([sl], new StubNetwork(S, sched), sched, pr, 'infer', noise, noTicker(b));
      outs.push(r[0]?.infer?.p as Float32Array);
    }
    assert.ok(maxDiff(outs[0] as Float32Array, ref) < 1e-5, `max diff ${maxDiff(outs[0] as Float32Array, ref)}`);
    assert.deepEqual(outs[1], outs[0]);
    assert.deepEqual(outs[2], outs[0]);
  });
}

test('y_infer network calls: full chain k+1 per sample (init + eps graph), codeCompat k+1 full', async () => {
  const k = 6;
  for (const codeCompat of [false, true]) {
    const net = new StubNetwork(S, sched);
    await sampleSlices([syntheticSlice(S, 0)], net, sched, preset({ yInfer: { codeCompat, nSamples: 2 } }), 'infer', new SeededNoise(1), noTicker(8));
    const images = net.calls.reduce((a, c) => a + c.batch, 0);
    assert.equal(images, 2 * (k + 1));
    assert.deepEqual(net.calls[0]?.ts, [k, k]);
    assert.equal(net.calls[0]?.graph, 'full');
    assert.deepEqual(net.calls[1]?.ts, codeCompat ? [k - 1, k - 1] : [k - 1, k - 1]);
    assert.equal(net.calls[1]?.graph, 'eps');
    assert.equal(inferChain(sched, { startIndex: k, nSamples: 1, d: 1, codeCompat, nSteps: null }).nZ, codeCompat ? k - 1 : k);
  }
});

test('y_sal packs (n, t) pairs with mixed t and skips zero-weight calls', async () => {
  const net = new StubNetwork(S, sched);
  await sampleSlices([syntheticSlice(S, 0)], net, sched, preset({ ySal: { nSamples: 2 } }), 'sal', new SeededNoise(1), noTicker(5));
  // window 9, paper weighting: psi_8 = 0 so 8 calls per sample
  assert.equal(net.calls.reduce((a, c) => a + c.batch, 0), 16);
  assert.deepEqual(net.calls[1]?.ts, [5, 6, 7, 0, 1]);
});

test('same seed gives identical maps; another seed gives different samples; slice stacks are independent', async () => {
  const pr = preset();
  const slices = [syntheticSlice(S, 3), syntheticSlice(S, 4, 2)];
  const run = async (seed: number, stack: 'together' | 'apart', batch: number) => {
    if (stack === 'together') return sampleSlices(slices, new StubNetwork(S, sched), sched, pr, 'all', new SeededNoise(seed), noTicker(batch));
    const a = await sampleSlices([slices[0] as (typeof slices)[0]], new StubNetwork(S, sched), sched, pr, 'all', new SeededNoise(seed), noTicker(batch));
    const b = await sampleSlices([slices[1] as (typeof slices)[0]], new StubNetwork(S, sched), sched, pr, 'all', new SeededNoise(seed), noTicker(batch));
    return [...a, ...b];
  };
  const a = await run(7, 'together', 4);
  const b = await run(7, 'apart', 3);
  const c = await run(8, 'together', 4);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(a[i]?.sal?.p, b[i]?.sal?.p);
    assert.deepEqual(a[i]?.infer?.p, b[i]?.infer?.p);
    assert.deepEqual(a[i]?.all?.mask, b[i]?.all?.mask);
    assert.notDeepEqual(a[i]?.sal?.p, c[i]?.sal?.p);
    assert.notDeepEqual(a[i]?.inferSamples[0], c[i]?.inferSamples[0]);
  }
});

test('y_avg code-mean is the mean of the y_sal t = 0 maps; paper y_avg is one clean call', async () => {
  const sl = syntheticSlice(S, 0);
  const net = new StubNetwork(S, sched);
  const r = await sampleSlices([sl], net, sched, preset(), 'avg', new SeededNoise(1), noTicker(4));
  assert.equal(net.calls.length, 1);
  for (let i = 0; i < P; i++) {
    const x = (sl.x0n[i] ?? 0) * (sl.m[i] ?? 0);
    const y0 = (f32Yt(x) - (sched.s1m[0] ?? 0) * f32Eps(x, 0)) / (sched.sab[0] ?? 1);
    assert.ok(Math.abs((r[0]?.avg?.p[i] ?? 0) - ((sl.m[i] ?? 0) * (clip(y0) + 1)) / 2) < 1e-6);
  }
  const rc = await sampleSlices([sl], new StubNetwork(S, sched), sched, preset({ yAvg: { variant: 'code-mean' } }), 'avg', new SeededNoise(1), noTicker(4));
  assert.ok(rc[0]?.avg !== undefined);
  assert.ok(rc[0]?.sal === undefined);
  assert.notDeepEqual(rc[0]?.avg?.p, r[0]?.avg?.p);
});

test('a cancel raised by the ticker stops the run between network calls', async () => {
  let calls = 0;
  const ticker = { batchSize: 1, beforeCall: () => { if (calls >= 3) throw new Error('stop'); }, afterCall: () => { calls++; } };
  await assert.rejects(sampleSlices([syntheticSlice(S, 0)], new StubNetwork(S, sched), sched, preset(), 'all', new SeededNoise(1), ticker), /stop/);
  assert.equal(calls, 3);
});
