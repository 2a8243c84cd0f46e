/**
 * Our SEG reader on SEG objects written by other tools (dcmqi, highdicom): each SEG whose source
 * series is present maps onto it; dcmqi results equal the NRRD label maps they were made from;
 * unsupported ones are refused with a clear message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readSeg, readSegHeader, type ReadSegResult } from '../../../electron/core/seg/readSeg';
import { findReferencedSeries, type ReferencedSeries } from '../../../electron/core/seg/referencedSeries';
import { readNrrd } from './readNrrd';

const DATA = join(import.meta.dirname, '../../../../shared/data/seg');
const DCMQI = join(DATA, 'dcmqi/data/segmentations');
const HD = join(DATA, 'highdicom');

async function load(file: string, sourceDir: string): Promise<{ r: ReadSegResult; ref: ReferencedSeries }> {
  const bytes = readFileSync(file);
  const h = readSegHeader(bytes, file);
  const ref = await findReferencedSeries(h.referencedSeriesUids[0] ?? '', [sourceDir]);
  return { r: readSeg(bytes, ref, { filePath: file }), ref };
}

/** NRRD label `label` resampled onto the source slices by position (same in-plane grid asserted). */
function nrrdOnSource(nrrdPath: string, label: number, ref: ReferencedSeries): Uint8Array {
  const nr = readNrrd(nrrdPath);
  const [nx, ny, nz] = nr.sizes as [number, number, number];
  const src = ref.source;
  assert.equal(nx, src.columns);
  assert.equal(ny, src.rows);
  const out = new Uint8Array(nx * ny * src.slices.length);
  const dk = nr.directions[2] as number[];
  for (let k = 0; k < nz; k++) {
    const w = [0, 1, 2].map((a) => (nr.origin[a] as number) + k * (dk[a] as number));
    const s = src.slices.findIndex((sl) => Math.hypot(sl.positionLps[0] - (w[0] as number), sl.positionLps[1] - (w[1] as number), sl.positionLps[2] - (w[2] as number)) < 0.01);
    if (s < 0) continue; // the SEG may cover only some source slices; those NRRD slices must then be empty
    for (let p = 0; p < nx * ny; p++) if (nr.data[k * nx * ny + p] === label) out[s * nx * ny + p] = 1;
  }
  return out;
}

function count(m: Uint8Array): number {
  let c = 0;
  for (const v of m) c += v;
  return c;
}

const dcmqiCases: Array<[string, string, Array<[string, number]>]> = [
  ['liver.dcm', 'ct-3slice', [['liver_seg.nrrd', 1]]],
  ['23x38x3/seg/label.seg', '23x38x3/image', [['23x38x3/nrrd/label.nrrd', 1]]],
  ['24x38x3/seg/label.seg', '24x38x3/image', [['24x38x3/nrrd/label.nrrd', 1]]],
  ['sparse-labelmap-noppv.dcm', '24x38x3/image', [['sparse_labelmap_noppv_seg.nrrd', 1]]],
  ['sparse-labelmap-ppv5.dcm', '24x38x3/image', [['sparse_labelmap_ppv5_seg.nrrd', 1]]],
];

for (const [segFile, sourceDir, expected] of dcmqiCases) {
  test(`dcmqi ${segFile}: read onto its source series equals the NRRD label map it was made from`, async () => {
    const { r, ref } = await load(join(DCMQI, segFile), join(DCMQI, sourceDir));
    assert.equal(r.masks.length, expected.length);
    expected.forEach(([nrrd, label], i) => {
      const want = nrrdOnSource(join(DCMQI, nrrd), label, ref);
      assert.ok(count(want) > 0);
      assert.deepEqual(r.masks[i], want, `segment ${i + 1} differs from ${nrrd} label ${label}`);
      process.stdout.write(`# dcmqi ${segFile} (${r.segmentationType}) segment ${r.segments[i]?.label}: ${count(r.masks[i] as Uint8Array)} voxels = ${nrrd} label ${label}; frames on source slices [${r.frameSlices.join(',')}]\n`);
    });
  });
}

test('dcmqi partial_overlaps.dcm: five overlapping segments, frames out of order, each equals one label of partial_overlaps-1/2/3.nrrd', async () => {
  const { r, ref } = await load(join(DCMQI, 'partial_overlaps.dcm'), join(DCMQI, 'ct-3slice'));
  assert.equal(r.masks.length, 5);
  const candidates: Array<[string, number, Uint8Array]> = [];
  for (const f of ['partial_overlaps-1.nrrd', 'partial_overlaps-2.nrrd', 'partial_overlaps-3.nrrd']) {
    const labels = new Set(readNrrd(join(DCMQI, f)).data);
    for (const l of labels) if (l !== 0) candidates.push([f, l, nrrdOnSource(join(DCMQI, f), l, ref)]);
  }
  assert.equal(candidates.length, 5);
  const used = new Set<number>();
  r.masks.forEach((m, i) => {
    const hit = candidates.findIndex(([, , want], c) => !used.has(c) && count(want) === count(m) && want.every((v, p) => v === m[p]));
    assert.ok(hit >= 0, `segment ${r.segments[i]?.label} matches no NRRD label`);
    used.add(hit);
    process.stdout.write(`# dcmqi partial_overlaps ${r.segments[i]?.label}: ${count(m)} voxels = ${candidates[hit]?.[0]} label ${candidates[hit]?.[1]}\n`);
  });
  // overlapping: some voxel is in two segments
  const sum = new Uint8Array(r.masks[0]?.length ?? 0);
  for (const m of r.masks) m.forEach((v, p) => (sum[p] = (sum[p] as number) + v));
  assert.ok(sum.some((v) => v > 1));
});

