import { test } from 'node:test';
import assert from 'node:assert/strict';
import { volumeCorrelation } from '../../../../../../electron/core/volumetry/metrics/volumeCorrelation';
import { volumeDifference } from '../../../../../../electron/core/volumetry/metrics/volumeDifference';

test('VC (Pearson): hand-computed 0.8 for x=[1,2,3,4], y=[1,3,2,4]; ±1 for linear relations', () => {
  assert.ok(Math.abs(volumeCorrelation([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12);
  assert.ok(Math.abs(volumeCorrelation([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
  assert.ok(Math.abs(volumeCorrelation([1, 2, 3], [3, 2, 1]) + 1) < 1e-12);
});

test('VC is NaN for one case or constant volumes; length mismatch refused', () => {
  assert.ok(Number.isNaN(volumeCorrelation([1], [1])));
  assert.ok(Number.isNaN(volumeCorrelation([2, 2], [1, 3])));
  assert.throws(() => volumeCorrelation([1, 2], [1]), { code: 'INVALID_ARGUMENT' });
});

test('VDP = |Vp - Vt| / Vt', () => {
  assert.ok(Math.abs(volumeDifference(12, 10) - 0.2) < 1e-12);
  assert.ok(Math.abs(volumeDifference(8, 10) - 0.2) < 1e-12);
  assert.equal(volumeDifference(0, 0), 0);
  assert.ok(Number.isNaN(volumeDifference(1, 0)));
});
