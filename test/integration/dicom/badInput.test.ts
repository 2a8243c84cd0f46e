/**
 * Bad input: every case must end in a clear error or warning that names the file (or folder) and the
 * problem. Inputs are generated into temp folders at test time (real GE slices where a real file helps).
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isSdpmError } from '../../../electron/core/errors';
import type { ErrorCode } from '../../../electron/core/errors';
import { memoryLogger } from '../../../electron/core/logger';
import { discoverSeries } from '../../../electron/core/dicom/discoverSeries';
import { loadSeries } from '../../../electron/core/dicom/loadSeries';
import { loadVolumeFromFolder } from '../../../electron/core/dicom/loadVolumeFromFolder';
import { makeTempDir, writeSyntheticSeries, writeSyntheticSlice } from '../../fixtures/dicom-generated/syntheticCt';
import { sharedDicom, skipWithoutData } from './sharedData';

const dirs: string[] = [];
async function tempDir(label: string): Promise<string> {
  const d = await makeTempDir(label);
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, ...mustMention: string[]): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(isSdpmError(err), `expected SdpmError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const m of mustMention) assert.ok(err.message.includes(m), `message should mention "${m}": ${err.message}`);
    return err.message;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

test('truncated file: listed by discovery with DICOM_TRUNCATED, refused by loading, naming the file', { skip: skipWithoutData }, async () => {
  const dir = await tempDir('trunc');
  const good = ['01.dcm', '02.dcm', '03.dcm'];
  for (const f of good) await copyFile(sharedDicom('ge-head-ncct', f), join(dir, f));
  const bytes = await readFile(sharedDicom('ge-head-ncct', '04.dcm'));
  const cut = join(dir, '04.dcm');
  await writeFile(cut, bytes.subarray(0, 300_000));
  const headerCut = join(dir, '05.dcm');
  await writeFile(headerCut, bytes.subarray(0, 700));
  const scan = await discoverSeries(dir);
  assert.equal(scan.series.length, 1);
  assert.equal(scan.series[0]?.sliceCount, 3);
  const skipped = new Map(scan.skipped.map((s) => [s.path, s]));
  assert.equal(skipped.get(cut)?.code, 'DICOM_TRUNCATED');
  assert.match(skipped.get(cut)?.reason ?? '', /04\.dcm: file is truncated/);
  assert.equal(skipped.get(headerCut)?.code, 'DICOM_TRUNCATED');
  await rejectsWith(loadSeries([cut]), 'DICOM_TRUNCATED', cut);
});

test('non-DICOM files are reported, not fatal', async () => {
  const dir = await tempDir('nondicom');
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.100', count: 3 });
  const txt = join(dir, 'notes.txt');
  await writeFile(txt, 'hello, not an image');
  await mkdir(join(dir, 'sub'));
  const png = join(dir, 'sub', 'shot.png');
  await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(0)]));
  const scan = await discoverSeries(dir);
  assert.equal(scan.series.length, 1);
  assert.equal(scan.fileCount, 5);
  assert.deepEqual(scan.skipped.map((s) => [s.path, s.code]).sort(), [[png, 'DICOM_NOT_DICOM'], [txt, 'DICOM_NOT_DICOM']].sort());
  assert.ok(scan.skipped.every((s) => s.reason.startsWith(s.path)), 'each reason names its file');
  await rejectsWith(loadSeries([txt]), 'DICOM_NOT_DICOM', txt);
});

test('empty folder, and a folder with no DICOM images', async () => {
  const empty = await tempDir('empty');
  await rejectsWith(discoverSeries(empty), 'SERIES_EMPTY_FOLDER', empty);
  const junk = await tempDir('junk');
  await writeFile(join(junk, 'readme.md'), '# nothing');
  await rejectsWith(loadVolumeFromFolder(junk), 'SERIES_EMPTY_FOLDER', junk, 'readme.md');
});

test('two series in one folder: both listed; loading without a choice says which and how to choose', async () => {
  const dir = await tempDir('two');
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.201', count: 4, prefix: 'a', extra: { seriesNumber: 2, seriesDescription: 'head std' } });
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.202', count: 3, prefix: 'b', extra: { seriesNumber: 3, seriesDescription: 'head bone' } });
  const scan = await discoverSeries(dir);
  assert.deepEqual(scan.series.map((s) => [s.id, s.sliceCount]), [['1.2.3.201', 4], ['1.2.3.202', 3]]);
  await rejectsWith(loadVolumeFromFolder(dir), 'SERIES_AMBIGUOUS', '1.2.3.201', '1.2.3.202', '--series');
  const v = await loadVolumeFromFolder(dir, { seriesUid: '1.2.3.202' });
  assert.equal(v.dimensions[2], 3);
  await rejectsWith(loadVolumeFromFolder(dir, { seriesUid: '9.9.9' }), 'SERIES_NOT_FOUND', '9.9.9', '1.2.3.201');
});

test('a missing slice is detected: resampled by default with a note, refused on request naming the files', async () => {
  const dir = await tempDir('gap');
  const files = await writeSyntheticSeries(dir, { seriesUid: '1.2.3.300', count: 8 });
  await rm(files[4]!);
  const scan = await discoverSeries(dir);
  const s = scan.series[0]!;
  assert.ok(s.problems.some((p) => /about 1 missing slice\(s\) after slice 4: gap 10\.00 mm, typical 5\.00 mm/.test(p)), s.problems.join('|'));
  const v = await loadSeries(s);
  assert.equal(v.corrections.resampledToEquidistant, true);
  assert.deepEqual([...v.corrections.sliceGapsMm], [5, 10]);
  assert.equal(v.dimensions[2], 8, '35 mm at 5 mm: the missing slice is interpolated back');
  assert.ok(v.corrections.notes.some((n) => n.includes('missing slice') && n.includes(files[3]!)));
  await rejectsWith(loadSeries(s, { gapPolicy: 'refuse' }), 'SERIES_GAP_REFUSED', '10.00 mm', files[3]!, files[5]!);
});

test('duplicate slices: identical ones are dropped with a warning, different ones are an error naming both files', async () => {
  const dir = await tempDir('dup');
  const files = await writeSyntheticSeries(dir, { seriesUid: '1.2.3.400', count: 5 });
  const copy = join(dir, 'copy.dcm');
  await writeSyntheticSlice(dir, {
    fileName: 'copy.dcm', seriesUid: '1.2.3.400', sopUid: '1.2.3.400.99', ipp: [0, 0, 10], rows: 16, columns: 16,
    pixels: Int16Array.from({ length: 256 }, (_, p) => ((p % 16) + 2 * Math.floor(p / 16) + 20) % 100),
  });
  const log = memoryLogger();
  const v = await loadVolumeFromFolder(dir, { log });
  assert.equal(v.dimensions[2], 5);
  assert.ok(v.corrections.notes.some((n) => n.includes('duplicate slice dropped') && n.includes('copy.dcm')));
  assert.ok(log.records.some((r) => r.level === 'warn' && r.message.includes('copy.dcm')));

  await writeSyntheticSlice(dir, { fileName: 'copy.dcm', seriesUid: '1.2.3.400', sopUid: '1.2.3.400.99', ipp: [0, 0, 10], rows: 16, columns: 16, pixels: new Int16Array(256).fill(7) });
  await rejectsWith(loadVolumeFromFolder(dir), 'SERIES_DUPLICATE_SLICES', copy, files[2]!, 'different pixel data');
});

test('a non-CT series is listed as not segmentable and refused with SERIES_NOT_CT', async () => {
  const dir = await tempDir('mr');
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.500', count: 4, extra: { modality: 'MR' } });
  const scan = await discoverSeries(dir);
  assert.equal(scan.series[0]?.segmentable, false);
  assert.deepEqual(scan.series[0]?.reasons, ['modality is MR, not CT']);
  await rejectsWith(loadSeries(scan.series[0]!), 'SERIES_NOT_CT', 'modality is MR', dir);
  await rejectsWith(loadVolumeFromFolder(dir), 'SERIES_NOT_CT', 'no segmentable CT series', 'modality is MR');
});

test('a single-slice series is refused with SERIES_TOO_FEW_SLICES', async () => {
  const dir = await tempDir('one');
  const [f] = await writeSyntheticSeries(dir, { seriesUid: '1.2.3.600', count: 1 });
  const scan = await discoverSeries(dir);
  assert.equal(scan.series[0]?.segmentable, false);
  await rejectsWith(loadSeries(scan.series[0]!), 'SERIES_TOO_FEW_SLICES', f!);
});

test('localizer, derived secondary and Secondary Capture images are recognised as not segmentable', async () => {
  const dir = await tempDir('kinds');
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.700', count: 4 });
  await writeSyntheticSlice(dir, { fileName: 'scout.dcm', seriesUid: '1.2.3.700', sopUid: '1.2.3.700.50', ipp: [0, 0, 0], iop: [1, 0, 0, 0, 0, -1], rows: 16, columns: 16 });
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.701', count: 2, prefix: 'loc', extra: { imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER' } });
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.702', count: 3, prefix: 'mpr', extra: { imageType: 'DERIVED\\SECONDARY\\REFORMATTED' } });
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.703', count: 2, prefix: 'sc', extra: { sopClassUid: '1.2.840.10008.5.1.4.1.1.7' } });
  const scan = await discoverSeries(dir);
  const byId = new Map(scan.series.map((s) => [s.id, s]));
  const scout = scan.series.find((s) => s.seriesInstanceUid === '1.2.3.700' && s.sliceCount === 1);
  assert.match(scout?.reasons.join() ?? '', /localizer: a single slice whose orientation differs/);
  assert.match(scout?.splitReason ?? '', /orientation/);
  assert.equal(scan.series.find((s) => s.seriesInstanceUid === '1.2.3.700' && s.sliceCount === 4)?.segmentable, true);
  assert.match(byId.get('1.2.3.701')?.reasons.join() ?? '', /localizer\/scout/);
  assert.match(byId.get('1.2.3.702')?.reasons.join() ?? '', /derived secondary/);
  assert.match(byId.get('1.2.3.703')?.reasons.join() ?? '', /Secondary Capture/);
  const v = await loadVolumeFromFolder(dir);
  assert.equal(v.dimensions[2], 4, 'the one segmentable CT series is picked');
  await rejectsWith(loadSeries(byId.get('1.2.3.702')!), 'SERIES_NOT_CT', 'derived secondary');
  const derived = await loadSeries(byId.get('1.2.3.702')!, { acceptDerived: true });
  assert.equal(derived.dimensions[2], 3);
  assert.ok(derived.corrections.notes.some((n) => n.includes('acceptDerived')));
  const withDerived = await discoverSeries(dir, { acceptDerived: true });
  assert.equal(withDerived.series.find((s) => s.id === '1.2.3.702')?.segmentable, true);
});

test('a rescan with the same SeriesInstanceUID is split by acquisition', async () => {
  const dir = await tempDir('acq');
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.800', count: 3, prefix: 'a1_', extra: { acquisitionNumber: 1 } });
  await writeSyntheticSeries(dir, { seriesUid: '1.2.3.800', count: 3, prefix: 'a2_', value: () => 5, extra: { acquisitionNumber: 2, sopUid: 'x' } });
  const scan = await discoverSeries(dir);
  // sopUid 'x' is shared by the second acquisition's files; grouping must not depend on SOP UIDs
  assert.deepEqual(scan.series.map((s) => [s.id, s.sliceCount]), [['1.2.3.800#1', 3], ['1.2.3.800#2', 3]]);
  assert.ok(scan.series.every((s) => /repeats positions/.test(s.splitReason ?? '')));
});

test('2,000 slices of 512x512 are refused from the headers, before any pixel data is read', async () => {
  const dir = await tempDir('huge');
  for (let k = 0; k < 2000; k++) {
    await writeSyntheticSlice(dir, {
      fileName: `s${String(k).padStart(4, '0')}.dcm`, seriesUid: '1.2.3.900', sopUid: `1.2.3.900.${k + 1}`, instanceNumber: k + 1,
      ipp: [0, 0, 0.5 * k], rows: 512, columns: 512, declaredOnly: true,
    });
  }
  const scan = await discoverSeries(dir);
  const s = scan.series[0]!;
  assert.equal(s.sliceCount, 2000);
  assert.ok(s.problems.some((p) => p.startsWith('too large: 2000 slices of 512x512 need about 1.05 GB (limit 1.00 GB)')), s.problems.join('|'));
  // Cut every file to its header: any attempt to read pixel data would now fail with DICOM_TRUNCATED.
  for (const h of s.slices) await truncate(h.filePath, h.pixelDataOffset ?? 0);
  const msg = await rejectsWith(loadSeries(s), 'SERIES_TOO_LARGE', '2000 slices of 512x512', '1.05 GB', '1.00 GB', 's0000.dcm');
  assert.match(msg, /raise maxBytes/);
  await rejectsWith(loadSeries(s, { maxBytes: 5e8 }), 'SERIES_TOO_LARGE', '500.0 MB');
});
