import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle } from '../../../../../electron/core/bundle/Bundle';
import { maskFromProbability } from '../../../../../electron/core/lesions/probabilityMask';
import type { SamplerPreset } from '../../../../../electron/core/bundle/SamplerConfig';
import type { Volume } from '../../../../../electron/core/dicom/Volume';
import { isSdpmError } from '../../../../../electron/core/errors';
import { silentLogger } from '../../../../../electron/core/logger';
import { predictVolume, type PredictProgress } from '../../../../../electron/core/inference/predictVolume';
import type { ResolvedSettings } from '../../../../../electron/core/sdpm/resolveSettings';
import { sigmoidSchedule, StubNetwork } from '../sdpm/stubNetwork';

const S = 16;
const sched = sigmoidSchedule(500);
const bundle = { schedule: sched, postprocessing: { plausibility: null }, calibration: null, preprocessing: { imageSize: S, lowerHu: 0, upperHu: 80, padHu: -1024, inPlaneMethod: 'pad-square-then-area-or-bilinear', maskRule: 'x0n > -1', threshold: 0.5 } } as unknown as Bundle;
const preset: SamplerPreset = {
  yAvg: { variant: 'single' },
  ySal: { window: 9, weighting: 'paper', nu: 1, nSamples: 3, cumsumBug: false, tStride: 2 },
  yInfer: { startIndex: 5, nSamples: 2, d: 1, codeCompat: false, nSteps: null },
  yAll: 'union',
  threshold: 0.5,
  despeckle: { enabled: true, kernel: 7, minCount: 1 },
};
const resolved: ResolvedSettings = { preset: 'test', profile: null, settings: preset, changed: {}, approximation: false };

function volume(): Volume {
  const [nx, ny, nz] = [40, 30, 4];
  const vox = new Int16Array(nx * ny * nz).fill(-1024);
  for (let k = 1; k < nz; k++) for (let j = 3; j < 27; j++) for (let i = 4; i < 36; i++) vox[(k * ny + j) * nx + i] = Math.hypot(i - 25, j - 12) < 5 ? 75 : 20;
  return { dimensions: [nx, ny, nz], spacingMm: [0.5, 0.5, 5], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: vox } as unknown as Volume;
}

test('predictVolume: skips empty slices, streams y_avg first, reports progress to the total, and does not depend on batch or stack size', async () => {
  const events: string[] = [];
  const progress: PredictProgress[] = [];
  const a = await predictVolume(volume(), bundle, new StubNetwork(S, sched), {
    mode: 'all', resolved, seed: 3, batchSize: 4, stackSize: 1, log: silentLogger,
    onProgress: (p) => progress.push(p), onPartial: (p) => events.push(`partial ${p.mode} ${p.probability.length}`),
  });
  events.push('result');
  assert.deepEqual(a.skippedSlices, [0]);
  assert.deepEqual(events, ['partial avg 4800', 'result']);
  const last = progress[progress.length - 1];
  assert.ok(last !== undefined && last.doneImages === last.totalImages && last.totalImages === a.networkImages);
  // 3 tissue slices × (1 avg + 3 samples × 4 weighted t of 0,2,4,6(,8: ψ=0) + 2 chains × 6 calls)
  assert.equal(a.networkImages, 3 * (1 + 3 * 4 + 2 * 6));
  for (let i = 1; i < progress.length; i++) assert.ok((progress[i]?.doneImages ?? 0) >= (progress[i - 1]?.doneImages ?? 0));
  assert.equal(a.probability.length, 40 * 30 * 4);
  for (let i = 0; i < 1200; i++) assert.equal(a.probability[i], 0); // the skipped slice
  assert.ok(a.uncertainty !== null);
  assert.equal(a.uncertainty.summary.nSamples, 5);
  const b = await predictVolume(volume(), bundle, new StubNetwork(S, sched), { mode: 'all', resolved, seed: 3, batchSize: 7, stackSize: 3, log: silentLogger });
  assert.deepEqual(b.probability, a.probability);
  assert.deepEqual(b.mask, a.mask);
  assert.deepEqual(b.uncertainty?.entropyBits, a.uncertainty.entropyBits);
  assert.deepEqual(b.uncertainty?.summary, a.uncertainty.summary);
});

test('predictVolume: y_avg alone has no samples and says so; a cancel stops it before the next network call', async () => {
  const r = await predictVolume(volume(), bundle, new StubNetwork(S, sched), { mode: 'avg', resolved, seed: 1, batchSize: 8, stackSize: 2, log: silentLogger });
  assert.equal(r.uncertainty, null);
  assert.match(r.uncertaintyNote ?? '', /no samples/);
  const net = new StubNetwork(S, sched);
  let cancelled = false;
  let cancelledAt = -1;
  await assert.rejects(
    predictVolume(volume(), bundle, net, { mode: 'all', resolved, seed: 1, batchSize: 2, stackSize: 1, log: silentLogger, isCancelled: () => cancelled, onProgress: (p) => { if (p.doneImages >= 6 && !cancelled) { cancelled = true; cancelledAt = p.doneImages; } } }),
    (e: unknown) => isSdpmError(e, 'CANCELLED'),
  );
  // no network call after the cancel
  assert.equal(net.calls.reduce((n, c) => n + c.batch, 0), cancelledAt);
});

