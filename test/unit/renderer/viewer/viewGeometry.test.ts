import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dicomSlicePositionMm, headBoxIjk, headFit } from '../../../../renderer/src/viewer/viewGeometry';

const AXIAL_DIR = [1, 0, 0, 0, 1, 0, 0, 0, 1];

test('axial slice position has the DICOM sign (IPP . (row x col)) whichever way the camera looks', () => {
  // vertex slice at z = +110.4 mm; the camera normal points to the feet
  assert.equal(dicomSlicePositionMm([3, -4, 110.4], [0, 0, -1], AXIAL_DIR), 110.4);
  assert.equal(dicomSlicePositionMm([3, -4, 110.4], [0, 0, 1], AXIAL_DIR), 110.4);
  // coronal: along the column direction (+y = P); sagittal: along the row direction (+x = L)
  assert.equal(dicomSlicePositionMm([3, -4, 110.4], [0, -1, 0], AXIAL_DIR), -4);
  assert.equal(dicomSlicePositionMm([3, -4, 110.4], [1, 0, 0], AXIAL_DIR), 3);
});

test('headFit centres the box in the view plane, keeps the slice, and fits the larger extent', () => {
  const corners: Array<[number, number, number]> = [];
  for (const x of [10, 30]) for (const y of [-20, 40]) for (const z of [0, 5]) corners.push([x, y, z]);
  const fit = headFit(corners, { focalPoint: [0, 0, 2], position: [0, 0, 502], viewUp: [0, -1, 0], viewPlaneNormal: [0, 0, 1] }, 1);
  assert.deepEqual(fit.focalPoint, [20, 10, 2]);
  assert.deepEqual(fit.position, [20, 10, 502]);
  assert.ok(Math.abs(fit.parallelScale - 30 * 1.06) < 1e-9);
});

test('headBoxIjk finds the voxels above the air threshold', () => {
  const dims: [number, number, number] = [8, 8, 2];
  const v = new Int16Array(128).fill(-1000);
  v[2 + 8 * (3 + 8 * 1)] = 40;
  v[6 + 8 * (5 + 8 * 1)] = 40;
  assert.deepEqual(headBoxIjk(v, dims, -300, 1), { min: [2, 3, 1], max: [6, 5, 1] });
  assert.equal(headBoxIjk(new Int16Array(128).fill(-1000), dims), null);
});
