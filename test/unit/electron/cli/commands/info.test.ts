import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { info } from '../../../../../electron/cli/commands/info';
import { main } from '../../../../../electron/cli/sdpm';
import { isSdpmError } from '../../../../../electron/core/errors';
import { makeTempDir, writeSyntheticSeries } from '../../../../fixtures/dicom-generated/syntheticCt';
import { captureCtx } from './cliCapture';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function studyFolder(): Promise<string> {
  const dir = await makeTempDir('cli-info');
  dirs.push(dir);
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.1', count: 5, extra: { seriesNumber: 2, seriesDescription: 'NCCT head', pixelSpacing: [0.5, 0.5] } });
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.2', count: 2, prefix: 'mr', extra: { modality: 'MR', seriesNumber: 5 } });
  await writeFile(join(dir, 'notes.txt'), 'not dicom');
  return dir;
}

test('sdpm info prints one row per series with slices, spacing, tilt, load status, problems and skipped files', async () => {
  const dir = await studyFolder();
  const ctx = captureCtx();
  assert.equal(await info.run([dir], ctx), 0);
  const text = ctx.out.join('');
  assert.match(text, /2 series in 8 files/);
  assert.match(text, /1\.2\.3\.1\s+2\s+NCCT head\s+CT\s+5\s+16x16\s+0\.500 x 0\.500 x 5\.00\s+0\.0°\s+yes/);
  assert.match(text, /1\.2\.3\.2\s+5\s+synthetic head\s+MR\s+2\s+.*no/);
  assert.match(text, /1\.2\.3\.2: not loadable: modality is MR, not CT/);
  assert.match(text, /skipped 1 file\(s\) \(1 DICOM_NOT_DICOM\):\n {2}.*notes\.txt: not a DICOM file/);
});

test('sdpm info --json gives the scan as JSON with file lists', async () => {
  const dir = await studyFolder();
  const ctx = captureCtx();
  assert.equal(await info.run([dir, '--json'], ctx), 0);
  const scan = JSON.parse(ctx.out.join('')) as { series: Array<{ id: string; sliceCount: number; files: string[]; segmentable: boolean }>; skipped: Array<{ code: string }> };
  assert.deepEqual(scan.series.map((s) => [s.id, s.sliceCount, s.files.length, s.segmentable]), [['1.2.3.1', 5, 5, true], ['1.2.3.2', 2, 2, false]]);
  assert.deepEqual(scan.skipped.map((s) => s.code), ['DICOM_NOT_DICOM']);
});

test('sdpm info without a folder is a usage error; a missing folder is an IO error naming it', async () => {
  await assert.rejects(info.run([], captureCtx()), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(info.run(['/nonexistent/sdpm-folder'], captureCtx()), (e: unknown) => isSdpmError(e, 'IO_ERROR') && e.message.includes('/nonexistent/sdpm-folder'));
});

test('the dispatcher knows info and convert', async () => {
  const writes: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => {
    writes.push(String(s));
    return true;
  }) as typeof process.stdout.write;
  try {
    assert.equal(await main(['--help']), 0);
  } finally {
    process.stdout.write = orig;
  }
  assert.match(writes.join(''), /\n {2}info +list the DICOM series/);
  assert.match(writes.join(''), /\n {2}convert +convert a DICOM CT series to NIfTI/);
});
