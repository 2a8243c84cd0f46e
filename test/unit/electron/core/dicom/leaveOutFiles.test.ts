/**
 * Rule: a bad file among good slices is named and left out; it never fails its folder or series. And the
 * regressions the loader fuzzer found (replayed by index from the fixed-seed run, so they stay covered).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeries } from '../../../../../electron/core/dicom/loadSeries';
import { loadVolumeFromFolder } from '../../../../../electron/core/dicom/loadVolumeFromFolder';
import { isSdpmError } from '../../../../../electron/core/errors';
import { goodSlices, inputFor, makeSeeds, runInput } from '../../../../fixtures/dicom-fuzz/fuzzDicom';
import { encodeSyntheticSlice, type SyntheticSlice } from '../../../../fixtures/dicom-generated/syntheticCt';
import { encodeJpegLossless } from './codecs/encodeJpegLossless';

const UID = '1.2.826.0.1.3680043.10.77';

function slice(k: number): SyntheticSlice {
  const pixels = new Int16Array(64).fill(1040 + k);
  return { fileName: `s${k}.dcm`, seriesUid: UID, sopUid: `${UID}.${k + 1}`, instanceNumber: k + 1, ipp: [0, 0, 5 * k], rows: 8, columns: 8, pixels, intercept: -1024 };
}

function tagAt(b: Uint8Array, g: number, e: number): number {
  for (let i = 132; i + 4 < b.length; i++) if (b[i] === (g & 0xff) && b[i + 1] === g >> 8 && b[i + 2] === (e & 0xff) && b[i + 3] === e >> 8) return i;
  throw new Error('tag not found');
}

function folderWith(bad: { k: number; bytes: Uint8Array }, count = 5): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-leaveout-'));
  for (let k = 0; k < count; k++) writeFileSync(join(dir, `s${k}.dcm`), k === bad.k ? bad.bytes : encodeSyntheticSlice(slice(k)).bytes);
  return dir;
}

test('a slice whose pixel data cannot be decoded is left out and named; the series loads from the rest', async () => {
  const b = encodeSyntheticSlice(slice(2)).bytes;
  const pd = tagAt(b, 0x7fe0, 0x0010);
  new DataView(b.buffer).setUint32(pd + 8, 100, true); // declares 100 bytes (fits the file: not "truncated" from the header)
  const dir = folderWith({ k: 2, bytes: b.slice(0, pd + 12 + 100) });
  const v = await loadVolumeFromFolder(dir);
  assert.equal(v.dimensions[2], 5, 'four slices with one 10 mm gap, resampled to 5 mm');
  assert.ok(v.corrections.notes.some((n) => n.startsWith(`file left out: ${join(dir, 's2.dcm')} [DICOM_TRUNCATED]`)), v.corrections.notes.join('\n'));
  const fromList = await loadSeries([0, 1, 2, 3, 4].map((k) => join(dir, `s${k}.dcm`)));
  assert.ok(fromList.corrections.notes.some((n) => n.includes('s2.dcm')));
});

test('a slice whose geometry is unreadable is left out and named, not the whole series "without geometry"', async () => {
  const b = encodeSyntheticSlice(slice(3)).bytes;
  const ipp = tagAt(b, 0x0020, 0x0032);
  const len = new DataView(b.buffer).getUint16(ipp + 6, true);
  b.fill(0x20, ipp + 8, ipp + 8 + len); // ImagePositionPatient present but blank
  const dir = folderWith({ k: 3, bytes: b });
  const v = await loadVolumeFromFolder(dir);
  assert.ok(v.corrections.notes.some((n) => n.includes(join(dir, 's3.dcm')) && n.includes('DICOM_MISSING_ATTRIBUTE')), v.corrections.notes.join('\n'));
});

test('a file that is not DICOM among the slices is named in the notes', async () => {
  const dir = folderWith({ k: 1, bytes: new TextEncoder().encode('not an image') });
  const v = await loadVolumeFromFolder(dir);
  assert.ok(v.corrections.notes.some((n) => n.startsWith(`file left out: ${join(dir, 's1.dcm')} [DICOM_NOT_DICOM]`)));
});

test('when every slice is bad the error names the files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-leaveout-'));
  for (let k = 0; k < 3; k++) writeFileSync(join(dir, `s${k}.dcm`), encodeSyntheticSlice(slice(k)).bytes.slice(0, 400));
  await assert.rejects(loadVolumeFromFolder(dir), (e: unknown) => isSdpmError(e, 'SERIES_EMPTY_FOLDER') && e.message.includes(join(dir, 's0.dcm')));
});

test('fuzzer regressions (fixed seed 20261204): lazily read elements past the data, transfer syntax swaps', async () => {
  // Before the fix these threw a TypeError ("reading 'trim'") or a bare string from dicom-parser's accessors.
  // Synthetic seeds only (the run that found them), so the replayed inputs do not depend on ../shared being there.
  const seeds = await makeSeeds(null, (px) => encodeJpegLossless(new Uint16Array(px.buffer), { width: 16, height: 16, components: 1, precision: 16, predictor: 1 }));
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-fuzzreg-'));
  for (const i of [16, 93, 118, 320, 462]) {
    const { seed, bytes } = inputFor(seeds, 20261204, i);
    const o = await runInput(bytes, seed, join(dir, String(i)), goodSlices());
    assert.notEqual(o.kind, 'crash', `input ${i}: ${o.detail}`);
  }
});
