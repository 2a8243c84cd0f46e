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

test('the mask holds exactly the voxels whose mean probability is >= the threshold', () => {
  const p = probabilities(10_000);
  for (const t of [0, 0.05, 0.3, 0.5, 0.75, 0.95, 1]) {
    const m = thresholdMask(p, t);
    let direct = 0;
    for (let i = 0; i < p.length; i++) {
      const want = p[i]! >= t ? 1 : 0;
      assert.equal(m[i], want, `voxel ${i} at t=${t}`);
      direct += want;
    }
    assert.equal(m.reduce((a, b) => a + b, 0), direct);
  }
  // Ties: p = 0.5 exactly is in the mask at t = 0.5 (>=), out just above it.
  const tie = Float32Array.from([0.5]);
  assert.equal(thresholdMask(tie, 0.5)[0], 1);
  assert.equal(thresholdMask(tie, 0.5000001)[0], 0);
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
  assert.equal(counts[0], p.length);
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
