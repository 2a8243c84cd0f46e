import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { parseDicomFile, transferSyntaxOf } from '../../../../../../electron/core/dicom/codecs/parseDicomFile';
import { isSdpmError } from '../../../../../../electron/core/errors';
import { buildDicom, concat } from './buildDicom';

const FILE = '/in/x.dcm';
const attrs = { rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 as const };
const pixels = { native: new Uint8Array(new Int16Array([-1000, 0, 40, 3000]).buffer) };

/** Offset of the first byte after the File Meta Information group (0002). */
function metaEnd(bytes: Uint8Array): number {
  let p = 132;
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  while (dv.getUint16(p, true) === 0x0002) p += 8 + dv.getUint16(p + 6, true); // meta is short-VR only here
  return p;
}

test('an explicit VR little endian file parses; its transfer syntax is read back', () => {
  const ds = parseDicomFile(buildDicom('1.2.840.10008.1.2.1', attrs, pixels), FILE);
  assert.equal(transferSyntaxOf(ds), '1.2.840.10008.1.2.1');
  assert.equal(ds.uint16('x00280010'), 2);
});

test('deflated explicit VR little endian is inflated (node:zlib) and parses to the same elements', () => {
  const plain = buildDicom('1.2.840.10008.1.2.1.99', attrs, pixels);
  const cut = metaEnd(plain);
  const deflated = concat([plain.subarray(0, cut), new Uint8Array(deflateRawSync(plain.subarray(cut)))]);
  assert.ok(deflated.length !== plain.length);
  const ds = parseDicomFile(deflated, FILE);
  assert.equal(transferSyntaxOf(ds), '1.2.840.10008.1.2.1.99');
  // Parsing must start after the meta group, not at byte 0 (the preamble would read as tags (0000,0000), 'DICM'...).
  assert.deepEqual(Object.keys(ds.elements).filter((k) => !k.startsWith('x0002') && !k.startsWith('x0008') && !k.startsWith('x0028') && !k.startsWith('x7fe0')), []);
  const el = ds.elements.x7fe00010;
  assert.ok(el !== undefined);
  assert.deepEqual([...new Int16Array(ds.byteArray.slice(el.dataOffset, el.dataOffset + 8).buffer)], [-1000, 0, 40, 3000]);
});

test('a deflated data set larger than the cap is refused (deflate bomb guard)', () => {
  const plain = buildDicom('1.2.840.10008.1.2.1.99', attrs, pixels);
  const cut = metaEnd(plain);
  const deflated = concat([plain.subarray(0, cut), new Uint8Array(deflateRawSync(plain.subarray(cut)))]);
  assert.throws(() => parseDicomFile(deflated, FILE, { maxInflatedBytes: 16 }), (e: unknown) => isSdpmError(e, 'DICOM_NOT_DICOM') && e.message.includes(FILE) && /cannot be inflated/.test(e.message));
});

test('a cut-off deflated data set is DICOM_TRUNCATED', () => {
  const plain = buildDicom('1.2.840.10008.1.2.1.99', attrs, pixels);
  const cut = metaEnd(plain);
  const deflated = concat([plain.subarray(0, cut), new Uint8Array(deflateRawSync(plain.subarray(cut)))]);
  assert.throws(() => parseDicomFile(deflated.subarray(0, deflated.length - 10), FILE), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED') && e.message.includes(FILE));
});

test('a file cut inside an element is DICOM_TRUNCATED naming the file', () => {
  const full = buildDicom('1.2.840.10008.1.2.1', attrs, pixels);
  assert.throws(() => parseDicomFile(full.subarray(0, full.length - 3), FILE), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED') && e.message.includes(FILE));
});

test('a file cut inside an encapsulated pixel data fragment is DICOM_TRUNCATED', () => {
  const frag = new Uint8Array(100).fill(7);
  const full = buildDicom('1.2.840.10008.1.2.5', attrs, { fragments: [frag] });
  assert.throws(() => parseDicomFile(full.subarray(0, full.length - 60), FILE), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED'));
});

test('bytes that are not DICOM are DICOM_NOT_DICOM naming the file', () => {
  const png = new Uint8Array(300);
  png.set([0x89, 0x50, 0x4e, 0x47], 0);
  assert.throws(() => parseDicomFile(png, FILE), (e: unknown) => isSdpmError(e, 'DICOM_NOT_DICOM') && e.message.startsWith(FILE));
});

test('a raw implicit VR data set without preamble is read as Implicit VR Little Endian', () => {
  // (0008,0060) Modality "CT", (0028,0010) Rows 2, implicit VR: tag, 4-byte length, value.
  const el = (g: number, e: number, v: Uint8Array): Uint8Array => {
    const h = new DataView(new ArrayBuffer(8));
    h.setUint16(0, g, true);
    h.setUint16(2, e, true);
    h.setUint32(4, v.length, true);
    return concat([new Uint8Array(h.buffer), v]);
  };
  const raw = concat([el(0x0008, 0x0060, new TextEncoder().encode('CT')), el(0x0028, 0x0010, new Uint8Array([2, 0]))]);
  const ds = parseDicomFile(raw, FILE);
  assert.equal(ds.string('x00080060'), 'CT');
  assert.equal(ds.uint16('x00280010'), 2);
  assert.equal(transferSyntaxOf(ds), '1.2.840.10008.1.2');
});

test('headerOnly stops at Pixel Data: a file cut inside the pixel values still gives its header', () => {
  const full = buildDicom('1.2.840.10008.1.2.1', attrs, pixels);
  const cut = full.subarray(0, full.length - 4);
  assert.throws(() => parseDicomFile(cut, FILE), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED'));
  const ds = parseDicomFile(cut, FILE, { headerOnly: true });
  assert.equal(ds.uint16('x00280011'), 2);
});
