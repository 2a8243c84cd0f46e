/**
 * 200 small synthetic DICOM studies, 5% of them corrupt in ten different ways, through `sdpm batch` with the
 * tiny test bundle (y_avg only, 2 workers): every good study is done, every bad study is one error row that
 * names the file (or folder) and the problem, and no result folder is partial. Five more good studies each
 * carry one bad file, which is left out and named in the report (the loader's rule).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encapsulate } from '../../fixtures/dicom-fuzz/fuzzDicom';
import { encodeSyntheticSlice, writeSyntheticSeries, type SyntheticSlice } from '../../fixtures/dicom-generated/syntheticCt';
import { encodeJpegLossless } from '../../unit/electron/core/dicom/codecs/encodeJpegLossless';
import { runCli } from './runCli';
import { readSegHeader } from '../../../electron/core/seg/readSeg';

const ROOT = new URL('../../..', import.meta.url).pathname;
const FAST = ['--bundle', join(ROOT, 'models/bundles/sdpm-tiny-test'), '--provider', 'cpu', '--mode', 'avg', '--threads', '1'];
const N = 200;
const R = 32;

/** HU + 1024 of a head-like slice: air, skull ring, brain, a brighter blob. */
function headValue(i: number, j: number, k: number, shift: number): number {
  const r = Math.hypot(i - R / 2, j - R / 2);
  if (r > R * 0.45) return 0;
  if (r > R * 0.4) return 1024 + 900;
  return 1024 + (Math.hypot(i - R * 0.6 - (shift % 5), j - R / 2) < 4 && k > 0 ? 70 : 32);
}

function sliceSpec(study: number, k: number, extra: Partial<SyntheticSlice> = {}): SyntheticSlice {
  const pixels = new Int16Array(R * R);
  for (let j = 0; j < R; j++) for (let i = 0; i < R; i++) pixels[i + R * j] = headValue(i, j, k, study);
  const uid = `1.2.826.0.1.3680043.10.500.${study}`;
  return { fileName: `slice${k}.dcm`, seriesUid: `${uid}.1`, studyUid: uid, sopUid: `${uid}.1.${k + 1}`, instanceNumber: k + 1, ipp: [0, 0, 5 * k], rows: R, columns: R, pixels, intercept: -1024, ...extra };
}

async function goodStudy(dir: string, study: number): Promise<void> {
  const uid = `1.2.826.0.1.3680043.10.500.${study}`;
  await writeSyntheticSeries(dir, { seriesUid: `${uid}.1`, count: 3, rows: R, columns: R, prefix: 'slice', value: (i, j, k) => headValue(i, j, k, study), extra: { studyUid: uid, intercept: -1024 } });
}

const write = (dir: string, name: string, bytes: Uint8Array | string): void => writeFileSync(join(dir, name), bytes);

/** The ten corrupt studies: [what, how to write it, what the error row must say]. */
const BAD: [string, (dir: string, s: number) => void, RegExp][] = [
  ['every file cut in its header', (d, s) => [0, 1, 2].forEach((k) => write(d, `slice${k}.dcm`, encodeSyntheticSlice(sliceSpec(s, k)).bytes.slice(0, 300))), /SERIES_EMPTY_FOLDER.*slice0\.dcm/],
  ['no DICOM at all', (d) => [0, 1].forEach((k) => write(d, `notes${k}.txt`, 'scanner export log')), /SERIES_EMPTY_FOLDER.*notes0\.txt.*not a DICOM file/],
  ['an empty folder', () => undefined, /SERIES_EMPTY_FOLDER.*contains no files/],
  ['an MR series', (d, s) => [0, 1, 2].forEach((k) => write(d, `slice${k}.dcm`, encodeSyntheticSlice(sliceSpec(s, k, { modality: 'MR' })).bytes)), /SERIES_NOT_CT.*slice0\.dcm/],
  ['a single slice', (d, s) => write(d, 'slice0.dcm', encodeSyntheticSlice(sliceSpec(s, 0)).bytes), /SERIES_NOT_CT.*slice0\.dcm: single slice/],
  ['two different slices at one position', (d, s) => [0, 1, 2].forEach((k) => write(d, `slice${k}.dcm`, encodeSyntheticSlice({ ...sliceSpec(s, k), ipp: [0, 0, k === 2 ? 5 : 0] }).bytes)), /SERIES_DUPLICATE_SLICES.*slice0\.dcm and .*slice1\.dcm/],
  ['pixel data shorter than every frame', (d, s) => [0, 1, 2].forEach((k) => {
    const b = encodeSyntheticSlice(sliceSpec(s, k)).bytes;
    const pd = b.length - R * R * 2 - 12;
    new DataView(b.buffer).setUint32(pd + 8, 64, true);
    write(d, `slice${k}.dcm`, b.slice(0, pd + 12 + 64));
  }), /SERIES_TOO_FEW_SLICES.*3 of 3 files cannot be decoded.*slice\d\.dcm: pixel data is shorter/],
  ['JPEG frames declaring 4000x4000 in a 32x32 series', (d, s) => [0, 1, 2].forEach((k) => {
    const frame = encodeJpegLossless([1, 2, 3, 4], { width: 2, height: 2, components: 1, precision: 16, predictor: 1 });
    frame.set([0x0f, 0xa0, 0x0f, 0xa0], frame.indexOf(0xc3) + 4); // SOF3: lines, samples per line = 4000
    write(d, `slice${k}.dcm`, encapsulate(encodeSyntheticSlice(sliceSpec(s, k)).bytes, '1.2.840.10008.1.2.4.70', frame, R * R * 2));
  }), /SERIES_TOO_FEW_SLICES.*slice\d\.dcm: frame 1 in .*codestream is 4000x4000x1, the header says 32x32x1/],
  ['no slice geometry', (d, s) => [0, 1, 2].forEach((k) => {
    const b = encodeSyntheticSlice(sliceSpec(s, k)).bytes;
    const at = new TextDecoder('latin1').decode(b).indexOf('\x20\x00\x32\x00DS');
    b.fill(0x20, at + 8, at + 8 + new DataView(b.buffer).getUint16(at + 6, true));
    write(d, `slice${k}.dcm`, b);
  }), /SERIES_NOT_CT.*slice0\.dcm.*no ImagePositionPatient/],
  ['a NIfTI file that is not one', () => undefined, /NIFTI_INVALID.*study-nifti\.nii\.gz/],
];

