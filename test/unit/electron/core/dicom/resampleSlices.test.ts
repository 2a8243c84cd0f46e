/**
 * The grid plan + resampler reproduce a field that is linear in world LPS exactly (linear and bilinear
 * interpolation are exact for linear functions), for tilted stacks with irregular gaps. A wrong sign of
 * the shear, a wrong origin or a wrong slice spacing all break this.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSliceStack } from '../../../../../electron/core/dicom/analyzeSliceStack';
import type { SliceStackInput } from '../../../../../electron/core/dicom/analyzeSliceStack';
import { planVolumeGrid } from '../../../../../electron/core/dicom/planVolumeGrid';
import { resampleSlices } from '../../../../../electron/core/dicom/resampleSlices';
import { ijkToLps } from '../../../../../electron/core/dicom/Volume';
import type { Vec3 } from '../../../../../electron/core/dicom/Volume';

const field = (p: readonly number[]): number => 0.7 * (p[0] ?? 0) - 0.4 * (p[1] ?? 0) + 1.3 * (p[2] ?? 0) + 5;

function check(tiltDeg: number, zs: number[], rowSpacing: number, colSpacing: number): { plan: ReturnType<typeof planVolumeGrid>; compared: number } {
  const rows = 24;
  const columns = 20;
  const t = (tiltDeg * Math.PI) / 180;
  const iop = [1, 0, 0, 0, Math.cos(t), -Math.sin(t)] as const;
  const inputs: SliceStackInput[] = zs.map((z) => ({ imagePositionPatient: [-3, 7, z] as Vec3, imageOrientationPatient: iop, pixelSpacingMm: [rowSpacing, colSpacing] }));
  const stack = analyzeSliceStack(inputs);
  const slices = stack.order.map((idx) => {
    const ipp = inputs[idx]!.imagePositionPatient;
    const px = new Float32Array(rows * columns);
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < columns; i++) {
        const p = [0, 1, 2].map((a) => ipp[a]! + i * colSpacing * iop[a]! + j * rowSpacing * iop[3 + a]!);
        px[i + columns * j] = field(p);
      }
    return px;
  });
  const plan = planVolumeGrid({ stack, firstPositionLps: inputs[stack.order[0]!]!.imagePositionPatient, rows, columns, pixelSpacingMm: [rowSpacing, colSpacing], equidistant: true });
  const out = resampleSlices(plan, slices, rows, columns, Number.NaN);
  const [nx, ny, nz] = plan.dimensions;
  let compared = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = out[i + nx * (j + ny * k)]!;
        if (Number.isNaN(v)) continue;
        const expected = field(ijkToLps(plan, i, j, k));
        assert.ok(Math.abs(v - expected) < 1e-3, `voxel ${i},${j},${k}: ${v} vs ${expected}`);
        compared++;
      }
  return { plan, compared };
}

test('no tilt, regular: identity grid', () => {
  const { plan, compared } = check(0, [0, 5, 10, 15], 0.5, 0.5);
  assert.equal(plan.identity, true);
  assert.deepEqual([...plan.dimensions], [20, 24, 4]);
  assert.equal(compared, 20 * 24 * 4);
});

test('no tilt, irregular gaps: equidistant along the normal (dcm2niix rule: smallest gap, at most 2x slices)', () => {
  const { plan, compared } = check(0, [0, 4, 8, 9, 16, 23], 0.5, 0.5);
  assert.equal(plan.resampledToEquidistant, true);
  assert.equal(plan.dimensions[2], 12, 'span 23 mm at 1 mm would be 24 slices; capped at 2 x 6');
  assert.ok(Math.abs(plan.spacingMm[2] - 23 / 11) < 1e-9);
  assert.equal(compared, 20 * 24 * 12);
});

test('18.5 deg tilt with irregular gaps (GE-like), anisotropic pixels: exact on the corrected grid', () => {
  const { plan, compared } = check(18.5, [0, 4.22, 8.44, 9.58, 16.96, 24.34], 0.6, 0.45);
  assert.equal(plan.tiltCorrected, true);
  assert.ok(plan.dimensions[1] > 24, 'the grid grows along j to hold the shifted slices');
  assert.ok(compared > 0.5 * 20 * 24 * plan.dimensions[2], `${compared} voxels inside`);
});

test('negative tilt', () => {
  const { plan, compared } = check(-12, [0, 3, 6, 9, 12], 0.5, 0.5);
  assert.equal(plan.tiltCorrected, true);
  assert.equal(plan.identity, false);
  assert.ok(compared > 0);
});
