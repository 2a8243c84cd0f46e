import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LiveTotal, measureLesions, runsBox } from '../../../../../electron/core/lesions/index';
import { loadStudyInput } from '../../../../../electron/core/inference/loadStudyInput';
import type { Mat3, SourceGeometry, Vec3, VolumeGeometry } from '../../../../../electron/core/dicom/Volume';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const GE_TILTED = join(import.meta.dirname, '../../../../../../shared/data/dicom/ge-head-ncct');

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function countOn(m: Uint8Array): number {
  let n = 0;
  for (let v = 0; v < m.length; v++) if (m[v] !== 0) n++;
  return n;
}

/** Paints (value 1) or erases (0) a ball; returns the box it may have changed. */
function ball(m: Uint8Array, dims: Vec3, c: Vec3, r: number, value: number): { lo: Vec3; hi: Vec3 } {
  const [nx, ny, nz] = dims;
  const lo: Vec3 = [Math.max(0, c[0] - r), Math.max(0, c[1] - r), Math.max(0, c[2] - r)];
  const hi: Vec3 = [Math.min(nx - 1, c[0] + r), Math.min(ny - 1, c[1] + r), Math.min(nz - 1, c[2] + r)];
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) {
    if ((i - c[0]) ** 2 + (j - c[1]) ** 2 + 4 * (k - c[2]) ** 2 <= r * r) m[i + nx * (j + ny * k)] = value;
  }
  return { lo, hi };
}

const grid: VolumeGeometry = { dimensions: [23, 17, 9], spacingMm: [0.43, 0.43, 2.5], originLps: [-5, -3.5, 12], directionLps: I3 };

/** Source slices that are the grid's slices, listed head to feet (reverse grid order). */
function matchingSource(g: VolumeGeometry): SourceGeometry {
  const [nx, ny, nz] = g.dimensions;
  const slices = Array.from({ length: nz }, (_, k) => {
    const z = g.originLps[2] + k * g.spacingMm[2];
    return { sopInstanceUid: `1.${k}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', positionLps: [g.originLps[0], g.originLps[1], z] as Vec3, normalPositionMm: z, instanceNumber: k + 1, filePath: '' };
  }).reverse();
  return { imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacingMm: [g.spacingMm[1], g.spacingMm[0]], rows: ny, columns: nx, slices };
}

function checkEdits(g: VolumeGeometry, source: SourceGeometry | undefined, edits: number, seed: number): void {
  const rnd = lcg(seed);
  const dims = g.dimensions;
  const mask = new Uint8Array(dims[0] * dims[1] * dims[2]);
  ball(mask, dims, [Math.floor(dims[0] / 2), Math.floor(dims[1] / 2), Math.floor(dims[2] / 2)], Math.floor(dims[0] / 5), 1);
  const live = new LiveTotal(g, source);
  live.replace(mask);
  assert.equal(live.totalMl(countOn(mask)), measureLesions(mask, { ...g, ...(source !== undefined ? { source } : {}) }).totalVolumeMl);
  for (let e = 0; e < edits; e++) {
    const c: Vec3 = [Math.floor(rnd() * dims[0]), Math.floor(rnd() * dims[1]), Math.floor(rnd() * dims[2])];
    const box = ball(mask, dims, c, 2 + Math.floor(rnd() * 12), rnd() < 0.3 ? 0 : 1);
    live.update(mask, box.lo, box.hi);
    const full = measureLesions(mask, { ...g, ...(source !== undefined ? { source } : {}) });
    assert.equal(live.totalMl(countOn(mask)), full.totalVolumeMl, `after edit ${e + 1}`);
  }
}

test('no source geometry: the live total is exactly measureLesions total after every edit', () => {
  checkEdits(grid, undefined, 6, 1);
});

test('source slices that are the grid slices (reverse order): bit for bit the source measure after every edit', () => {
  checkEdits(grid, matchingSource(grid), 6, 2);
});

test('the tilted GE head (resampled 28 -> 56 slices): the live total is bit for bit the report total after every edit', async () => {
  const v = await loadStudyInput(GE_TILTED);
  assert.ok(v.source !== undefined && v.source.slices.length !== v.dimensions[2], 'the GE head is a tilted, resampled series');
  checkEdits(v, v.source, 4, 3);
});

test('runsBox covers runs that wrap over rows and slices', () => {
  const dims: Vec3 = [4, 3, 3];
  assert.deepEqual(runsBox([5, 1], dims), { lo: [1, 1, 0], hi: [1, 1, 0] });
  assert.deepEqual(runsBox([6, 3], dims), { lo: [0, 1, 0], hi: [3, 2, 0] }); // (2,1,0)..(0,2,0)
  assert.deepEqual(runsBox([10, 10], dims), { lo: [0, 0, 0], hi: [3, 2, 1] }); // (2,2,0)..(3,1,1)
  assert.equal(runsBox([], dims), null);
});
