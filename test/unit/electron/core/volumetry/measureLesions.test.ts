import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureLesions } from '../../../../../electron/core/volumetry/measureLesions';
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

test('minVolumeMl removes small components and counts them', () => {
  const m = new Uint8Array(1000);
  box(m, [0, 0, 0], [1, 1, 1]); // 8 voxels = 0.004 mL
  box(m, [5, 5, 4], [8, 7, 8]);
  const r = measureLesions(m, geom, { minVolumeMl: 0.005 });
  assert.equal(r.lesions.length, 1);
  assert.equal(r.removedCount, 1);
  assert.equal(r.lesions[0]?.meanHu, null);
});
