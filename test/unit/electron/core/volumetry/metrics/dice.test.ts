import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dice } from '../../../../../../electron/core/volumetry/metrics/dice';

test('Dice = 2|P∩T|/(|P|+|T|): 4 and 4 voxels overlapping in 2 give 0.5', () => {
  assert.equal(dice([1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1]), 0.5);
  assert.equal(dice([1, 0, 0], [1, 1, 0]), 2 / 3);
});

test('Dice: both empty is 1, one empty is 0, size mismatch refused', () => {
  assert.equal(dice([0, 0], [0, 0]), 1);
  assert.equal(dice([0, 0], [0, 1]), 0);
  assert.throws(() => dice([0], [0, 1]), { code: 'GEOMETRY_MISMATCH' });
});
