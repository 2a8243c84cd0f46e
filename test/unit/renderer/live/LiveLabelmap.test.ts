import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveLabelmap } from '../../../../renderer/src/live/LiveLabelmap';
import { applyRuns, countNonZero } from '../../../../renderer/src/segmentation/runLength';

const SLICE = 6 * 5;
const N = 4;

function randomMask(seed: number): Uint8Array {
  let s = seed;
  const m = new Uint8Array(SLICE * N);
  for (let v = 0; v < m.length; v++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    m[v] = s % 3 === 0 ? 1 : 0;
  }
  return m;
}

test('syncSlices counts exactly the changes in the touched slices and returns them as runs', () => {
  const live = new LiveLabelmap(SLICE, N);
  const start = randomMask(1);
  live.replace(start);
  assert.equal(live.voxels, countNonZero(start));
  const edited = start.slice();
  edited.fill(1, SLICE + 3, SLICE + 9); // slice 1
  edited.fill(0, 3 * SLICE, 3 * SLICE + 7); // slice 3
  const change = live.syncSlices([3, 1, 1], (k) => edited.subarray(k * SLICE, (k + 1) * SLICE));
  assert.equal(live.voxels, countNonZero(edited));
  assert.equal(change.netVoxels, countNonZero(edited) - countNonZero(start));
  const rebuilt = start.slice();
  applyRuns(rebuilt, change);
  assert.deepEqual(rebuilt, edited, 'the runs rebuild the edited labelmap');
  assert.deepEqual(live.labelmap, edited);
});

test('untouched slices are not read: a change outside the named slices is not seen (the caller names them)', () => {
  const live = new LiveLabelmap(SLICE, N);
  const edited = new Uint8Array(SLICE * N);
  edited[2 * SLICE + 1] = 1;
  const read: number[] = [];
  const change = live.syncSlices([0], (k) => {
    read.push(k);
    return edited.subarray(k * SLICE, (k + 1) * SLICE);
  });
  assert.deepEqual(read, [0]);
  assert.equal(change.values.length, 0);
  assert.equal(live.voxels, 0);
});

test('the set hash depends only on which voxels are lesion, not on the order of edits', () => {
  const a = new LiveLabelmap(SLICE, N);
  const b = new LiveLabelmap(SLICE, N);
  const target = randomMask(7);
  a.replace(target);
  const half = target.slice();
  half.fill(0, 0, SLICE * 2);
  b.replace(half);
  assert.notEqual(b.hash, a.hash);
  b.syncSlices([0, 1], (k) => target.subarray(k * SLICE, (k + 1) * SLICE));
  assert.equal(b.hash, a.hash);
  assert.equal(b.voxels, a.voxels);
  const empty = new LiveLabelmap(SLICE, N);
  assert.equal(empty.hash, '00000000');
});

test('applyRuns takes known changes in and counts them', () => {
  const live = new LiveLabelmap(SLICE, N);
  live.replace(new Uint8Array(SLICE * N).fill(1, 0, 10));
  const net = live.applyRuns({ runs: [5, 10], values: [0] });
  assert.equal(net, -5);
  assert.equal(live.voxels, 5);
});

test('with a core LiveTotal, the total after strokes and bulk edits is the full measure of the counted labelmap, bit for bit', async () => {
  const { LiveTotal, measureLesions } = await import('../../../../electron/core/lesions/index');
  type Vec3 = [number, number, number];
  const dims: Vec3 = [6, 5, N];
  const grid = { dimensions: dims, spacingMm: [0.5, 0.5, 3] as Vec3, originLps: [0, 0, 0] as Vec3, directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [number, number, number, number, number, number, number, number, number] };
  // source slices 3.25 mm apart on a 3 mm grid: the grid was resampled, so volumes are measured on the source
  const source = { imageOrientationPatient: [1, 0, 0, 0, 1, 0] as [number, number, number, number, number, number], pixelSpacingMm: [0.5, 0.5] as [number, number], rows: 5, columns: 6,
    slices: [0, 1, 2].map((k) => ({ sopInstanceUid: `${k}`, sopClassUid: '', positionLps: [0, 0, 3.25 * k] as Vec3, normalPositionMm: 3.25 * k, instanceNumber: k + 1, filePath: '' })) };
  const live = new LiveLabelmap(SLICE, N, new LiveTotal(grid, source), dims);
  const full = (m: Uint8Array) => measureLesions(m, { ...grid, source }).totalVolumeMl;
  const m = randomMask(7);
  live.replace(m);
  assert.equal(live.totalMl, full(m));
  m.fill(1, 2 * SLICE, 2 * SLICE + 11);
  live.syncSlices([2], (k) => m.subarray(k * SLICE, (k + 1) * SLICE));
  assert.equal(live.totalMl, full(m));
  const before = m.slice();
  m.fill(0, SLICE + 4, 3 * SLICE + 2);
  live.applyRuns({ runs: [SLICE + 4, 2 * SLICE - 2], values: [0] });
  assert.deepEqual(live.labelmap, m);
  assert.equal(live.totalMl, full(m));
  assert.notEqual(full(m), full(before));
});
