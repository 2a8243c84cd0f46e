import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, test } from 'node:test';
import { loadSeries } from '../../../../../electron/core/dicom/loadSeries';
import { discoverSeries } from '../../../../../electron/core/dicom/discoverSeries';
import { ijkToLps } from '../../../../../electron/core/dicom/Volume';
import type { Vec3 } from '../../../../../electron/core/dicom/Volume';
import { makeTempDir, writeSyntheticSeries, writeSyntheticSlice } from '../../../../fixtures/dicom-generated/syntheticCt';

const dirs: string[] = [];
async function tempDir(label: string): Promise<string> {
  const d = await makeTempDir(label);
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('order comes from positions, not InstanceNumber or file names; geometry is LPS with k along the normal', async () => {
  const dir = await tempDir('order');
  const zs = [30, 10, 20, 0];
  for (const [n, z] of zs.entries()) {
    await writeSyntheticSlice(dir, {
      fileName: `z${n}.dcm`, seriesUid: '1.2.5.1', sopUid: `1.2.5.1.${n}`, instanceNumber: 10 - n, ipp: [-100, -120, z], rows: 4, columns: 3,
      pixelSpacing: [0.8, 0.6], pixels: new Int16Array(12).fill(z),
    });
  }
  const v = await loadSeries((await discoverSeries(dir)).series[0]!);
  assert.deepEqual([...v.dimensions], [3, 4, 4]);
  assert.deepEqual([...v.spacingMm], [0.6, 0.8, 10]);
  assert.deepEqual([...v.originLps], [-100, -120, 0]);
  assert.deepEqual([...v.directionLps], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.deepEqual([0, 1, 2, 3].map((k) => v.voxels[12 * k]), [0, 10, 20, 30]);
  assert.deepEqual(v.source.slices.map((s) => s.filePath.slice(-6)), ['z3.dcm', 'z1.dcm', 'z2.dcm', 'z0.dcm']);
  assert.deepEqual(v.source.slices.map((s) => s.normalPositionMm), [0, 10, 20, 30]);
  assert.deepEqual(v.source.slices.map((s) => s.sopInstanceUid), ['1.2.5.1.3', '1.2.5.1.1', '1.2.5.1.2', '1.2.5.1.0']);
});

test('HU: slope and intercept applied, PixelPaddingValue mapped to paddingHu, Int16Array kept', async () => {
  const dir = await tempDir('hu');
  await writeSyntheticSeries(dir, { seriesUid: '1.2.5.2', count: 2, rows: 2, columns: 2, value: (i) => (i === 0 ? -2000 : 1040), extra: { slope: 1, intercept: -1024, paddingValue: -2000 } });
  const v = await loadSeries((await discoverSeries(dir)).series[0]!, { paddingHu: -1000 });
  assert.ok(v.voxels instanceof Int16Array);
  assert.deepEqual([...v.voxels.subarray(0, 4)], [-1000, 16, -1000, 16]);
  assert.equal(v.paddingHu, -1000);
  assert.ok(v.corrections.notes.some((n) => n === 'PixelPaddingValue -2000 (stored) mapped to -1000 HU in 4 pixels'));
});

test('non-integer slope gives Float32Array; integer HU beyond int16 switch the volume to Float32Array', async () => {
  const dir = await tempDir('float');
  await writeSyntheticSeries(dir, { seriesUid: '1.2.5.3', count: 2, rows: 2, columns: 2, value: (i, j) => i + 2 * j, extra: { slope: 0.5, intercept: 1 } });
  const a = await loadSeries((await discoverSeries(dir)).series[0]!);
  assert.ok(a.voxels instanceof Float32Array);
  assert.deepEqual([...a.voxels.subarray(0, 4)], [1, 1.5, 2, 2.5]);
  const dir2 = await tempDir('wide');
  await writeSyntheticSeries(dir2, { seriesUid: '1.2.5.4', count: 3, rows: 2, columns: 2, value: (_i, _j, k) => (k === 2 ? 30000 : 5), extra: { intercept: 10000 } });
  const b = await loadSeries((await discoverSeries(dir2)).series[0]!);
  assert.ok(b.voxels instanceof Float32Array);
  assert.deepEqual([b.voxels[0], b.voxels[8]], [10005, 40000]);
});

test('a tilted stack with uneven gaps, read from files: HU of a world-linear field are reproduced on the corrected grid', async () => {
  const dir = await tempDir('tilt');
  const t = (15 * Math.PI) / 180;
  const iop = [1, 0, 0, 0, Math.cos(t), -Math.sin(t)] as const;
  const zs = [0, 3, 6, 7, 12, 17];
  const rows = 20;
  const columns = 12;
  const ps: [number, number] = [1, 1.2];
  const field = (p: Vec3): number => 0.5 * p[0] + 0.25 * p[1] + p[2];
  for (const [n, z] of zs.entries()) {
    const ipp: Vec3 = [-5, 10, z];
    const px = new Int16Array(rows * columns);
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < columns; i++) {
        const p: Vec3 = [ipp[0] + i * ps[1] * iop[0] + j * ps[0] * iop[3], ipp[1] + i * ps[1] * iop[1] + j * ps[0] * iop[4], ipp[2] + i * ps[1] * iop[2] + j * ps[0] * iop[5]];
        px[i + columns * j] = Math.round(field(p) * 100); // slope 0.01: HU to 0.005
      }
    await writeSyntheticSlice(dir, { fileName: `f${5 - n}.dcm`, seriesUid: '1.2.5.5', sopUid: `1.2.5.5.${n}`, ipp, iop, rows, columns, pixelSpacing: ps, pixels: px, slope: 0.01 });
  }
  const scan = await discoverSeries(dir);
  assert.ok(Math.abs((scan.series[0]?.gantryTiltDeg ?? 0) - 15) < 1e-3);
  const v = await loadSeries(scan.series[0]!, { paddingHu: Number.NaN });
  assert.equal(v.corrections.tiltCorrected, true);
  assert.equal(v.corrections.resampledToEquidistant, true);
  const [nx, ny, nz] = v.dimensions;
  let compared = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const hu = v.voxels[i + nx * (j + ny * k)]!;
        if (Number.isNaN(hu)) continue; // outside the acquired field of one of the two slices
        const expected = field(ijkToLps(v, i, j, k));
        assert.ok(Math.abs(hu - expected) < 0.011, `voxel ${i},${j},${k}: ${hu} vs ${expected}`);
        compared++;
      }
  assert.ok(compared > 0.5 * columns * rows * nz, `${compared} compared`);
  // source geometry is kept as acquired, for SEG export on the original slices
  assert.deepEqual(v.source.imageOrientationPatient, iop.map((x) => Number(x.toFixed(6))));
  assert.deepEqual(v.source.slices.map((s) => s.positionLps[2]), zs);
});
