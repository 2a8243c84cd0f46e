import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRuns, countNonZero, encodeDiff, encodeSnapshot, hashLabelmap, netVoxelChange } from '../../../../renderer/src/segmentation/runLength';

function randomMask(n: number, seed: number): Uint8Array {
  let s = seed;
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    m[i] = (s >>> 16) % 7 === 0 ? 1 : 0;
  }
  return m;
}

test('snapshot then diff replays to exactly the edited labelmap', () => {
  const before = randomMask(5000, 1);
  const after = before.slice();
  after.fill(1, 100, 180); // brush
  after.fill(0, 3000, 3300); // eraser
  after[4999] = 2;
  const rebuilt = new Uint8Array(5000);
  applyRuns(rebuilt, encodeSnapshot(before));
  assert.deepEqual(rebuilt, before);
  const d = encodeDiff(before, after);
  assert.equal(netVoxelChange(before, d), countNonZero(after) - countNonZero(before));
  applyRuns(rebuilt, d);
  assert.deepEqual(rebuilt, after);
  assert.equal(hashLabelmap(rebuilt), hashLabelmap(after));
  assert.notEqual(hashLabelmap(before), hashLabelmap(after));
});

test('no change gives an empty diff; a run outside the grid is refused', () => {
  const m = randomMask(100, 2);
  assert.deepEqual(encodeDiff(m, m.slice()), { runs: [], values: [] });
  assert.throws(() => applyRuns(new Uint8Array(10), { runs: [8, 5], values: [1] }), /outside/);
  assert.throws(() => encodeDiff(new Uint8Array(3), new Uint8Array(4)), /sizes differ/);
});
