import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UncertaintyAccumulator } from '../../../../../electron/core/sdpm/uncertaintyAccumulator';
import { interval, percentile, summarizeUncertainty } from '../../../../../electron/core/sdpm/uncertaintySummary';
import { connectedComponents } from '../../../../../electron/core/lesions/connectedComponents';

const identity = { map: (src: Float32Array, out: Float32Array) => out.set(src) };

test('percentiles interpolate linearly (numpy default)', () => {
  assert.equal(percentile([1, 2, 3, 4, 5], 0.5), 3);
  assert.ok(Math.abs(percentile([0, 10], 0.05) - 0.5) < 1e-12);
  const iv = interval([4, 1, 3, 2]);
  assert.equal(iv.meanMl, 2.5);
  assert.ok(Math.abs(iv.p5Ml - 1.15) < 1e-12 && Math.abs(iv.p95Ml - 3.85) < 1e-12);
});

test('per-voxel std, entropy and agreement; sample volumes, per-lesion intervals and doubt ranking', () => {
  // one 8x4 slice, 4 samples. Lesion A (cols 0-1) is certain in every sample; lesion B (col 6) appears in 2 of 4
  // samples and one sample draws it one voxel larger.
  const nx = 8;
  const ny = 4;
  const N = 4;
  const acc = new UncertaintyAccumulator(nx, ny, 1, N, 0.5);
  const samples = Array.from({ length: N }, () => new Float32Array(nx * ny));
  samples.forEach((s, n) => {
    for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) s[j * nx + i] = 0.9;
    if (n < 2) s[1 * nx + 6] = 0.8;
    if (n === 0) s[2 * nx + 6] = 0.7;
  });
  acc.addSlice(0, samples, identity);
  const final = new Uint8Array(nx * ny);
  for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) final[j * nx + i] = 1;
  final[1 * nx + 6] = 1;
  assert.equal(acc.positives[0], 4);
  assert.equal(acc.positives[1 * nx + 6], 2);
  assert.ok(Math.abs((acc.std[1 * nx + 6] ?? 0) - 0.4) < 1e-6); // values 0.8,0.8,0,0
  const pm = 0.4; // mean of 0.8, 0.8, 0, 0
  assert.ok(Math.abs((acc.entropyBits[1 * nx + 6] ?? 0) - -(pm * Math.log2(pm) + (1 - pm) * Math.log2(1 - pm))) < 1e-5);
  assert.equal(acc.entropyBits[5 * 0 + 4], 0);
  const agree = acc.agreement(final);
  assert.equal(agree[0], 1);
  assert.equal(agree[1 * nx + 6], 0.5);
  assert.equal(agree[2 * nx + 6], 0.75);
  const cc = connectedComponents(final, [nx, ny, 1]);
  const voxelMl = 0.001;
  const s = summarizeUncertainty(acc, final, cc.labels, Array.from({ length: cc.count }, (_, i) => i + 1), [nx, ny, 1], voxelMl);
  assert.deepEqual(s.total.samplesMl.map((v) => Math.round(v * 1000)), [6, 5, 4, 4]);
  const a = s.lesions.find((l) => l.id === 1);
  const b = s.lesions.find((l) => l.id === 2);
  assert.ok(a !== undefined && b !== undefined);
  assert.deepEqual(a.interval.samplesMl.map((v) => Math.round(v * 1000)), [4, 4, 4, 4]);
  assert.deepEqual(b.interval.samplesMl.map((v) => Math.round(v * 1000)), [2, 1, 0, 0]);
  assert.equal(a.doubtMl, 0);
  assert.ok(Math.abs(b.doubtMl - 0.00075) < 1e-12); // 0.5 + 0.25 voxels in doubt
  assert.equal(b.rank, 1);
  assert.equal(a.rank, 2);
  assert.deepEqual(s.slices.map((x) => x.k), [0]);
});
