import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSet } from 'dicom-parser';
import { decodeFrame, describeTransferSyntax, type FrameInfo } from '../../../../../../electron/core/dicom/codecs/decodeFrame';
import { parseDicomFile } from '../../../../../../electron/core/dicom/codecs/parseDicomFile';
import { readFrameInfo } from '../../../../../../electron/core/dicom/codecs/readFrameInfo';
import { isSdpmError } from '../../../../../../electron/core/errors';
import { buildDicom, offsetsOf, type PixelAttributes, type PixelPayload } from './buildDicom';
import { encodeJpegLossless } from './encodeJpegLossless';

const FILE = '/archive/study/slice-007.dcm';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const RLE = '1.2.840.10008.1.2.5';
const JPEG_LOSSLESS_SV1 = '1.2.840.10008.1.2.4.70';

function load(ts: string, attrs: PixelAttributes, pixels: PixelPayload): { ds: DataSet; info: FrameInfo } {
  const ds = parseDicomFile(buildDicom(ts, attrs, pixels), FILE);
  return { ds, info: readFrameInfo(ds, FILE) };
}

const int16Bytes = (v: number[]): Uint8Array => new Uint8Array(new Int16Array(v).buffer);
const uint16Bytes = (v: number[]): Uint8Array => new Uint8Array(new Uint16Array(v).buffer);

/** A 1x2 8-bit RLE frame holding [a, b]. */
const rle8 = (a: number, b: number): Uint8Array => {
  const f = new Uint8Array(64 + 4);
  const dv = new DataView(f.buffer);
  dv.setUint32(0, 1, true);
  dv.setUint32(4, 64, true);
  f.set([0x01, a, b, 0x00], 64);
  return f;
};

