import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdMask } from '../../../../renderer/src/segmentation/thresholdMask';

/** Deterministic pseudo-random probabilities (LCG), with exact ties at a few slider values. */
function probabilities(n: number): Float32Array {
  const p = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    p[i] = i % 50 === 0 ? 0.5 : s / 2 ** 31;
  }
  return p;
}

test('the mask holds exactly the voxels whose probability is > the threshold (float32), the core rule', () => {
  const p = probabilities(10_000);
  for (const t of [0, 0.05, 0.3, 0.5, 0.75, 0.95, 1]) {
    const m = thresholdMask(p, t);
    let direct = 0;
    for (let i = 0; i < p.length; i++) {
      const want = p[i]! > Math.fround(t) ? 1 : 0;
      assert.equal(m[i], want, `voxel ${i} at t=${t}`);
      direct += want;
    }
    assert.equal(m.reduce((a, b) => a + b, 0), direct);
  }
  // Ties: p = t exactly is NOT lesion (p > t, as the engine and the paper's code); just below t it is.
  const tie = Float32Array.from([0.5]);
  assert.equal(thresholdMask(tie, 0.5)[0], 0);
  assert.equal(thresholdMask(tie, 0.4999999)[0], 1);
  // float32 comparison: a voxel stored as fround(0.35) is not above a 0.35 threshold (it would be vs the double)
  assert.equal(thresholdMask(Float32Array.from([0.35]), 0.35)[0], 0);
});

test('raising the threshold never adds voxels; counts fall monotonically from all to none', () => {
  const p = probabilities(10_000);
  let previous = Infinity;
  const counts: number[] = [];
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const n = thresholdMask(p, t).reduce((a, b) => a + b, 0);
    assert.ok(n <= previous, `count rose from ${previous} to ${n} at t=${t.toFixed(2)}`);
    previous = n;
    counts.push(n);
  }
  assert.equal(counts[0], p.length - p.filter((v) => v === 0).length);
  assert.ok(counts[counts.length - 1]! < 10, 'almost nothing is certain');
  assert.ok(new Set(counts).size > 10, 'counts really change with the threshold');
});

test('the output buffer is reused and fully overwritten', () => {
  const p = Float32Array.from([0.1, 0.9, 0.6]);
  const out = new Uint8Array([7, 7, 7]);
  const r = thresholdMask(p, 0.5, out);
  assert.equal(r, out);
  assert.deepEqual(out, new Uint8Array([0, 1, 1]));
});
