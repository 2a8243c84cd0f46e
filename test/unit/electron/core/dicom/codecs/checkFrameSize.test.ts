import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompressedFrame, readJ2kFrameHeader, readJpegFrameHeader } from '../../../../../../electron/core/dicom/codecs/checkFrameSize';
import { isSdpmError } from '../../../../../../electron/core/errors';
import { encodeJpegLossless } from './encodeJpegLossless';

const E = { rows: 4, columns: 6, samplesPerPixel: 1, bitsAllocated: 16, filePath: '/s/x.dcm' };
const jpeg = (w: number, h: number): Uint8Array => encodeJpegLossless(new Array<number>(w * h).fill(7), { width: w, height: h, components: 1, precision: 12, predictor: 1 });

test('the JPEG frame header is read without decoding', () => {
  assert.deepEqual(readJpegFrameHeader(jpeg(6, 4)), { width: 6, height: 4, components: 1, precision: 12 });
  assert.equal(readJpegFrameHeader(new Uint8Array([1, 2, 3])), null);
});

test('a codestream declaring another size than the header is refused before any decoder runs', () => {
  checkCompressedFrame('jpeg-lossless', jpeg(6, 4), E, 'frame 1');
  assert.throws(() => checkCompressedFrame('jpeg-lossless', jpeg(60, 40), E, 'frame 1'), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /is 60x40x1, the header says 6x4x1/.test(e.message) && e.message.includes('/s/x.dcm'));
  assert.throws(() => checkCompressedFrame('jpeg2000', jpeg(6, 4), E, 'frame 1'), /no JPEG 2000 SIZ header/);
});

test('the JPEG 2000 SIZ segment gives the image size minus its offset', () => {
  const siz = new Uint8Array(4 + 2 + 38 + 3);
  const dv = new DataView(siz.buffer);
  siz.set([0xff, 0x4f, 0xff, 0x51]);
  dv.setUint32(8, 70000, false); // Xsiz
  dv.setUint32(12, 90000, false); // Ysiz
  dv.setUint32(16, 10000, false); // XOsiz
  dv.setUint16(40, 1, false); // Csiz
  siz[42] = 15; // Ssiz: 16 bits
  assert.deepEqual(readJ2kFrameHeader(siz), { width: 60000, height: 90000, components: 1, precision: 16 });
  assert.throws(() => checkCompressedFrame('jpeg2000', siz, E, 'frame 1'), /is 60000x90000x1, the header says 6x4x1/);
});

test('a frame over the memory budget is refused from the DICOM header alone (RLE included)', () => {
  const big = { ...E, rows: 60000, columns: 60000 };
  assert.throws(() => checkCompressedFrame('rle', new Uint8Array(64), big, 'frame 1'), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /over the frame budget/.test(e.message));
  checkCompressedFrame('rle', new Uint8Array(64), E, 'frame 1');
  assert.throws(() => checkCompressedFrame('rle', new Uint8Array(64), E, 'frame 1', 10), /over the frame budget of 10 bytes/);
});
