import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes } from '../../../../electron/core/bytes';

test('concatBytes joins the parts in order; one part comes back as it is; none gives an empty array', () => {
  assert.deepEqual([...concatBytes([Uint8Array.of(1, 2), Uint8Array.of(), Uint8Array.of(3)])], [1, 2, 3]);
  const one = Uint8Array.of(9);
  assert.equal(concatBytes([one]), one);
  assert.equal(concatBytes([]).length, 0);
});
