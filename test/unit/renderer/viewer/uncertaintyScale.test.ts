import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binUncertainty, UNCERTAINTY_COLOURS, UNCERTAINTY_LEVELS } from '../../../../renderer/src/viewer/uncertaintyScale';

test('no colour of the uncertainty scale can pass for the red lesion contour', () => {
  for (const [r, g, b] of UNCERTAINTY_COLOURS) assert.ok(!(r > 120 && r > g + 50 && r > b + 50), `colour ${r},${g},${b} is reddish`);
  for (const [r, , b] of UNCERTAINTY_COLOURS) assert.ok(b > r, 'cool colours only');
});

test('bins: below a tenth of the maximum nothing is drawn; the maximum gets the top colour', () => {
  const { bins, max } = binUncertainty(Float32Array.from([0, 0.05, 0.1, 0.5, 1]));
  assert.equal(max, 1);
  assert.deepEqual([...bins], [0, 0, 1, 4, UNCERTAINTY_LEVELS]);
  assert.deepEqual([...binUncertainty(new Float32Array(3)).bins], [0, 0, 0]);
});