test('unknown transfer syntax: DICOM_UNSUPPORTED_TRANSFER_SYNTAX naming the UID and the file', async () => {
  const { ds, info } = load(EXPLICIT_LE, { rows: 1, columns: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 }, { native: uint16Bytes([1]) });
  await assert.rejects(decodeFrame(ds, { ...info, transferSyntaxUid: '1.2.999.77' }), (e: unknown) => {
    assert.ok(isSdpmError(e, 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX'));
    assert.match(e.message, /unknown transfer syntax \(1\.2\.999\.77\)/);
    assert.ok(e.message.includes(FILE));
    assert.equal(e.path, FILE);
    return true;
  });
  assert.deepEqual(describeTransferSyntax('1.2.999.77'), { uid: '1.2.999.77', name: 'unknown transfer syntax', supported: false, lossy: false });
});

test('a recognised syntax without a codec (JPEG XL) is refused by name and UID', async () => {
  const { ds, info } = load('1.2.840.10008.1.2.4.110', { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0 }, { fragments: [new Uint8Array([0xff, 0x0a])] });
  await assert.rejects(
    decodeFrame(ds, info),
    (e: unknown) => isSdpmError(e, 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX') && e.message.includes('JPEG XL Lossless') && e.message.includes('1.2.840.10008.1.2.4.110') && e.message.includes(FILE),
  );
  assert.equal(describeTransferSyntax('1.2.840.10008.1.2.4.110').supported, false);
  assert.deepEqual(describeTransferSyntax('1.2.840.10008.1.2.4.51'), { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4), 12-bit lossy', supported: true, lossy: true });
  assert.equal(describeTransferSyntax(JPEG_LOSSLESS_SV1).lossy, false);
  assert.equal(describeTransferSyntax('1.2.840.10008.1.2.4.201').supported, true);
});

test('signed 12-bit stored in 16: sign-extended from bit 11, bits above the high bit ignored', async () => {
  // 0x0FFF = -1 in 12-bit two's complement; 0xF7FF has junk above bit 11 and is 0x7FF = 2047; 0x0800 = -2048.
  const { ds, info } = load(EXPLICIT_LE, { rows: 1, columns: 3, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 }, { native: uint16Bytes([0x0fff, 0xf7ff, 0x0800]) });
  const px = await decodeFrame(ds, info);
  assert.ok(px instanceof Int16Array);
  assert.deepEqual([...px], [-1, 2047, -2048]);
});

test('unsigned 12-bit stored in 16: masked to 12 bits', async () => {
  const { ds, info } = load(EXPLICIT_LE, { rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0 }, { native: uint16Bytes([0xf123, 0x0fff]) });
  const px = await decodeFrame(ds, info);
  assert.ok(px instanceof Uint16Array);
  assert.deepEqual([...px], [0x123, 0xfff]);
});

test('native colour-by-plane (PlanarConfiguration 1) comes back colour-by-pixel', async () => {
  const planar = new Uint8Array([1, 2, 10, 20, 100, 200]); // R plane, G plane, B plane of a 1x2 image
  const { ds, info } = load(EXPLICIT_LE, { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, samplesPerPixel: 3, planarConfiguration: 1 }, { native: planar });
  assert.deepEqual([...(await decodeFrame(ds, info))], [1, 10, 100, 2, 20, 200]);
});

test('native multi-frame: frame k is read at k * frame size', async () => {
  const { ds, info } = load(EXPLICIT_LE, { rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, numberOfFrames: 2 }, { native: int16Bytes([1, -2, 3, -4]) });
  assert.equal(info.numberOfFrames, 2);
  assert.deepEqual([...(await decodeFrame(ds, info, 1))], [3, -4]);
  await assert.rejects(decodeFrame(ds, info, 2), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED') && e.message.includes(FILE));
});

test('native pixel data shorter than the image is DICOM_TRUNCATED', async () => {
  const { ds, info } = load(EXPLICIT_LE, { rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 }, { native: uint16Bytes([1, 2]) });
  await assert.rejects(decodeFrame(ds, info), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED') && /shorter than frame 1 of 2x2/.test(e.message));
});

test('missing Pixel Data is DICOM_MISSING_ATTRIBUTE', async () => {
  const { ds, info } = load(EXPLICIT_LE, { rows: 1, columns: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 }, { native: uint16Bytes([1]) });
  delete ds.elements.x7fe00010;
  await assert.rejects(decodeFrame(ds, info), (e: unknown) => isSdpmError(e, 'DICOM_MISSING_ATTRIBUTE') && e.message.includes('(7FE0,0010)'));
});

test('encapsulated multi-frame RLE: one fragment per frame, no Basic Offset Table', async () => {
  const { ds, info } = load(RLE, { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, numberOfFrames: 3 }, { fragments: [rle8(1, 2), rle8(3, 4), rle8(5, 6)] });
  assert.deepEqual([...(await decodeFrame(ds, info, 0))], [1, 2]);
  assert.deepEqual([...(await decodeFrame(ds, info, 2))], [5, 6]);
  await assert.rejects(decodeFrame(ds, info, 3), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT'));
});

test('a frame split over several fragments is joined using the Basic Offset Table', async () => {
  const a = rle8(7, 8);
  const fragments = [a.subarray(0, 30), a.subarray(30), rle8(9, 10)];
  const bot = offsetsOf(fragments);
  const { ds, info } = load(RLE, { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, numberOfFrames: 2 }, { fragments, basicOffsetTable: [bot[0] ?? 0, bot[2] ?? 0] });
  assert.deepEqual([...(await decodeFrame(ds, info, 0))], [7, 8]);
  assert.deepEqual([...(await decodeFrame(ds, info, 1))], [9, 10]);
});

test('no offset table, more fragments than frames: frames found by their SOI markers (JPEG lossless)', async () => {
  const f0 = encodeJpegLossless([100, 200, 300, 400], { width: 2, height: 2, components: 1, precision: 16, predictor: 1 });
  const f1 = encodeJpegLossless([5, 6, 7, 65535], { width: 2, height: 2, components: 1, precision: 16, predictor: 1 });
  // Intermediate fragments have even lengths; buildDicom pads an odd last fragment with 0x00 after EOI.
  const even = [f0.subarray(0, 20), f0.subarray(20), f1.subarray(0, 12), f1.subarray(12)];
  const { ds, info } = load(JPEG_LOSSLESS_SV1, { rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, numberOfFrames: 2 }, { fragments: even });
  assert.deepEqual([...(await decodeFrame(ds, info, 0))], [100, 200, 300, 400]);
  assert.deepEqual([...(await decodeFrame(ds, info, 1))], [5, 6, 7, 65535]);
});

test('frames that cannot be told apart are DICOM_DECODE_FAILED, not a guess', async () => {
  const { ds, info } = load(RLE, { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, numberOfFrames: 2 }, { fragments: [rle8(1, 2), rle8(3, 4), rle8(5, 6)] });
  await assert.rejects(decodeFrame(ds, info, 1), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /cannot tell the frames apart/.test(e.message));
});

test('a fragment that runs past the end of the file is DICOM_TRUNCATED naming the fragment and file', async () => {
  const { ds, info } = load(RLE, { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0 }, { fragments: [rle8(1, 2)] });
  // dicom-parser itself refuses a file cut inside a fragment (see parseDicomFile.test.ts); this is the decoder's own
  // guard for a data set whose byte array is shorter than its fragment table says.
  const cut = { ...ds, byteArray: ds.byteArray.subarray(0, ds.byteArray.length - 20) } as DataSet;
  await assert.rejects(decodeFrame(cut, info), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED') && /fragment 1 of 1/.test(e.message) && e.message.includes(FILE));
});

test('a corrupt codestream is DICOM_DECODE_FAILED naming syntax, frame and file', async () => {
  const { ds, info } = load(JPEG_LOSSLESS_SV1, { rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 }, { fragments: [new Uint8Array([0xff, 0xd8, 0xff, 0xc1, 0, 4])] });
  await assert.rejects(decodeFrame(ds, info), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && e.message.includes('Process 14 SV1') && e.message.includes('frame 1') && e.message.includes(FILE));
});

test('a codestream whose size disagrees with Rows/Columns is refused', async () => {
  const f = encodeJpegLossless([1, 2, 3, 4], { width: 2, height: 2, components: 1, precision: 16, predictor: 1 });
  const { ds, info } = load(JPEG_LOSSLESS_SV1, { rows: 1, columns: 4, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0 }, { fragments: [f] });
  await assert.rejects(decodeFrame(ds, info), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /is 2x2x1, the header says 4x1x1/.test(e.message));
});

test('pixel data encoding that contradicts the transfer syntax is refused', async () => {
  const native = load(EXPLICIT_LE, { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0 }, { native: new Uint8Array([1, 2]) });
  await assert.rejects(decodeFrame(native.ds, { ...native.info, transferSyntaxUid: RLE }), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /requires encapsulated pixel data, the file has native/.test(e.message));
  const encaps = load(RLE, { rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0 }, { fragments: [rle8(1, 2)] });
  await assert.rejects(decodeFrame(encaps.ds, { ...encaps.info, transferSyntaxUid: EXPLICIT_LE }), (e: unknown) => isSdpmError(e, 'DICOM_DECODE_FAILED') && /requires native pixel data, the file has encapsulated/.test(e.message));
});
