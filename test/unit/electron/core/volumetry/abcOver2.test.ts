import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abcOver2, kothariWeight, sliceDiameters } from '../../../../../electron/core/volumetry/abcOver2';
import type { Vec3 } from '../../../../../electron/core/dicom/Volume';

function ellipsoid(dims: Vec3, sp: Vec3, semi: Vec3): Uint8Array {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  const c = [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const x = ((i - (c[0] as number)) * sp[0]) / semi[0];
        const y = ((j - (c[1] as number)) * sp[1]) / semi[1];
        const z = ((k - (c[2] as number)) * sp[2]) / semi[2];
        if (x * x + y * y + z * z <= 1) m[i + nx * (j + ny * k)] = 1;
      }
  return m;
}

test('Kothari weights: >=75 % counts 1, 25-75 % counts 0.5, <25 % counts 0', () => {
  assert.equal(kothariWeight(1), 1);
  assert.equal(kothariWeight(0.75), 1);
  assert.equal(kothariWeight(0.7499), 0.5);
  assert.equal(kothariWeight(0.25), 0.5);
  assert.equal(kothariWeight(0.2499), 0);
});

test('ABC/2 (unweighted C) on an analytic ellipsoid is within 5 % of its true volume 4/3·pi·abc', () => {
  const semi: Vec3 = [30, 20, 15]; // mm
  const sp: Vec3 = [0.5, 0.5, 1];
  const dims: Vec3 = [141, 101, 41];
  const r = abcOver2(ellipsoid(dims, sp, semi), 1, dims, sp);
  const trueMl = ((4 / 3) * Math.PI * semi[0] * semi[1] * semi[2]) / 1000;
  const err = (r.volumeMlExtent - trueMl) / trueMl;
  process.stdout.write(`# ellipsoid 60x40x30 mm: true ${trueMl.toFixed(3)} mL, ABC/2 extent ${r.volumeMlExtent.toFixed(3)} mL (error ${(err * 100).toFixed(2)} %), Kothari ${r.volumeMl.toFixed(3)} mL; A=${r.aMm.toFixed(2)} B=${r.bMm.toFixed(2)} C=${r.cExtentMm} Cw=${r.cMm}\n`);
  assert.ok(Math.abs(err) < 0.05, `error ${err}`);
  // the diameters are the ellipsoid's own, to within a pixel
  assert.ok(Math.abs(r.aMm - 60) <= 1, `A ${r.aMm}`);
  assert.ok(Math.abs(r.bMm - 40) <= 1, `B ${r.bMm}`);
  assert.ok(Math.abs(r.cExtentMm - 30) <= 1, `C ${r.cExtentMm}`);
  // Kothari's weighting shortens C to (1 + sqrt(0.75) - 0.5)/2 of the extent on an ellipsoid
  const expectedRatio = (1 + Math.sqrt(0.75) - 0.5) / 2;
  assert.ok(Math.abs(r.cMm / r.cExtentMm - expectedRatio) < 0.05, `Cw/C ${r.cMm / r.cExtentMm}`);
});

test('A and B of a hand-computed 10x4 pixel rectangle (1 mm pixels): diagonal and the width across it', () => {
  const dims: Vec3 = [12, 6, 1];
  const m = new Uint8Array(72);
  for (let j = 1; j < 5; j++) for (let i = 1; i < 11; i++) m[i + 12 * j] = 1;
  const { aMm, bMm } = sliceDiameters(m, 1, dims, [1, 1, 1], 0);
  assert.ok(Math.abs(aMm - Math.hypot(10, 4)) < 1e-9);
  assert.ok(Math.abs(bMm - (2 * 10 * 4) / Math.hypot(10, 4)) < 1e-9);
});

test('reference slice is the largest one; C counts weighted slices x spacing', () => {
  // slice areas 4, 16, 9 px (1 mm pixels, 5 mm slices): weights 0 (0.25 -> 0.5!), 1, 0.5
  const dims: Vec3 = [4, 4, 3];
  const m = new Uint8Array(48);
  for (let p = 0; p < 4; p++) m[p] = 1; // 4 px -> 0.25 -> 0.5
  for (let p = 0; p < 16; p++) m[16 + p] = 1;
  for (let p = 0; p < 9; p++) m[32 + (p % 3) + 4 * Math.floor(p / 3)] = 1; // 9/16=0.5625 -> 0.5
  const r = abcOver2(m, 1, dims, [1, 1, 5]);
  assert.equal(r.referenceSlice, 1);
  assert.equal(r.weightedSliceCount, 2);
  assert.equal(r.cMm, 10);
  assert.equal(r.cExtentMm, 15);
  assert.ok(Math.abs(r.volumeMl - (Math.hypot(4, 4) * (2 * 16) / Math.hypot(4, 4) * 10) / 2 / 1000) < 1e-12);
});

test('an empty mask gives zeros, not NaN', () => {
  const r = abcOver2(new Uint8Array(8), 1, [2, 2, 2], [1, 1, 1]);
  assert.equal(r.volumeMl, 0);
  assert.equal(r.referenceSlice, -1);
});
