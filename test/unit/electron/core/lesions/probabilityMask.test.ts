import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capOutside, maskFromProbability, publishProbability } from '../../../../../electron/core/lesions/probabilityMask';

test('maskFromProbability is float32 p > t', () => {
  const p = Float32Array.from([0, 0.35, 0.3500001, 0.5, 0.9]);
  assert.deepEqual([...maskFromProbability(p, 0.35)], [0, 0, 1, 1, 1]);
  assert.deepEqual([...maskFromProbability(p, 0.5)], [0, 0, 0, 0, 1]);
});

test('publishProbability caps removed voxels at the threshold so thresholding the published map gives the kept mask', () => {
  const t = 0.35;
  const p = Float32Array.from([0.9, 0.8, 0.2, 0.36, 0.35]);
  const kept = Uint8Array.from([1, 0, 0, 1, 0]); // voxel 1 was above t but removed (despeckle / gate / rule)
  const pub = publishProbability(p, kept, t);
  assert.deepEqual([...maskFromProbability(pub, t)], [...kept]);
  assert.equal(pub[1], Math.fround(t));
  assert.equal(pub[2], p[2], 'values below the threshold are kept as they are');
  assert.throws(() => publishProbability(p, Uint8Array.from([0, 0, 1, 0, 0]), t), /p .*<= threshold/);
  capOutside(pub, Uint8Array.from([0, 0, 0, 1, 0]), t);
  assert.deepEqual([...maskFromProbability(pub, t)], [0, 0, 0, 1, 0]);
});
