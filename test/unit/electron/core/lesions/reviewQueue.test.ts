import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regionsAtMinSize, reviewQueue } from '../../../../../electron/core/lesions/reviewQueue';
import { measureLesions } from '../../../../../electron/core/lesions/measureLesions';
import type { VolumeGeometry } from '../../../../../electron/core/dicom/Volume';

const geom: VolumeGeometry = { dimensions: [20, 20, 4], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const at = (i: number, j: number, k: number): number => i + 20 * (j + 20 * k);

test('one queue ranks over-calls and possible misses by volume at stake; small regions are hidden, not listed', () => {
  const n = 20 * 20 * 4;
  const mask = new Uint8Array(n);
  const p = new Float32Array(n);
  const agreement = new Float32Array(n).fill(1);
  // lesion A (ID 1): 3x3x2 voxels, samples agree on half of it at 50%
  for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) { mask[at(i, j, k)] = 1; p[at(i, j, k)] = 0.9; agreement[at(i, j, k)] = i === 0 ? 0.5 : 1; }
  // a possible miss: 4x4x1 outside the mask where 25% of the samples said lesion
  for (let j = 10; j < 14; j++) for (let i = 10; i < 14; i++) { p[at(i, j, 2)] = 0.2; agreement[at(i, j, 2)] = 0.75; }
  // a 1-voxel speck with intermediate probability
  p[at(18, 18, 3)] = 0.3;
  const m = measureLesions(mask, geom);
  const q = reviewQueue({ dimensions: geom.dimensions, voxelMl: 0.001, mask, idMap: m.idMap, probability: p, threshold: 0.5, agreement }, { minSizeMl: 0.005 });
  assert.deepEqual(q.regions.map((r) => [r.kind, r.lesionId, r.voxelCount]), [['possible-miss', null, 16], ['over-call', 1, 18]]);
  // miss: 16 voxels x max(0.25, 0.2) = 4 voxels at stake; over-call: 6 voxels x 0.5 = 3
  assert.ok(Math.abs((q.regions[0]?.scoreMl ?? 0) - 0.004) < 1e-12);
  assert.ok(Math.abs((q.regions[1]?.scoreMl ?? 0) - 0.003) < 1e-12);
  assert.deepEqual(q.hidden, { count: 1, sizeMl: 0.001 });
  assert.equal(regionsAtMinSize(q.regions, 0.017).shown.length, 1);
  // y_avg (no samples): misses from intermediate probability only (p >= threshold / 2: the speck, not the 0.2 region), no over-calls
  const q0 = reviewQueue({ dimensions: geom.dimensions, voxelMl: 0.001, mask, idMap: m.idMap, probability: p, threshold: 0.5, agreement: null }, { minSizeMl: 0 });
  assert.deepEqual(q0.regions.map((r) => [r.kind, r.voxelCount]), [['possible-miss', 1]]);
});
