import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSliceStack } from '../../../../../electron/core/dicom/analyzeSliceStack';
import type { SliceStackInput } from '../../../../../electron/core/dicom/analyzeSliceStack';
import type { Vec3 } from '../../../../../electron/core/dicom/Volume';

const axial = (z: number): SliceStackInput => ({ imagePositionPatient: [0, 0, z], imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacingMm: [0.5, 0.5] });

test('slices are sorted by position along the normal, whatever the input order', () => {
  const g = analyzeSliceStack([axial(10), axial(0), axial(20), axial(5), axial(15)]);
  assert.deepEqual(g.order, [1, 3, 0, 4, 2]);
  assert.deepEqual(g.normalPositionsMm, [0, 5, 10, 15, 20]);
  assert.equal(g.regular, true);
  assert.equal(g.typicalGapMm, 5);
  assert.deepEqual(g.distinctGapsMm, [5]);
  assert.equal(g.gantryTiltDeg, 0);
});

test('the normal follows the orientation (row cosine x column cosine): a sagittal stack sorts along -x', () => {
  // rows along P (0,1,0), columns along -S (0,0,-1): normal = (0,1,0) x (0,0,-1) = (-1,0,0)
  const sag = (x: number): SliceStackInput => ({ imagePositionPatient: [x, 0, 0], imageOrientationPatient: [0, 1, 0, 0, 0, -1], pixelSpacingMm: [1, 1] });
  const g = analyzeSliceStack([sag(0), sag(2), sag(-2)]);
  assert.deepEqual([...g.normal], [-1, 0, 0]);
  assert.deepEqual(g.order, [1, 0, 2], 'ascending along -x: x = 2, 0, -2');
});

test('gaps: irregular spacing, missing slices and duplicates are found', () => {
  const g = analyzeSliceStack([0, 5, 10, 20, 25, 25, 30].map(axial));
  assert.equal(g.regular, false);
  assert.deepEqual(g.distinctGapsMm, [5, 10]);
  assert.deepEqual(g.missingSlices, [{ after: 2, gapMm: 10, missing: 1 }]);
  assert.deepEqual(g.duplicatePairs, [[4, 5]]);
  const uneven = analyzeSliceStack([0, 4, 8, 9.08, 16.08].map(axial));
  assert.deepEqual(uneven.missingSlices, [], '1.08 and 7 mm gaps next to 4 mm are not missing slices');
  assert.deepEqual(uneven.distinctGapsMm, [4, 1.08, 7]);
});

test('gantry tilt is the angle between the slice normal and the progression of positions', () => {
  const t = (18.5 * Math.PI) / 180;
  const iop = [1, 0, 0, 0, Math.cos(t), -Math.sin(t)] as const;
  const slices = [0, 4, 8, 12].map((z): SliceStackInput => ({ imagePositionPatient: [-125, -123.5, z] as Vec3, imageOrientationPatient: iop, pixelSpacingMm: [0.5, 0.5] }));
  const g = analyzeSliceStack(slices);
  assert.ok(Math.abs(g.gantryTiltDeg - 18.5) < 1e-9, String(g.gantryTiltDeg));
  assert.ok(Math.abs((g.gapsMm[0] ?? 0) - 4 * Math.cos(t)) < 1e-9, 'gaps are measured along the normal');
  // Each slice's origin moves in-plane along the column direction by -z sin(t) / rowSpacing pixels.
  assert.ok(Math.abs((g.inPlaneOffsetsPx[3]?.[1] ?? 0) + (12 * Math.sin(t)) / 0.5) < 1e-9);
  assert.ok(Math.abs(g.inPlaneOffsetsPx[3]?.[0] ?? 1) < 1e-12);
});
