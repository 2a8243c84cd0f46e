import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureLesions } from '../../../../../electron/core/lesions/measureLesions';
import { rejectLesion, restoreLesion } from '../../../../../electron/core/lesions/lesionIds';
import type { VolumeGeometry } from '../../../../../electron/core/dicom/Volume';

const geom: VolumeGeometry = { dimensions: [10, 10, 10], spacingMm: [0.5, 0.5, 2], originLps: [100, 50, -20], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

function box(m: Uint8Array, lo: number[], hi: number[]): void {
  for (let k = lo[2] as number; k <= (hi[2] as number); k++)
    for (let j = lo[1] as number; j <= (hi[1] as number); j++)
      for (let i = lo[0] as number; i <= (hi[0] as number); i++) m[i + 10 * (j + 10 * k)] = 1;
}

test('two boxes: volumes, centroids (LPS), slice ranges, bounding boxes and mean HU, largest first', () => {
  const m = new Uint8Array(1000);
  box(m, [0, 0, 0], [1, 1, 1]); // 8 voxels
  box(m, [5, 5, 4], [8, 7, 8]); // 4*3*5 = 60 voxels
  const hu = new Float32Array(1000).fill(10);
  for (let p = 500; p < 1000; p++) hu[p] = 70; // k >= 5 -> 70 HU
  const r = measureLesions(m, geom, { hu });
  assert.equal(r.lesions.length, 2);
  const [big, small] = r.lesions;
  assert.ok(big !== undefined && small !== undefined);
  assert.equal(big.voxelCount, 60);
  assert.ok(Math.abs(big.volumeMl - 0.03) < 1e-12);
  assert.deepEqual(big.sliceRange, [4, 8]);
  assert.deepEqual(big.bboxIjk, { min: [5, 5, 4], max: [8, 7, 8] });
  assert.deepEqual(big.centroidIjk, [6.5, 6, 6]);
  assert.deepEqual(big.centroidLps, [100 + 3.25, 50 + 3, -20 + 12]);
  // slices 4 (10 HU) and 5..8 (70 HU), 12 voxels per slice
  assert.ok(Math.abs((big.meanHu ?? NaN) - (12 * 10 + 48 * 70) / 60) < 1e-9);
  assert.equal(small.voxelCount, 8);
  assert.ok(Math.abs(r.totalVolumeMl - 68 * 0.5e-3) < 1e-12);
  assert.equal(big.abc2.sliceCount, 5);
});

test('the total is the voxel count × voxel volume, HU min/max per lesion', () => {
  const m = new Uint8Array(1000);
  box(m, [0, 0, 0], [1, 1, 1]);
  const hu = new Float32Array(1000).fill(10);
  hu[0] = -5;
  hu[1] = 90;
  const r = measureLesions(m, geom, { hu });
  assert.equal(r.totalVoxelCount, 8);
  assert.equal(r.totalVolumeMl, 8 * r.voxelVolumeMl);
  assert.equal(r.lesions[0]?.minHu, -5);
  assert.equal(r.lesions[0]?.maxHu, 90);
});

test('stable IDs: after an edit each lesion keeps the ID of the lesion it overlaps, new ones get fresh IDs', () => {
  const m = new Uint8Array(1000);
  box(m, [0, 0, 0], [1, 1, 1]); // 8 voxels -> ID 2
  box(m, [5, 5, 4], [8, 7, 8]); // 60 voxels -> ID 1
  const first = measureLesions(m, geom);
  assert.deepEqual(first.lesions.map((l) => [l.id, l.voxelCount]), [[1, 60], [2, 8]]);
  // erase most of the big lesion so the small one is now the largest: IDs must NOT be renumbered by size
  const edited = m.slice();
  for (let k = 5; k <= 8; k++) for (let j = 5; j <= 7; j++) for (let i = 5; i <= 8; i++) edited[i + 10 * (j + 10 * k)] = 0;
  box(edited, [0, 9, 9], [0, 9, 9]); // a new 1-voxel lesion
  const second = measureLesions(edited, geom, { reference: first.idMap });
  assert.deepEqual(second.lesions.map((l) => [l.id, l.voxelCount]), [[1, 12], [2, 8], [3, 1]]);
});

test('stable IDs: a lesion cut in two keeps its ID on the larger part; the other part gets a fresh ID', () => {
  const m = new Uint8Array(1000);
  box(m, [0, 0, 0], [9, 0, 0]); // a bar of 10
  const first = measureLesions(m, geom);
  const cut = m.slice();
  cut[3] = 0; // parts of 3 and 6 voxels
  const second = measureLesions(cut, geom, { reference: first.idMap, firstFreeId: 5 });
  assert.deepEqual(second.lesions.map((l) => [l.id, l.voxelCount]), [[1, 6], [5, 3]]);
});

test('reject removes exactly the lesion with that ID (not the largest, not a neighbour); restore brings it back', () => {
  const m = new Uint8Array(1000);
  box(m, [0, 0, 0], [1, 1, 1]); // ID 2, 8 voxels
  box(m, [5, 5, 4], [8, 7, 8]); // ID 1, 60 voxels
  box(m, [0, 5, 0], [0, 5, 2]); // ID 3, 3 voxels
  const r = measureLesions(m, geom);
  const before = r.totalVoxelCount;
  const edited = m.slice();
  assert.equal(rejectLesion(edited, r.idMap, 2), 8);
  const after = measureLesions(edited, geom, { reference: r.idMap });
  assert.equal(after.totalVoxelCount, before - 8);
  assert.deepEqual(after.lesions.map((l) => l.id), [1, 3]);
  for (let i = 0; i < m.length; i++) if (r.idMap[i] !== 2) assert.equal(edited[i], m[i]);
  assert.equal(rejectLesion(edited, r.idMap, 2), 0, 'rejecting again changes nothing');
  assert.equal(restoreLesion(edited, r.idMap, 2), 8);
  assert.deepEqual(edited, m);
});
