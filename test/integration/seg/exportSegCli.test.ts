/**
 * User story: a reader exports the model's NIfTI mask of the GE head CT as a DICOM SEG, then exports
 * an edited version that references the first; both pass dciodvfy and read back with their segments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVolumeFromFolder } from '../../../electron/core/dicom/loadVolumeFromFolder';
import { writeNifti } from '../../../electron/core/dicom/niftiWrite';
import { readSeg, readSegHeader } from '../../../electron/core/seg/readSeg';
import { findReferencedSeries } from '../../../electron/core/seg/referencedSeries';

const GE = join(import.meta.dirname, '../../../../shared/data/dicom/ge-head-ncct');

const SDPM = join(import.meta.dirname, '../../../electron/cli/bin/sdpm.mjs');

/** Runs the real `sdpm` command line in a child process. */
function sdpm(argv: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [SDPM, ...argv], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('sdpm export-seg writes a valid SEG from a two-label NIfTI mask, and a corrected SEG that references it', { skip: (!existsSync(GE) || !existsSync('/usr/bin/dciodvfy')) && 'GE data or dciodvfy missing' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-export-'));
  const v = await loadVolumeFromFolder(GE);
  const [nx, ny, nz] = v.dimensions;
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const a = ((i - 200) / 40) ** 2 + ((j - 260) / 30) ** 2 + ((k - nz / 2) / 8) ** 2;
        const b = ((i - 330) / 20) ** 2 + ((j - 330) / 20) ** 2 + ((k - nz / 2) / 5) ** 2;
        if (a <= 1) labels[i + nx * (j + ny * k)] = 1;
        else if (b <= 1) labels[i + nx * (j + ny * k)] = 2;
      }
  const maskPath = join(dir, 'mask.nii.gz');
  await writeNifti(maskPath, { ...v, voxels: labels });
  const first = join(dir, 'first.dcm');
  const r1 = sdpm(['export-seg', GE, maskPath, '--out', first, '--bundle', 'sdpm-ich', '--bundle-version', '1.0.0']);
  assert.equal(r1.code, 0, r1.err);
  process.stdout.write(`# ${r1.out.trim().split('\n').join('\n# ')}\n`);
  const second = join(dir, 'second.dcm');
  const r2 = sdpm(['export-seg', GE, maskPath, '--out', second, '--reader', 'Doe^Jane', '--edited', '--replaces', first]);
  assert.equal(r2.code, 0, r2.err);
  for (const f of [first, second]) {
    const d = spawnSync('/usr/bin/dciodvfy', [f], { encoding: 'utf8' });
    const errors = `${d.stdout}\n${d.stderr}`.split('\n').filter((l) => /^Error/.test(l));
    process.stdout.write(`# dciodvfy ${f.endsWith('first.dcm') ? 'first' : 'corrected'} SEG: ${errors.length} errors\n`);
    assert.deepEqual(errors, []);
  }
  const h1 = readSegHeader(readFileSync(first));
  const ref = await findReferencedSeries(v.identity.seriesInstanceUid, [GE]);
  const seg2 = readSeg(readFileSync(second), ref);
  assert.equal(seg2.segments.length, 2);
  assert.deepEqual(seg2.segments.map((s) => s.algorithmType), ['SEMIAUTOMATIC', 'SEMIAUTOMATIC']);
  assert.equal(seg2.contentCreatorName, 'Doe^Jane');
  assert.ok(readSegHeader(readFileSync(second)).referencedSeriesUids.includes(h1.seriesInstanceUid), 'the corrected SEG references the first one');
  assert.ok(seg2.masks.every((m) => m.some((x) => x === 1)));
});

test('sdpm export-seg refuses a mask on another grid with GEOMETRY_MISMATCH', { skip: !existsSync(GE) && 'GE data missing' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-export-'));
  const maskPath = join(dir, 'small.nii.gz');
  await writeNifti(maskPath, { dimensions: [4, 4, 4], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: new Uint8Array(64) });
  const r = sdpm(['export-seg', GE, maskPath, '--out', join(dir, 'x.dcm')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /GEOMETRY_MISMATCH.*small\.nii\.gz/);
});
