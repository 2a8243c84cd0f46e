import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillRegionAt } from '../../../../renderer/src/segmentation/fillRegionAt';

const dims: [number, number, number] = [10, 12, 8];
const at = (i: number, j: number, k: number) => i + 10 * (j + 12 * k);

/** A square outline from a to b (inclusive) in the plane normal to `axis`, at `level` along it. */
function ring(m: Uint8Array, axis: 0 | 1 | 2, level: number, a: number, b: number): void {
  for (let s = a; s <= b; s++) {
    for (const [p, q] of [[s, a], [s, b], [a, s], [b, s]] as const) {
      const ijk = axis === 2 ? [p, q, level] : axis === 1 ? [p, level, q] : [level, p, q];
      m[at(ijk[0]!, ijk[1]!, ijk[2]!)] = 1;
    }
  }
}

test('a click inside a closed outline fills exactly its inside, in the clicked plane only', () => {
  const m = new Uint8Array(10 * 12 * 8);
  ring(m, 2, 3, 2, 6);
  ring(m, 2, 4, 2, 6); // the same outline on the next slice stays open inside
  const r = fillRegionAt(m, dims, [4, 4, 3], 2);
  assert.deepEqual(r, { filled: 9, reason: 'filled' });
  for (let j = 3; j <= 5; j++) for (let i = 3; i <= 5; i++) assert.equal(m[at(i, j, 3)], 1);
  assert.equal(m[at(4, 4, 4)], 0, 'the next slice is not touched');
});

test('the plane follows the view: coronal (j fixed) and sagittal (i fixed) clicks fill their own plane', () => {
  const m = new Uint8Array(10 * 12 * 8);
  ring(m, 1, 5, 1, 5);
  assert.deepEqual(fillRegionAt(m, dims, [3, 5, 3], 1), { filled: 9, reason: 'filled' });
  assert.equal(m[at(3, 5, 3)], 1);
  assert.equal(m[at(3, 4, 3)], 0);
  const s = new Uint8Array(10 * 12 * 8);
  ring(s, 0, 7, 1, 6);
  assert.deepEqual(fillRegionAt(s, dims, [7, 3, 3], 0), { filled: 16, reason: 'filled' });
});

test('an open region (reaching the plane edge) and a click on lesion change nothing', () => {
  const m = new Uint8Array(10 * 12 * 8);
  ring(m, 2, 3, 2, 6);
  m[at(4, 2, 3)] = 0; // a gap in the outline
  const copy = m.slice();
  assert.deepEqual(fillRegionAt(m, dims, [4, 4, 3], 2), { filled: 0, reason: 'open' });
  assert.deepEqual(fillRegionAt(m, dims, [2, 3, 3], 2), { filled: 0, reason: 'on-lesion' });
  assert.deepEqual(fillRegionAt(m, dims, [4, 4, 9], 2), { filled: 0, reason: 'outside' });
  assert.deepEqual(m, copy);
});
