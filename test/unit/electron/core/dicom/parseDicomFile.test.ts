import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdpmError } from '../../../../../electron/core/errors';
import { PrefixTooShortError, parseDicomFile } from '../../../../../electron/core/dicom/parseDicomFile';
import { encodeSyntheticSlice } from '../../../../fixtures/dicom-generated/syntheticCt';

const slice = encodeSyntheticSlice({ fileName: 'a.dcm', seriesUid: '1.2.9', sopUid: '1.2.9.1', ipp: [0, 0, 0], rows: 8, columns: 8 }).bytes;

test('a whole file parses; header-only parsing stops at Pixel Data but records its offset and length', () => {
  const ds = parseDicomFile(slice, 'a.dcm', { headerOnly: true });
  assert.equal(ds.string('x0020000e'), '1.2.9');
  assert.equal(ds.elements.x7fe00010?.length, 128);
});

test('short non-DICOM input is DICOM_NOT_DICOM (not "truncated"), naming the file', () => {
  assert.throws(() => parseDicomFile(new TextEncoder().encode('hello'), 'notes.txt'), (e: unknown) => isSdpmError(e, 'DICOM_NOT_DICOM') && e.message.startsWith('notes.txt'));
});

test('a prefix that ends inside the header asks for the whole file; without isPrefix it is DICOM_TRUNCATED', () => {
  const cut = slice.subarray(0, 300);
  assert.throws(() => parseDicomFile(cut, 'a.dcm', { headerOnly: true, isPrefix: true }), PrefixTooShortError);
  assert.throws(() => parseDicomFile(cut, 'a.dcm', { headerOnly: true }), (e: unknown) => isSdpmError(e, 'DICOM_TRUNCATED') && e.message.includes('a.dcm'));
});

test('a raw data set without preamble (implicit VR little endian) is accepted', () => {
  // (0008,0018) UI "1.2.3" implicit VR: tag, 4-byte length, value
  const raw = new Uint8Array([0x08, 0x00, 0x18, 0x00, 6, 0, 0, 0, ...new TextEncoder().encode('1.2.3'), 0]);
  const ds = parseDicomFile(raw, 'raw.dcm');
  assert.equal(ds.string('x00080018'), '1.2.3');
});
