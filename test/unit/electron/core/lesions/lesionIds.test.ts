import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreVoxels, voxelsAllSet, rejectLesion } from '../../../../../electron/core/lesions/lesionIds';

test('restoreVoxels sets exactly the listed voxels and counts only the ones it changed', () => {
  const mask = new Uint8Array([0, 1, 0, 0, 0, 1]);
  assert.equal(restoreVoxels(mask, Int32Array.from([0, 1, 4])), 2);
  assert.deepEqual([...mask], [1, 1, 0, 0, 1, 1]);
  assert.equal(restoreVoxels(mask, Int32Array.from([0, 4])), 0, 'restoring twice changes nothing');
});

test('restoreVoxels rejects an index outside the mask before writing past it', () => {
  const mask = new Uint8Array(4);
  assert.throws(() => restoreVoxels(mask, [1, 4]), /voxel index 4 outside a mask of 4 voxels/);
  assert.throws(() => restoreVoxels(mask, [-1]), /outside/);
});

test('voxelsAllSet tells a restored candidate from a partly erased or empty one', () => {
  const mask = new Uint8Array([1, 1, 0, 1]);
  assert.equal(voxelsAllSet(mask, [0, 1, 3]), true);
  assert.equal(voxelsAllSet(mask, [0, 2]), false);
  assert.equal(voxelsAllSet(mask, []), false);
});

test('restore after reject brings back the same voxels (reject by ID, restore by list)', () => {
  const mask = new Uint8Array([1, 1, 0, 1, 1]);
  const ids = Int32Array.from([1, 1, 0, 2, 2]);
  assert.equal(rejectLesion(mask, ids, 2), 2);
  assert.deepEqual([...mask], [1, 1, 0, 0, 0]);
  assert.equal(restoreVoxels(mask, [3, 4]), 2);
  assert.deepEqual([...mask], [1, 1, 0, 1, 1]);
});