/** Per-segment voxel counts by pydicom (independent reader), FRACTIONAL counted at >= 0.5 max. */
function pydicomCounts(file: string): Record<string, number> {
  const py = `
import sys, json, pydicom, numpy as np
d = pydicom.dcmread(sys.argv[1]); a = d.pixel_array
if a.ndim == 2: a = a[None]
out = {}
mx = float(getattr(d, 'MaximumFractionalValue', 1))
for f, item in enumerate(d.PerFrameFunctionalGroupsSequence):
    s = int((item.SegmentIdentificationSequence if 'SegmentIdentificationSequence' in item else d.SharedFunctionalGroupsSequence[0].SegmentIdentificationSequence)[0].ReferencedSegmentNumber)
    v = a[f] >= 0.5 * mx if d.SegmentationType == 'FRACTIONAL' else a[f] > 0
    out[s] = out.get(s, 0) + int(v.sum())
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, number>;
}

const hdCases: Array<[string, string]> = [
  ['seg_image_ct_binary.dcm', 'pydicom_CT2_source'],
  ['seg_image_ct_binary_fractional.dcm', 'pydicom_CT2_source'],
  ['seg_image_ct_true_fractional.dcm', 'pydicom_CT2_source'],
  ['seg_image_ct_binary_overlap.dcm', 'pydicom_CT2_source'],
  ['seg_image_ct_binary_single_frame.dcm', 'ct_image.dcm'],
];

for (const [segFile, source] of hdCases) {
  test(`highdicom ${segFile}: maps onto its source series; voxel counts per segment equal pydicom's`, async () => {
    const file = join(HD, segFile);
    const { r, ref } = await load(file, join(HD, source));
    assert.equal(r.masks[0]?.length, ref.source.rows * ref.source.columns * ref.source.slices.length);
    const want = pydicomCounts(file);
    r.segments.forEach((s, i) => assert.equal(count(r.masks[i] as Uint8Array), want[String(s.number)], `segment ${s.number}`));
    if (r.segmentationType === 'FRACTIONAL') assert.match(r.notes.join(' '), /thresholded at >= 0.5/);
    process.stdout.write(`# highdicom ${segFile} (${r.segmentationType}): ${r.segments.map((s, i) => `${s.label}=${count(r.masks[i] as Uint8Array)}`).join(', ')} voxels on ${ref.source.slices.length} source slices; frames -> slices [${r.frameSlices.join(',')}]${r.notes.length > 0 ? `; ${r.notes.join('; ')}` : ''}\n`);
  });
}

test('highdicom seg_image_ct_binary_overlap.dcm: the two overlapping segments come back as two masks', async () => {
  const { r } = await load(join(HD, 'seg_image_ct_binary_overlap.dcm'), join(HD, 'pydicom_CT2_source'));
  assert.equal(r.masks.length, 2);
  assert.ok((r.masks[0] as Uint8Array).some((v, p) => v === 1 && r.masks[1]?.[p] === 1), 'they overlap');
});

test('refused with a clear message: slide-microscopy LABELMAP, SEGs whose source series is absent', async () => {
  assert.throws(() => readSegHeader(readFileSync(join(HD, 'seg_image_sm_control_labelmap.dcm'))), (e: { code?: string; message: string }) => e.code === 'SEG_UNSUPPORTED' && /slide-microscopy/.test(e.message));
  for (const f of [join(HD, 'seg_image_cr_binary.dcm'), join(DATA, 'dcmqi/data/sr-example/seg.dcm')]) {
    const h = readSegHeader(readFileSync(f));
    await assert.rejects(findReferencedSeries(h.referencedSeriesUids[0] ?? '', [DATA]), (e: { code?: string; message: string }) => e.code === 'SEG_NO_REFERENCE' && e.message.includes(h.referencedSeriesUids[0] ?? '?'));
  }
  // a CT series that is not the SEG's source is refused by the reader itself
  const other = await findReferencedSeries('1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322', [join(HD, 'ct_image.dcm')]);
  assert.throws(() => readSeg(readFileSync(join(HD, 'seg_image_ct_binary.dcm')), other), { code: 'SEG_NO_REFERENCE' });
});
