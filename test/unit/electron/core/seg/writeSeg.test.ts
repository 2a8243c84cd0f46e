import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeSeg } from '../../../../../electron/core/seg/writeSeg';
import { readSeg, readSegHeader } from '../../../../../electron/core/seg/readSeg';
import { parseDicom, seq, str } from '../../../../../electron/core/seg/segParse';
import type { ReferencedSeries } from '../../../../../electron/core/seg/referencedSeries';
import { syntheticVolume } from './syntheticVolume';

const vol = syntheticVolume();
const ref: ReferencedSeries = { seriesInstanceUid: vol.identity.seriesInstanceUid, studyInstanceUid: vol.identity.studyInstanceUid, frameOfReferenceUid: vol.identity.frameOfReferenceUid, source: vol.source };
const n = 8 * 6 * 4;

function masks(): [Uint8Array, Uint8Array] {
  const a = new Uint8Array(n);
  const b = new Uint8Array(n);
  a[3 + 8 * (2 + 6 * 1)] = 1;
  a[4 + 8 * (2 + 6 * 1)] = 1;
  a[4 + 8 * (3 + 6 * 2)] = 1;
  b[4 + 8 * (2 + 6 * 1)] = 1; // overlaps a
  b[0] = 1;
  return [a, b];
}

test('BINARY round trip: frames only where a segment has voxels, overlapping segments kept apart, codes and algorithm written', () => {
  const [a, b] = masks();
  const w = writeSeg({ volume: vol, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: a }, { label: 'Infarct', kind: 'infarct', mask: b, algorithmType: 'SEMIAUTOMATIC' }], algorithm: { name: 'sdpm-ich', version: '1.2.0' }, reader: 'Doe^Jane' });
  assert.deepEqual(w.framesPerSegment, [2, 2]);
  assert.equal(w.numberOfFrames, 4);
  assert.deepEqual(w.sourceMasks[0], a, 'untilted, same grid: the source-slice mask is the mask itself');
  const r = readSeg(w.bytes, ref);
  assert.deepEqual(r.masks[0], a);
  assert.deepEqual(r.masks[1], b);
  assert.equal(r.contentCreatorName, 'Doe^Jane');
  assert.deepEqual(r.segments.map((s) => [s.type?.value, s.category?.value, s.algorithmType, s.algorithmName]), [
    ['50960005', '49755003', 'AUTOMATIC', 'sdpm-ich 1.2.0'],
    ['55641003', '49755003', 'SEMIAUTOMATIC', 'sdpm-ich 1.2.0'],
  ]);
  const { dataset } = parseDicom(w.bytes, 'mem');
  const pf = seq(dataset, 'PerFrameFunctionalGroupsSequence')[0];
  const src = seq(seq(pf ?? {}, 'DerivationImageSequence')[0] ?? {}, 'SourceImageSequence')[0] ?? {};
  assert.equal(str(src, 'ReferencedSOPClassUID'), '1.2.840.10008.5.1.4.1.1.2');
  assert.equal(str(seq(src, 'PurposeOfReferenceCodeSequence')[0] ?? {}, 'CodeValue'), '121322');
  const measures = seq(seq(dataset, 'SharedFunctionalGroupsSequence')[0] ?? {}, 'PixelMeasuresSequence')[0] ?? {};
  assert.equal(str(measures, 'SpacingBetweenSlices'), '2.5');
});

test('LABELMAP round trip for non-overlapping segments; overlap refused with a clear message', () => {
  const [a, b] = masks();
  b[4 + 8 * (2 + 6 * 1)] = 0;
  const w = writeSeg({ volume: vol, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: a }, { label: 'IVH', kind: 'hemorrhage', mask: b }], algorithm: { name: 'x', version: '1' }, segmentationType: 'LABELMAP' });
  assert.equal(w.sopClassUid, '1.2.840.10008.5.1.4.1.1.66.7');
  const r = readSeg(w.bytes, ref);
  assert.equal(r.segmentationType, 'LABELMAP');
  assert.deepEqual(r.masks[0], a);
  assert.deepEqual(r.masks[1], b);
  const [a2, b2] = masks();
  assert.throws(() => writeSeg({ volume: vol, segments: [{ label: 'a', kind: 'hemorrhage', mask: a2 }, { label: 'b', kind: 'infarct', mask: b2 }], algorithm: { name: 'x', version: '1' }, segmentationType: 'LABELMAP' }), /overlapping/);
});

test('an all-empty result writes a valid SEG with one empty placeholder frame', () => {
  const w = writeSeg({ volume: vol, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: new Uint8Array(n) }], algorithm: { name: 'x', version: '1' } });
  assert.equal(w.placeholderEmptyFrame, true);
  assert.equal(w.numberOfFrames, 1);
  const r = readSeg(w.bytes, ref);
  assert.equal(r.masks[0]?.reduce((s, v) => s + v, 0), 0);
});

test('a corrected SEG references the SEG it replaces (General Reference + Common Instance Reference)', () => {
  const [a] = masks();
  const first = writeSeg({ volume: vol, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: a }], algorithm: { name: 'x', version: '1' } });
  const second = writeSeg({ volume: vol, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: a, algorithmType: 'SEMIAUTOMATIC' }], algorithm: { name: 'x', version: '1' }, reader: 'Roe^Rick', replaces: { sopInstanceUid: first.sopInstanceUid, seriesInstanceUid: first.seriesInstanceUid } });
  const { dataset } = parseDicom(second.bytes, 'mem');
  const item = seq(dataset, 'ReferencedInstanceSequence')[0] ?? {};
  assert.equal(str(item, 'ReferencedSOPInstanceUID'), first.sopInstanceUid);
  assert.equal(str(seq(item, 'PurposeOfReferenceCodeSequence')[0] ?? {}, 'CodeValue'), '121360');
  assert.ok(readSegHeader(second.bytes).referencedSeriesUids.includes(first.seriesInstanceUid));
});

test('reader refuses a SEG of another series and a non-SEG file', () => {
  const [a] = masks();
  const w = writeSeg({ volume: vol, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: a }], algorithm: { name: 'x', version: '1' } });
  const other: ReferencedSeries = { ...ref, seriesInstanceUid: '1.2.3', source: { ...ref.source, slices: ref.source.slices.map((s) => ({ ...s, sopInstanceUid: `${s.sopInstanceUid}.9` })) } };
  assert.throws(() => readSeg(w.bytes, other), { code: 'SEG_NO_REFERENCE' });
  assert.throws(() => readSeg(new Uint8Array(300), ref), (e: { code?: string }) => e.code === 'DICOM_NOT_DICOM' || e.code === 'SEG_INVALID');
});
