import { test } from 'node:test';
import assert from 'node:assert/strict';
import { voxelVolumeMm3 as gridVoxelVolumeMm3 } from '../../../../../electron/core/lesions/voxelVolume';
import { maskVolumeMl, sourceMaskVolumeMl, sourceVoxelVolumesMm3 } from '../../../../../electron/core/volumetry/maskVolume';
import type { Mat3, SourceGeometry, Vec3 } from '../../../../../electron/core/dicom/Volume';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

test('a 3x4x5 box at 0.5x0.5x2 mm is 60 voxels x 0.5 mm3 = 0.03 mL', () => {
  const dims: Vec3 = [10, 10, 10];
  const m = new Uint8Array(1000);
  for (let k = 2; k < 7; k++) for (let j = 1; j < 5; j++) for (let i = 0; i < 3; i++) m[i + 10 * (j + 10 * k)] = 1;
  assert.equal(maskVolumeMl(m, { dimensions: dims, spacingMm: [0.5, 0.5, 2], directionLps: I3 }), 0.03);
});

test('voxel volume uses |det|: a flipped axis does not change it, a sheared grid shrinks it by cos', () => {
  assert.equal(gridVoxelVolumeMm3({ spacingMm: [1, 2, 3], directionLps: [-1, 0, 0, 0, 1, 0, 0, 0, -1] }), 6);
  const th = (18.5 * Math.PI) / 180;
  // k axis tilted by th away from the normal of the i,j plane
  const v = gridVoxelVolumeMm3({ spacingMm: [1, 1, 5], directionLps: [1, 0, 0, 0, 1, 0, 0, Math.sin(th), Math.cos(th)] });
  assert.ok(Math.abs(v - 5 * Math.cos(th)) < 1e-12);
});

function tiltedSource(thetaDeg: number, zSteps: number[]): SourceGeometry {
  const th = (thetaDeg * Math.PI) / 180;
  let z = 0;
  const zs = [0, ...zSteps.map((s) => (z += s))];
  return {
    // rows tilted about the L axis: column cosine leaves the axial plane
    imageOrientationPatient: [1, 0, 0, 0, Math.cos(th), -Math.sin(th)],
    pixelSpacingMm: [0.5, 0.4],
    rows: 2,
    columns: 2,
    slices: zs.map((zz, k) => ({ sopInstanceUid: `1.${k}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', positionLps: [0, 0, zz] as Vec3, normalPositionMm: zz * Math.cos(th), instanceNumber: k + 1, filePath: '' })),
  };
}

test('oblique source slices: voxel = pixel area x table step x cos(tilt) (the sheared parallelepiped)', () => {
  const th = (18.5 * Math.PI) / 180;
  const src = tiltedSource(18.5, [5, 5]);
  const v = sourceVoxelVolumesMm3(src);
  for (const x of v) assert.ok(Math.abs(x - 0.2 * 5 * Math.cos(th)) < 1e-9, String(x));
});

test('uneven gaps: each slice gets the slab between mid-planes; edge slices their one gap', () => {
  const src = tiltedSource(0, [1, 3]);
  assert.deepEqual(sourceVoxelVolumesMm3(src).map((x) => +x.toFixed(9)), [0.2, 0.4, 0.6]);
  const mask = new Uint8Array(12).fill(1); // 4 px per slice
  assert.ok(Math.abs(sourceMaskVolumeMl(mask, src) - (4 * (0.2 + 0.4 + 0.6)) / 1000) < 1e-12);
});

test('mismatched mask length is refused', () => {
  assert.throws(() => maskVolumeMl(new Uint8Array(3), { dimensions: [2, 2, 1], spacingMm: [1, 1, 1], directionLps: I3 }), { code: 'GEOMETRY_MISMATCH' });
});
