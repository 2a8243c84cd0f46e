import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { convert } from '../../../../../electron/cli/commands/convert';
import { isSdpmError } from '../../../../../electron/core/errors';
import { readNifti } from '../../../../../electron/core/dicom/niftiRead';
import { makeTempDir, writeSyntheticSeries } from '../../../../fixtures/dicom-generated/syntheticCt';
import { captureCtx } from './cliCapture';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('sdpm convert writes the series as NIfTI with HU and the RAS affine of its LPS geometry', async () => {
  const dir = await makeTempDir('cli-convert');
  dirs.push(dir);
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.7', count: 4, position: (k) => [-10, 20, 30 + 2.5 * k], value: (i, j, k) => i + 10 * j + 100 * k, extra: { intercept: -1024, pixelSpacing: [0.75, 0.5] } });
  const out = join(dir, 'ct.nii.gz');
  const ctx = captureCtx();
  assert.equal(await convert.run([dir, '--out', out], ctx), 0);
  assert.match(ctx.out.join(''), /wrote .*ct\.nii\.gz: 16x16x4 voxels, 0\.500 x 0\.750 x 2\.500 mm/);
  const img = await readNifti(out);
  assert.ok(img.voxels instanceof Int16Array);
  assert.equal(img.voxels[3 + 16 * (2 + 16 * 1)], 3 + 20 + 100 - 1024);
  // LPS origin (-10, 20, 30) is RAS (10, -20, 30); i along L = RAS -x.
  assert.deepEqual([...img.affineRas].map((v) => Math.round(v * 1000) / 1000 + 0), [-0.5, 0, 0, 10, 0, -0.75, 0, -20, 0, 0, 2.5, 30]);
});

test('sdpm convert: usage errors and refusing gaps', async () => {
  const dir = await makeTempDir('cli-convert-gap');
  dirs.push(dir);
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.8', count: 4, position: (k) => [0, 0, k === 3 ? 20 : 5 * k] });
  await assert.rejects(convert.run([dir], captureCtx()), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT') && e.message.includes('--out'));
  await assert.rejects(convert.run([dir, '--out', 'x.txt'], captureCtx()), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(convert.run([dir, '--out', join(dir, 'x.nii'), '--refuse-gaps'], captureCtx()), (e: unknown) => isSdpmError(e, 'SERIES_GAP_REFUSED') && e.message.includes('10.00 mm'));
  const ctx = captureCtx();
  assert.equal(await convert.run([dir, '--out', join(dir, 'x.nii'), '--float'], ctx), 0);
  assert.match(ctx.out.join(''), /resampled to 5 equidistant slices of 5\.000 mm/);
  const img = await readNifti(join(dir, 'x.nii'));
  assert.ok(img.voxels instanceof Float32Array);
  assert.equal(img.dimensions[2], 5);
});
