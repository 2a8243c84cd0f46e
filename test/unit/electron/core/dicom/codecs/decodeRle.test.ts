import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRle, unpackBits } from '../../../../../../electron/core/dicom/codecs/decodeRle';
import { isSdpmError } from '../../../../../../electron/core/errors';

/** An RLE frame: 64-byte header (segment count + offsets) followed by the given segments. */
function rleFrame(segments: number[][]): Uint8Array {
  const header = new Uint32Array(16);
  header[0] = segments.length;
  let offset = 64;
  segments.forEach((s, i) => {
    header[i + 1] = offset;
    offset += s.length;
  });
  const out = new Uint8Array(offset);
  out.set(new Uint8Array(header.buffer), 0);
  let o = 64;
  for (const s of segments) {
    out.set(s, o);
    o += s.length;
  }
  return out;
}

const shape = (rows: number, columns: number, bitsAllocated: number, samplesPerPixel = 1) => ({ rows, columns, bitsAllocated, samplesPerPixel, filePath: '/data/x.dcm' });

test('PackBits: literal run, replicate run and the -128 no-op (PS3.5 G.3.1)', () => {
  // 0x02 -> copy 3 literal bytes; 0xFD (-3) -> repeat next byte 4 times; 0x80 (-128) -> no-op; 0x00 -> copy 1.
  const src = new Uint8Array([0x02, 10, 20, 30, 0xfd, 7, 0x80, 0x00, 99]);
  const out = new Uint8Array(8);
  const n = unpackBits(src, 0, src.length, out, 0, 1, 8);
  assert.equal(n, 8);
  assert.deepEqual([...out], [10, 20, 30, 7, 7, 7, 7, 99]);
});

test('PackBits: the even-length padding byte after the last run is ignored', () => {
  const src = new Uint8Array([0xff, 5, 0x00]); // -1: repeat 5 twice; then a pad byte that must not be read as a header
  const out = new Uint8Array(2);
  assert.equal(unpackBits(src, 0, src.length, out, 0, 1, 2), 2);
  assert.deepEqual([...out], [5, 5]);
});

test('8-bit single-sample frame decodes row-major', () => {
  const frame = rleFrame([[0x05, 1, 2, 3, 4, 5, 6]]);
  assert.deepEqual([...decodeRle(frame, shape(2, 3, 8))], [1, 2, 3, 4, 5, 6]);
});

test('16-bit frame: first segment is the most significant byte, output is little endian', () => {
  // Values 0x0102, 0x0304, 0xFFFE (-2 as int16), 0x8000.
  const msb = [0x03, 0x01, 0x03, 0xff, 0x80];
  const lsb = [0x03, 0x02, 0x04, 0xfe, 0x00];
  const bytes = decodeRle(rleFrame([msb, lsb]), shape(2, 2, 16));
  assert.deepEqual([...new Uint16Array(bytes.buffer, bytes.byteOffset, 4)], [0x0102, 0x0304, 0xfffe, 0x8000]);
  assert.deepEqual([...new Int16Array(bytes.buffer, bytes.byteOffset, 4)], [258, 772, -2, -32768]);
});

test('three 8-bit samples: segments are colour planes, output is colour-by-pixel', () => {
  const r = [0xfe, 200]; // 200 three times
  const g = [0x02, 1, 2, 3];
  const b = [0xfe, 9];
  assert.deepEqual([...decodeRle(rleFrame([r, g, b]), shape(1, 3, 8, 3))], [200, 1, 9, 200, 2, 9, 200, 3, 9]);
});

test('a segment count that does not match the pixel format is refused with the file named', () => {
  assert.throws(
    () => decodeRle(rleFrame([[0x00, 1]]), shape(1, 1, 16)),
    (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /\/data\/x\.dcm/.test(e.message) && /1 segments/.test(e.message) && /need 2/.test(e.message),
  );
});

test('a truncated segment (too few bytes for the image) is DICOM_DECODE_FAILED, not silent zeros', () => {
  const frame = rleFrame([[0x05, 1, 2, 3, 4, 5, 6]]).subarray(0, 64 + 4); // literal run cut short
  assert.throws(() => decodeRle(frame, shape(2, 3, 8)), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /segment 1 decodes to 3 bytes, 6 expected/.test(e.message));
});

test('a frame shorter than the RLE header and offsets outside the frame are refused', () => {
  assert.throws(() => decodeRle(new Uint8Array(10), shape(1, 1, 8)), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /64-byte RLE header/.test(e.message));
  const bad = rleFrame([[0x00, 1]]);
  new DataView(bad.buffer).setUint32(4, 5000, true);
  assert.throws(() => decodeRle(bad, shape(1, 1, 8)), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /outside the/.test(e.message));
});
