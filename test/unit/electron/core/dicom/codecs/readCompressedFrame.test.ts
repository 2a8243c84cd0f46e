import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSet, Element, Fragment } from 'dicom-parser';
import { readCompressedFrame } from '../../../../../../electron/core/dicom/codecs/readCompressedFrame';
import { isSdpmError } from '../../../../../../electron/core/errors';

const FILE = '/in/multi.dcm';

/**
 * A hand-made data set: optional Extended Offset Table bytes first, then the fragments' payloads back to back.
 * Fragment `offset` is what dicom-parser records: item start relative to the first fragment item.
 */
function dataSet(payloads: number[][], eot?: number[]): { ds: DataSet; pixel: Element } {
  const eotBytes = eot === undefined ? new Uint8Array(0) : new Uint8Array(new BigUint64Array(eot.map(BigInt)).buffer);
  const total = eotBytes.length + payloads.reduce((s, p) => s + p.length, 0);
  const bytes = new Uint8Array(total);
  bytes.set(eotBytes, 0);
  const fragments: Fragment[] = [];
  let pos = eotBytes.length;
  let offset = 0;
  for (const p of payloads) {
    bytes.set(p, pos);
    fragments.push({ offset, position: pos, length: p.length });
    pos += p.length;
    offset += 8 + p.length;
  }
  const pixel: Element = { tag: 'x7fe00010', length: -1, dataOffset: 0, encapsulatedPixelData: true, basicOffsetTable: [], fragments };
  const elements: Record<string, Element> = { x7fe00010: pixel };
  if (eot !== undefined) elements.x7fe00001 = { tag: 'x7fe00001', vr: 'OV', length: eotBytes.length, dataOffset: 0 };
  return { ds: { byteArray: bytes, elements } as unknown as DataSet, pixel };
}

test('Extended Offset Table (7FE0,0001) locates frames made of several fragments', () => {
  // Frame 1 = fragments 0+1, frame 2 = fragment 2. Item offsets: 0, 8+2=10, 10+8+2=20.
  const { ds, pixel } = dataSet([[1, 2], [3, 4], [5, 6]], [0, 20]);
  assert.deepEqual([...readCompressedFrame(ds, pixel, 0, 2, FILE)], [1, 2, 3, 4]);
  assert.deepEqual([...readCompressedFrame(ds, pixel, 1, 2, FILE)], [5, 6]);
});

test('an offset table whose frame count disagrees with NumberOfFrames is refused', () => {
  const { ds, pixel } = dataSet([[1, 2], [3, 4]], [0]);
  assert.throws(() => readCompressedFrame(ds, pixel, 0, 2, FILE), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /lists 1 frames, NumberOfFrames is 2/.test(e.message));
});

test('an offset that points at no fragment is refused', () => {
  const { ds, pixel } = dataSet([[1, 2], [3, 4]], [0, 7]);
  assert.throws(() => readCompressedFrame(ds, pixel, 1, 2, FILE), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /frame 2 cannot be located/.test(e.message));
});

test('no offset table: JPEG 2000 frames are split at their SOC markers (FF4F)', () => {
  const { ds, pixel } = dataSet([[0xff, 0x4f, 1, 1], [2, 2], [0xff, 0x4f, 3, 3], [4, 4], [5, 5]]);
  assert.deepEqual([...readCompressedFrame(ds, pixel, 1, 2, FILE)], [0xff, 0x4f, 3, 3, 4, 4, 5, 5]);
});

test('a single frame takes every fragment, in order', () => {
  const { ds, pixel } = dataSet([[9], [8], [7]]);
  assert.deepEqual([...readCompressedFrame(ds, pixel, 0, 1, FILE)], [9, 8, 7]);
});

test('no fragments at all is DICOM_DECODE_FAILED', () => {
  const { ds, pixel } = dataSet([]);
  assert.throws(() => readCompressedFrame(ds, pixel, 0, 1, FILE), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /no fragments/.test(e.message));
});
