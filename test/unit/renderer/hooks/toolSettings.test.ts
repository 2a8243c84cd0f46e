import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampRadiusMm, orderedRange } from '../../../../renderer/src/hooks/toolSettings';
import { lesionRows } from '../../../../renderer/src/hooks/lesionRows';
import { isTyping } from '../../../../renderer/src/hooks/useShortcuts';

test('brush radius stays within 1..30 mm; HU range is ordered', () => {
  assert.equal(clampRadiusMm(0), 1);
  assert.equal(clampRadiusMm(45), 30);
  assert.equal(clampRadiusMm(Number.NaN), 1);
  assert.deepEqual(orderedRange([90, 45]), [45, 90]);
});

test('a lesion keeps its run interval only while it is exactly the model lesion', () => {
  const table = { version: 3, totalMl: 1, voxelMl: 0.5, lesions: [1, 2].map((id) => ({ lesionId: id, voxelCount: 10 * id, volumeMl: 5 * id, abc2Ml: 0, centroidIjk: [0, 0, 0] as [number, number, number] })) };
  const intervals = new Map([
    [1, { voxelCount: 10, intervalMl: [4, 6] }],
    [2, { voxelCount: 25, intervalMl: [9, 12] }],
  ]);
  const rows = lesionRows(table, intervals);
  assert.deepEqual(rows.map((r) => r.sampleIntervalMl), [[4, 6], null]);
  assert.deepEqual(lesionRows(null, intervals), []);
});

test('keys typed into text fields are not shortcuts', () => {
  assert.equal(isTyping({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget), true);
  assert.equal(isTyping({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget), false);
  assert.equal(isTyping(null), false);
});
