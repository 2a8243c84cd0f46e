import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { compareDicom, datasetOffset } from '../../../../../electron/core/pacs/compareDicom';

const FILE = join(import.meta.dirname, '../../../../../../shared/data/dicom/transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm');
const sent = new Uint8Array(readFileSync(FILE));

/** Re-encodes the file with dcmjs, optionally changing the meta header or one data element. */
function reencode(opts: { implementation?: string; patientId?: string } = {}): Uint8Array {
  const dict = dcmjs.data.DicomMessage.readFile(sent.slice().buffer);
  if (opts.implementation !== undefined) dict.meta['00020013'] = { vr: 'SH', Value: [opts.implementation] };
  if (opts.patientId !== undefined) dict.dict['00100020'] = { vr: 'LO', Value: [opts.patientId] };
  return new Uint8Array(dict.write({ allowInvalidVRLength: true }));
}

test('identical bytes', () => {
  assert.deepEqual(compareDicom(sent, sent.slice()), { level: 'identical', differingTags: [] });
});

test('only the file meta header rewritten: the data set is compared byte for byte', () => {
  const a = reencode({ implementation: 'ARCHIVE_A' });
  const b = reencode({ implementation: 'ARCHIVE_ABC' });
  assert.ok(datasetOffset(a) > 132 && datasetOffset(b) === datasetOffset(a) + 2, `${datasetOffset(a)} ${datasetOffset(b)}`);
  assert.equal(compareDicom(a, b).level, 'dataset-bytes');
});

test('re-encoded with equal values: tag for tag; a changed element: different, naming the tag', () => {
  const same = compareDicom(sent, reencode());
  assert.ok(same.level === 'tags' || same.level === 'dataset-bytes', same.level);
  const changed = compareDicom(sent, reencode({ patientId: 'SOMEONE-ELSE' }));
  assert.equal(changed.level, 'different');
  assert.deepEqual(changed.differingTags, ['00100020']);
});