test('predictVolume: the intracranial gate removes the scalp rim from the mask, probability and uncertainty, keeps the brain lesion, and can be turned off', async () => {
  const [nx, ny, nz] = [64, 64, 3];
  const vox = new Int16Array(nx * ny * nz).fill(-1024);
  const rad = (i: number, j: number): number => Math.hypot(i - 31.5, j - 31.5);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const r = rad(i, j);
        // bright scalp (looks like blood), skull, brain with a bright lesion
        vox[(k * ny + j) * nx + i] = r < 20 ? (Math.hypot(i - 25, j - 30) < 5 ? 75 : 25) : r < 24 ? 1200 : r < 28 ? 75 : -1024;
      }
    }
  }
  const vol = { dimensions: [nx, ny, nz], spacingMm: [0.5, 0.5, 5], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: vox } as unknown as Volume;
  const S2 = 32;
  const gated = { schedule: sched, postprocessing: { plausibility: null }, calibration: null, preprocessing: { ...bundle.preprocessing, imageSize: S2, intracranialGate: { boneHu: 150, minInteriorFraction: 0.1, softTissueHu: 0, maxPocketFraction: 0.1, growPixels: 1, hullFallback: true } } } as unknown as Bundle;
  const opts = { mode: 'all' as const, resolved, seed: 2, batchSize: 8, stackSize: 2, log: silentLogger };
  const on = await predictVolume(vol, gated, new StubNetwork(S2, sched), opts);
  const off = await predictVolume(vol, gated, new StubNetwork(S2, sched), { ...opts, intracranialGate: false });
  const count = (m: Uint8Array, f: (r: number) => boolean): number => {
    let n = 0;
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (m[(k * ny + j) * nx + i] === 1 && f(rad(i, j))) n++;
    return n;
  };
  assert.ok(count(off.mask, (r) => r >= 24) > 0, 'without the gate the stub calls the bright scalp lesion');
  assert.equal(count(on.mask, (r) => r >= 25), 0, 'no lesion outside the skull with the gate');
  assert.equal(count(on.mask, (r) => r < 19), count(off.mask, (r) => r < 19), 'the brain is untouched');
  assert.ok(count(on.mask, (r) => r < 19) > 0);
  assert.ok(on.totalVolumeMl < off.totalVolumeMl);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (rad(i, j) < 26) continue;
        const v = (k * ny + j) * nx + i;
        assert.equal(on.probability[v], 0);
        assert.equal(on.uncertainty?.entropyBits[v], 0);
        assert.equal(on.uncertainty?.std[v], 0);
      }
    }
  }
  assert.deepEqual(on.intracranialGate.rules, ['enclosed', 'enclosed', 'enclosed']);
  assert.ok(on.intracranialGate.enabled && on.intracranialGate.removedModelPixels > 0);
  assert.ok(!off.intracranialGate.enabled && off.intracranialGate.turnedOffByRequest);
  assert.deepEqual(off.intracranialGate.rules, [null, null, null]);
  // a bundle without the block: no gate (old bundles keep working)
  const old = await predictVolume(vol, { ...gated, preprocessing: { ...gated.preprocessing, intracranialGate: undefined } } as unknown as Bundle, new StubNetwork(S2, sched), opts);
  assert.deepEqual(old.mask, off.mask);
  assert.ok(!old.intracranialGate.enabled && !old.intracranialGate.turnedOffByRequest);
});

test('predictVolume: the published probability thresholds to exactly the mask; plausibility rules drop candidates, list them and keep the rest', async () => {
  const opts = { mode: 'all' as const, resolved, seed: 3, batchSize: 4, stackSize: 2, log: silentLogger };
  const a = await predictVolume(volume(), bundle, new StubNetwork(S, sched), opts);
  assert.deepEqual(maskFromProbability(a.probability, preset.threshold), a.mask, 'engine mask == core rule on the published map');
  assert.ok(a.lesions.length > 0);
  assert.deepEqual(a.dropped, []);
  // a rule every candidate breaks: all are dropped, listed with the rule, and the published map follows
  const strict = { ...bundle, postprocessing: { plausibility: { minVolumeMl: 1e6 } } } as unknown as Bundle;
  const b = await predictVolume(volume(), strict, new StubNetwork(S, sched), opts);
  assert.equal(b.lesions.length, 0);
  assert.equal(b.totalVolumeMl, 0);
  assert.deepEqual(b.dropped.map((d) => [d.lesion.id, d.reason.rule]), a.lesions.map((l) => [l.id, 'minVolumeMl']));
  assert.equal(b.droppedVoxels.length, a.mask.reduce((s, v) => s + v, 0));
  assert.deepEqual(maskFromProbability(b.probability, preset.threshold), b.mask);
  // turned off for a run: as without rules
  const c = await predictVolume(volume(), strict, new StubNetwork(S, sched), { ...opts, plausibility: false });
  assert.deepEqual(c.mask, a.mask);
});
