import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillHoles } from '../../../../renderer/src/segmentation/fillHoles';

const N = 20;
const at = (i: number, j: number, k = 0) => i + N * (j + N * k);
const sum = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

/** Square outline (1 px wide) from (a,a) to (b,b) on slice k. */
function squareRing(m: Uint8Array, a: number, b: number, k = 0): void {
  for (let t = a; t <= b; t++) {
    m[at(t, a, k)] = 1;
    m[at(t, b, k)] = 1;
    m[at(a, t, k)] = 1;
    m[at(b, t, k)] = 1;
  }
}

test('the inside of a closed outline is filled, exactly and nothing else', () => {
  const m = new Uint8Array(N * N * 2);
  squareRing(m, 4, 12);
  const ring = sum(m);
  const added = fillHoles(m, [N, N, 2]);
  assert.equal(added, 7 * 7, 'the 7x7 interior of a ring from 4 to 12');
  assert.equal(sum(m), ring + 49);
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) assert.equal(m[at(i, j)], i >= 4 && i <= 12 && j >= 4 && j <= 12 ? 1 : 0, `(${i},${j})`);
  assert.equal(sum(m.subarray(N * N)), 0, 'the empty slice stays empty');
});

test('an outline with a gap is open: nothing is filled', () => {
  const m = new Uint8Array(N * N);
  squareRing(m, 4, 12);
  m[at(8, 4)] = 0;
  assert.equal(fillHoles(m, [N, N, 1]), 0);
});

test('a diagonal (8-connected) outline still encloses: background is 4-connected', () => {
  const m = new Uint8Array(N * N);
  // Diamond |i-10| + |j-10| = 5.
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) if (Math.abs(i - 10) + Math.abs(j - 10) === 5) m[at(i, j)] = 1;
  const added = fillHoles(m, [N, N, 1]);
  // Interior |i-10| + |j-10| <= 4: 1 + 4 + 8 + 12 + 16 = 41 pixels.
  assert.equal(added, 41);
});

test('background touching the slice border is never filled; holes are filled per slice, not through slices', () => {
  const m = new Uint8Array(N * N * 3);
  // Slice 0: an outline whose inside reaches the border (three sides only, the border closes it).
  for (let t = 0; t <= 6; t++) {
    m[at(t, 6, 0)] = 1;
    m[at(6, t, 0)] = 1;
  }
  // Slice 1: closed ring; slice 2: a solid plate that "closes" the ring in 3-D only.
  squareRing(m, 2, 8, 1);
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) m[at(i, j, 2)] = i < 10 ? 1 : 0;
  const added = fillHoles(m, [N, N, 3]);
  assert.equal(added, 5 * 5);
  assert.equal(m[at(2, 2, 0)], 0);
});

test('the fill value is written and other labels are left alone', () => {
  const m = new Uint8Array(N * N);
  squareRing(m, 0, 5);
  m[at(2, 2)] = 3;
  const added = fillHoles(m, [N, N, 1], 2);
  assert.equal(added, 15, '4x4 interior minus the voxel already labelled 3');
  assert.equal(m[at(2, 2)], 3);
  assert.equal(m[at(3, 3)], 2);
});
