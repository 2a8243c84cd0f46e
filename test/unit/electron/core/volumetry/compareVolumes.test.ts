import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVolumes } from '../../../../../electron/core/volumetry/compareVolumes';

test('growth of 7 mL from 30 mL is expansion by the absolute criterion only', () => {
  const r = compareVolumes(30, 37);
  assert.equal(r.absoluteChangeMl, 7);
  assert.ok(Math.abs((r.relativeChange ?? 0) - 7 / 30) < 1e-12);
  assert.equal(r.expansion, true);
  assert.equal(r.reasons.length, 1);
});

test('growth of 40 % from 5 mL is expansion by the relative criterion only', () => {
  const r = compareVolumes(5, 7);
  assert.equal(r.expansion, true);
  assert.match(r.reasons[0] ?? '', /40\.0 %/);
});

test('exactly 6 mL is not expansion unless inclusive; thresholds are configurable', () => {
  assert.equal(compareVolumes(100, 106).expansion, false);
  assert.equal(compareVolumes(100, 106, { inclusive: true }).expansion, true);
  assert.equal(compareVolumes(100, 104, { absoluteMl: 3 }).expansion, true);
});

test('zero baseline: relative change is null; shrinkage is never expansion; bad input refused', () => {
  assert.equal(compareVolumes(0, 2).relativeChange, null);
  assert.equal(compareVolumes(20, 5).expansion, false);
  assert.throws(() => compareVolumes(-1, 2), { code: 'INVALID_ARGUMENT' });
});
