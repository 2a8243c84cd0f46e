import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLabelmapMemo, type LabelmapAccess } from '../../../../renderer/src/segmentation/labelmapMemo';
import { fillHoles } from '../../../../renderer/src/segmentation/fillHoles';
import { removeIslands } from '../../../../renderer/src/segmentation/removeIslands';
import { interpolateSlices } from '../../../../renderer/src/segmentation/interpolateSlices';

/** A stand-in for the Cornerstone-owned labelmap: read gives a copy, write replaces it. */
function store(initial: Uint8Array): LabelmapAccess & { current: Uint8Array; writes: number } {
  const s = {
    current: initial.slice(),
    writes: 0,
    read: () => s.current.slice(),
    write: (v: Uint8Array) => {
      s.current = v.slice();
      s.writes++;
    },
  };
  return s;
}

test('undo restores the voxels before the operation, redo the ones after', () => {
  const before = new Uint8Array([0, 1, 1, 0, 0]);
  const after = new Uint8Array([1, 1, 0, 0, 0]);
  const s = store(after);
  const memo = createLabelmapMemo(before, after, s, 'op');
  assert.ok(memo !== null);
  assert.equal(memo.nChanged, 2);
  assert.equal(memo.operationType, 'op');
  memo.restoreMemo(true);
  assert.deepEqual(s.current, before);
  memo.restoreMemo(false);
  assert.deepEqual(s.current, after);
  memo.restoreMemo();
  assert.deepEqual(s.current, before, 'undo is the default, as in Cornerstone');
});

test('undo touches only the voxels the operation changed: later edits elsewhere survive', () => {
  const before = new Uint8Array([0, 0, 0, 0, 0, 0]);
  const after = new Uint8Array([1, 1, 0, 0, 0, 0]);
  const s = store(after);
  const memo = createLabelmapMemo(before, after, s, 'op');
  s.current[4] = 1; // a later brush stroke elsewhere
  memo?.restoreMemo(true);
  assert.deepEqual(s.current, new Uint8Array([0, 0, 0, 0, 1, 0]));
});

test('no change gives no memo; different sizes are refused', () => {
  const a = new Uint8Array([0, 1]);
  assert.equal(createLabelmapMemo(a, a.slice(), store(a), 'op'), null);
  assert.throws(() => createLabelmapMemo(a, new Uint8Array(3), store(a), 'op'), /sizes differ: 2 before, 3 after/);
});

test('undo and redo walk back and forth through several different operations exactly', () => {
  const dims: [number, number, number] = [12, 12, 3];
  const n = 12 * 12 * 3;
  const lm = new Uint8Array(n);
  // Slice 0: a ring (hole to fill) and a 1-voxel island; slice 2: a block (interpolation target).
  for (let t = 2; t <= 6; t++) for (const [i, j] of [[t, 2], [t, 6], [2, t], [6, t]] as const) lm[i + 12 * j] = 1;
  lm[10 + 12 * 10] = 1;
  for (let j = 3; j < 7; j++) for (let i = 3; i < 7; i++) lm[i + 12 * j + 288] = 1; // 16 voxels: kept by island removal
  const s = store(lm);
  const history: Array<NonNullable<ReturnType<typeof createLabelmapMemo>>> = [];
  const states: Uint8Array[] = [s.read()];
  const ops: Array<[string, (m: Uint8Array) => number]> = [
    ['fill-holes', (m) => fillHoles(m, dims)],
    ['remove-islands', (m) => removeIslands(m, dims, 10)],
    ['interpolate', (m) => interpolateSlices(m, dims)],
    [
      'brush',
      (m) => {
        m[0] = 1;
        m[1] = 1;
        return 2;
      },
    ],
  ];
  for (const [name, op] of ops) {
    const before = s.read();
    const after = before.slice();
    assert.ok(op(after) > 0, `${name} changed nothing`);
    s.write(after);
    const memo = createLabelmapMemo(before, after, s, name);
    assert.ok(memo !== null);
    history.push(memo);
    states.push(s.read());
  }
  // Every state differs from the previous one (each operation did something).
  for (let i = 1; i < states.length; i++) assert.notDeepEqual(states[i], states[i - 1]);
  for (let i = history.length - 1; i >= 0; i--) {
    history[i]!.restoreMemo(true);
    assert.deepEqual(s.current, states[i], `after undoing ${history[i]!.operationType}`);
  }
  for (let i = 0; i < history.length; i++) {
    history[i]!.restoreMemo(false);
    assert.deepEqual(s.current, states[i + 1], `after redoing ${history[i]!.operationType}`);
  }
});