test(`batch over ${N} studies, ${BAD.length} corrupt: every good study done, one error row naming the file per bad one, no partial folder`, async () => {
  const root = mkdtempSync(join(tmpdir(), 'sdpm-batch200-'));
  const input = join(root, 'studies');
  mkdirSync(input);
  const badIds = new Map<string, RegExp>();
  const withBadFile: string[] = [];
  for (let s = 0; s < N; s++) {
    const id = `study${String(s).padStart(3, '0')}`;
    const bad = s % 20 === 7 ? BAD[Math.floor(s / 20)] : undefined;
    if (bad !== undefined && bad[0].startsWith('a NIfTI')) {
      write(input, 'study-nifti.nii.gz', 'this is not a NIfTI file');
      badIds.set('study-nifti', bad[2]);
      continue;
    }
    const dir = join(input, id);
    mkdirSync(dir);
    if (bad !== undefined) {
      bad[1](dir, s);
      badIds.set(id, bad[2]);
      continue;
    }
    await goodStudy(dir, s);
    if (s % 40 === 13) {
      write(dir, 'slice9.dcm', encodeSyntheticSlice(sliceSpec(s, 9)).bytes.slice(0, -100)); // one file cut in its pixel data, among good slices
      withBadFile.push(id);
    }
  }
  const out = join(root, 'out');
  const t0 = performance.now();
  const r = await runCli(['batch', input, ...FAST, '--workers', '2', '--out', out]);
  process.stdout.write(`# batch of ${N} studies: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  assert.equal(r.code, 1, r.err.slice(-2000));
  assert.match(r.out, new RegExp(`${N - BAD.length}/${N} studies ok, ${BAD.length} failed, 0 missing`));
  const rows = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n').slice(1);
  assert.equal(rows.length, N);
  for (const row of rows) {
    const id = row.split(',')[0] ?? '';
    const expect = badIds.get(id);
    if (expect === undefined) assert.match(row, /^[^,]+,[^,]+,ok,1\.2\.826\.0\.1\.3680043\.10\.500\.\d+,/, row);
    else {
      assert.match(row, /,error,/, row);
      assert.match(row, expect, `${id}: ${row}`);
      assert.ok(row.includes(join(input, id)), `${id}: the error names a path of the study: ${row}`);
    }
  }
  // every result folder is complete; nothing is left under .partial
  const folders = readdirSync(join(out, 'studies'));
  assert.equal(folders.length, N - BAD.length);
  for (const f of folders) for (const file of ['report.json', 'study.json', 'mask.nii.gz', 'probability.nii.gz', 'seg.dcm']) assert.ok(existsSync(join(out, 'studies', f, file)), `${f}/${file}`);
  // each study's DICOM SEG references its own series and has one segment per lesion of report.json (or one empty)
  for (const f of folders.slice(0, 5)) {
    const study = JSON.parse(readFileSync(join(out, 'studies', f, 'study.json'), 'utf8')) as { studyInstanceUid: string; seg: { file: string; segments: number } };
    const rep = JSON.parse(readFileSync(join(out, 'studies', f, 'report.json'), 'utf8')) as { lesions: unknown[] };
    const seg = readSegHeader(readFileSync(join(out, 'studies', f, 'seg.dcm')));
    assert.equal(seg.studyInstanceUid, study.studyInstanceUid, `${f}: SEG in the study`);
    assert.equal(seg.segments.length, Math.max(1, rep.lesions.length), `${f}: one segment per lesion`);
    assert.equal(study.seg.segments, seg.segments.length);
  }
  assert.ok(rows.filter((row) => row.includes(',ok,')).every((row) => /studies\/[^,]+\/seg\.dcm/.test(row)), 'results.csv names each ok study\'s SEG');
  assert.equal(readdirSync(join(out, 'errors')).length, BAD.length);
  assert.deepEqual(readdirSync(join(out, '.partial')), []);
  // the studies with one bad file among good slices are done, and their report names the file
  for (const id of withBadFile) {
    const f = folders.find((x) => x.startsWith(`1.2.826.0.1.3680043.10.500.${Number(id.slice(5))}_`));
    assert.ok(f !== undefined, id);
    const rep = JSON.parse(readFileSync(join(out, 'studies', f, 'report.json'), 'utf8')) as { study: { loaderNotes: string[] } };
    assert.ok(rep.study.loaderNotes.some((n) => n.includes(join(input, id, 'slice9.dcm')) && n.includes('DICOM_TRUNCATED')), JSON.stringify(rep.study.loaderNotes));
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { ok: number; error: number; missing: number };
  assert.deepEqual([summary.ok, summary.error, summary.missing], [N - BAD.length, BAD.length, 0]);
  rmSync(root, { recursive: true, force: true }); // kept when an assertion failed, for inspection
});
