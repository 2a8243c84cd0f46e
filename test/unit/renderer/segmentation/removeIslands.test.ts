import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeIslands } from '../../../../renderer/src/segmentation/removeIslands';
import { componentNear, labelComponents } from '../../../../renderer/src/segmentation/labelComponents';

test('components smaller than the limit are cleared, larger ones kept (the core lesion connectivity, 26)', () => {
  const dims: [number, number, number] = [10, 10, 3];
  const m = new Uint8Array(300);
  for (let j = 2; j < 6; j++) for (let i = 2; i < 6; i++) m[i + 10 * j + 100] = 1; // 16 voxels
  m[9 + 10 * 9 + 200] = 1; // isolated
  m[0] = 1;
  m[11] = 1; // corner neighbour of m[0] and of the block's voxel (2,2,1): one lesion with 26-connectivity
  m[7 + 10 * 0] = 1;
  m[8 + 10 * 1] = 1; // two voxels touching only by an edge: one 2-voxel island
  assert.equal(removeIslands(m, dims, 10), 3, 'the isolated voxel and the 2-voxel island; m[0], m[11] join the block');
  assert.equal(m.reduce((a, b) => a + b, 0), 18);
  const { labels, sizes } = labelComponents(m, dims);
  assert.deepEqual(sizes.slice(1), [18]);
  assert.equal(componentNear(labels, dims, [3, 3, 1]), 1);
});

test('the limit is inclusive of size: a component of exactly minVoxels stays; components connect across slices', () => {
  const dims: [number, number, number] = [5, 5, 4];
  const m = new Uint8Array(100);
  for (let k = 0; k < 4; k++) m[12 + 25 * k] = 1; // a 4-voxel column through all slices: one component
  for (let i = 0; i < 3; i++) m[i] = 1; // 3 voxels in a row on slice 0
  assert.equal(removeIslands(m, dims, 4), 3);
  assert.deepEqual([0, 1, 2, 3].map((k) => m[12 + 25 * k]), [1, 1, 1, 1]);
  assert.equal(removeIslands(m, dims, 5), 4, 'one voxel more and the column goes too');
  assert.equal(m.reduce((a, b) => a + b, 0), 0);
});
