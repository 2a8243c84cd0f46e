/** NIfTI-1 write -> read round trips (both files mirror niftiWrite.ts / niftiRead.ts). */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFile } from 'node:fs/promises';
import { after, test } from 'node:test';
import { isSdpmError } from '../../../../../electron/core/errors';
import { decodeNifti, readNifti } from '../../../../../electron/core/dicom/niftiRead';
import { encodeNifti, writeNifti } from '../../../../../electron/core/dicom/niftiWrite';
import type { NiftiImageData } from '../../../../../electron/core/dicom/niftiWrite';
import { geometryToRasAffine } from '../../../../../electron/core/dicom/niftiAffine';
import type { Mat3 } from '../../../../../electron/core/dicom/Volume';
import { makeTempDir } from '../../../../fixtures/dicom-generated/syntheticCt';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function oblique(): Mat3 {
  // i along L, j and k rotated 18.5 deg about L (a GE-tilt-like grid), right-handed
  const t = (18.5 * Math.PI) / 180;
  return [1, 0, 0, 0, Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t)];
}

function image<T extends NiftiImageData['voxels']>(voxels: T, direction: Mat3 = oblique()): NiftiImageData & { voxels: T } {
  return { dimensions: [4, 3, 2], spacingMm: [0.49, 0.51, 2.62], originLps: [-125, -169.3, 21.1], directionLps: direction, voxels };
}

/**
 * qform tolerance: NIfTI stores only quaternion b, c, d as float32 and recomputes a = sqrt(1 - b2 - c2 - d2);
 * for rotations near 180 deg (any LPS-axial grid in RAS is one) a is near 0 and loses precision
 * (~sqrt(float eps) = 3e-4). dcm2niix's own qforms show the same residue. The sform is exact.
 */
function assertGeometryClose(a: NiftiImageData, b: NiftiImageData, directionTol = 1e-6): void {
  assert.deepEqual([...a.dimensions], [...b.dimensions]);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(a.spacingMm[k]! - b.spacingMm[k]!) < 1e-5, `spacing ${k}`);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(a.originLps[k]! - b.originLps[k]!) < 1e-4, `origin ${k}`);
  for (let k = 0; k < 9; k++) assert.ok(Math.abs(a.directionLps[k]! - b.directionLps[k]!) < directionTol, `direction ${k}: ${a.directionLps[k]} vs ${b.directionLps[k]}`);
}

test('int16, float32 and uint8 round trip through .nii and .nii.gz with the same geometry via sform and via qform', async () => {
  const dir = await makeTempDir('nifti');
  dirs.push(dir);
  const cases: NiftiImageData[] = [
    image(Int16Array.from({ length: 24 }, (_, i) => i * 100 - 1024)),
    image(Float32Array.from({ length: 24 }, (_, i) => i * 0.25 - 3)),
    image(Uint8Array.from({ length: 24 }, (_, i) => i % 3)),
    image(Int16Array.from({ length: 24 }, (_, i) => i), [0, 1, 0, 0, 0, -1, -1, 0, 0]), // sagittal, det +1
    image(Int16Array.from({ length: 24 }, (_, i) => i), [1, 0, 0, 0, 1, 0, 0, 0, -1]), // left-handed: qfac -1
  ];
  for (const [n, img] of cases.entries()) {
    for (const ext of ['.nii', '.nii.gz']) {
      const path = join(dir, `c${n}${ext}`);
      await writeNifti(path, img);
      for (const prefer of ['sform', 'qform'] as const) {
        const back = await readNifti(path, { prefer });
        assert.equal(back.transform, prefer);
        assert.equal(back.voxels.constructor, img.voxels.constructor, `case ${n} type`);
        assert.deepEqual([...back.voxels], [...img.voxels], `case ${n} values`);
        assertGeometryClose(back, img, prefer === 'qform' ? 1e-3 : 1e-6);
        assert.equal(back.orthogonal, true);
      }
    }
  }
});

test('the affine is RAS: the LPS x and y axes flip sign, z does not', () => {
  const a = geometryToRasAffine({ dimensions: [2, 2, 2], spacingMm: [1, 2, 3], originLps: [10, 20, 30], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
  assert.deepEqual([...a], [-1, -0, -0, -10, -0, -2, -0, -20, 0, 0, 3, 30]);
});

test('float data written as int16 is rounded, and scaled with scl_slope/scl_inter when out of range', () => {
  const small = decodeNifti(encodeNifti(image(Float32Array.from({ length: 24 }, (_, i) => i - 10.4)), { datatype: 'int16' }), 'x.nii');
  assert.ok(small.voxels instanceof Int16Array);
  assert.equal(small.voxels[0], -10);
  const wide = Float32Array.from({ length: 24 }, (_, i) => i * 5000 - 60000);
  const big = decodeNifti(encodeNifti(image(wide), { datatype: 'int16' }), 'x.nii');
  assert.ok(big.voxels instanceof Float32Array, 'scaled data comes back as float');
  assert.notEqual(big.sclSlope, 1);
  for (let i = 0; i < 24; i++) assert.ok(Math.abs(big.voxels[i]! - wide[i]!) <= big.sclSlope / 2 + 1e-3, `${big.voxels[i]} vs ${wide[i]}`);
});

test('big-endian files and files with only a qform are read', () => {
  const le = encodeNifti(image(Int16Array.from({ length: 24 }, (_, i) => i - 5)));
  const view = new DataView(le.buffer);
  view.setInt16(254, 0, true); // sform_code 0: the qform is used
  const qOnly = decodeNifti(le, 'q.nii');
  assert.equal(qOnly.transform, 'qform');
  assertGeometryClose(qOnly, image(new Int16Array(24)), 1e-3);
  // byte-swap every header field we write and the int16 data
  const be = new Uint8Array(le);
  const swap = (off: number, size: number): void => {
    be.set(le.subarray(off, off + size).reverse(), off);
  };
  swap(0, 4);
  for (let k = 0; k < 8; k++) swap(40 + 2 * k, 2);
  swap(70, 2);
  swap(72, 2);
  for (let k = 0; k < 8; k++) swap(76 + 4 * k, 4);
  for (const off of [108, 112, 116]) swap(off, 4);
  swap(252, 2);
  swap(254, 2);
  for (let k = 0; k < 18; k++) swap(256 + 4 * k, 4);
  for (let i = 0; i < 24; i++) swap(352 + 2 * i, 2);
  const back = decodeNifti(be, 'be.nii');
  assert.deepEqual([...back.voxels], Array.from({ length: 24 }, (_, i) => i - 5));
  assert.equal(back.transform, 'qform', 'sform_code was zeroed above');
  assertGeometryClose(back, image(new Int16Array(24)), 1e-3);
});

test('bad files fail with NIFTI_INVALID naming the file', async () => {
  const dir = await makeTempDir('nifti-bad');
  dirs.push(dir);
  const bad = join(dir, 'bad.nii.gz');
  await writeFile(bad, gzipSync(Buffer.from('not a nifti file at all'.repeat(20))));
  await assert.rejects(readNifti(bad), (e: unknown) => isSdpmError(e, 'NIFTI_INVALID') && e.message.includes(bad));
  const short = encodeNifti(image(new Int16Array(24))).subarray(0, 360);
  assert.throws(() => decodeNifti(short, 'short.nii'), (e: unknown) => isSdpmError(e, 'NIFTI_INVALID') && e.message.includes('short.nii'));
});
