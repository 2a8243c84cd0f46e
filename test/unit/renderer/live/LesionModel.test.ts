import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LesionModel } from '../../../../renderer/src/live/LesionModel';
import { encodeDiff } from '../../../../renderer/src/segmentation/runLength';

const geometry = { dimensions: [10, 10, 4] as const, spacingMm: [1, 1, 2] as const, originLps: [0, 0, 0] as const, directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const };
const at = (i: number, j: number, k: number) => i + 10 * (j + 10 * k);

function twoLesions(): Uint8Array {
  const m = new Uint8Array(400);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) m[at(i, j, 1)] = 1; // 12 voxels
  for (let i = 7; i < 9; i++) m[at(i, 8, 2)] = 1; // 2 voxels
  return m;
}

test('a model mask is measured with the engine numbering (largest first) and the core voxel volume', () => {
  const model = new LesionModel(geometry);
  model.replace(twoLesions(), true);
  const t = model.measure();
  assert.deepEqual(t.lesions.map((l) => [l.lesionId, l.voxelCount]), [[1, 12], [2, 2]]);
  assert.equal(t.voxelMl, 0.002);
  assert.equal(t.totalMl, 14 * 0.002);
});

test('after an edit, lesion IDs stay with their lesions even when the small one grows past the large one', () => {
  const model = new LesionModel(geometry);
  const m = twoLesions();
  model.replace(m, true);
  model.measure();
  const edited = m.slice();
  for (let i = 0; i < 10; i++) for (let j = 6; j < 10; j++) edited[at(i, j, 2)] = 1; // lesion 2 becomes 40 voxels
  model.applyDiff(encodeDiff(m, edited));
  const t = model.measure();
  const byId = new Map(t.lesions.map((l) => [l.lesionId, l.voxelCount]));
  assert.equal(byId.get(1), 12);
  assert.equal(byId.get(2), 40);
});

test('voxelsOf answers exactly the voxels of the lesion shown, and refuses a stale table', () => {
  const model = new LesionModel(geometry);
  model.replace(twoLesions(), true);
  const t = model.measure();
  const v2 = model.voxelsOf(2, t.version);
  assert.deepEqual(v2 === null ? null : [...v2], [at(7, 8, 2), at(8, 8, 2)]);
  model.applyDiff({ runs: [at(0, 9, 3), 1], values: [1] });
  assert.equal(model.voxelsOf(2, t.version), null, 'the labelmap changed since that table');
});

test('restoreCheckpoint brings back the labelmap and the lesion IDs from before a run', () => {
  const model = new LesionModel(geometry);
  const m = twoLesions();
  model.replace(m, true);
  const before = model.measure();
  model.checkpoint();
  const other = new Uint8Array(400).fill(1, 0, 50);
  model.replace(other, true);
  model.measure();
  model.restoreCheckpoint();
  const after = model.measure();
  assert.deepEqual(after.lesions, before.lesions);
});

test('adoptIds takes the services’ IDs for the model mask (gaps kept) and carries them through later edits', () => {
  const model = new LesionModel(geometry);
  const m = twoLesions();
  model.replace(m, true);
  const first = model.measure();
  const modelVersion = first.version;
  // an edit before the services answer: lesion 2 grows by one voxel
  const edited = m.slice();
  edited[at(6, 8, 2)] = 1;
  model.applyDiff(encodeDiff(m, edited));
  // the engine numbered them 1 and 4 (2 and 3 were dropped candidates)
  const services = first.lesions.map((l) => ({ lesionId: l.lesionId === 1 ? 1 : 4, voxelCount: l.voxelCount, centroidIjk: l.centroidIjk }));
  assert.equal(model.adoptIds(modelVersion, services), true);
  const t = model.measure();
  assert.deepEqual(t.lesions.map((l) => [l.lesionId, l.voxelCount]), [[1, 12], [4, 3]]);
  // a new lesion drawn later gets a fresh ID above the engine's
  const more = edited.slice();
  more[at(0, 9, 0)] = 1;
  model.applyDiff(encodeDiff(edited, more));
  assert.deepEqual(model.measure().lesions.map((l) => l.lesionId), [1, 4, 5]);
  assert.equal(model.adoptIds(modelVersion - 1, services), false, 'a stale model version changes nothing');
});
