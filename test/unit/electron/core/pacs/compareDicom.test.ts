import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareDicom, datasetOffset } from '../../../../../electron/core/pacs/compareDicom';
import dimse from 'dcmjs-dimse';
import { EXPLICIT_LE, datasetToPart10, part10ToDataset } from '../../../../../electron/core/pacs/dimseDatasets';

const FILE = join(import.meta.dirname, '../../../../../../shared/data/dicom/transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm');
const sent = new Uint8Array(readFileSync(FILE));
const { Dataset } = dimse;

test('identical bytes', () => {
  assert.deepEqual(compareDicom(sent, sent.slice()), { level: 'identical', differingTags: [] });
});

test('only the file meta header differs: the data set is compared byte for byte', () => {
  const a = datasetToPart10(part10ToDataset(sent));
  const b = Buffer.from(a);
  const at = b.indexOf('SDPM_PACS');
  assert.ok(at > 132 && at < datasetOffset(a), 'the implementation version name lies in the meta header');
  b.write('OTHER_ARC', at, 'latin1');
  assert.equal(compareDicom(a, new Uint8Array(b)).level, 'dataset-bytes');
});

test('a data set made from a file keeps its bytes; re-encoded with a changed element: different, naming the tag', () => {
  assert.equal(compareDicom(sent, datasetToPart10(part10ToDataset(sent))).level, 'dataset-bytes');
  // without the original bytes dcmjs re-encodes (and drops private elements): compare two re-encodings
  const elements = part10ToDataset(sent).getElements();
  const same = datasetToPart10(new Dataset({ ...elements }, EXPLICIT_LE));
  const changed = compareDicom(same, datasetToPart10(new Dataset({ ...elements, PatientID: 'SOMEONE-ELSE' }, EXPLICIT_LE)));
  assert.equal(changed.level, 'different');
  assert.deepEqual(changed.differingTags, ['00100020']);
});
