import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDicomDate, formatDicomTime, formatPersonName } from '../../../../renderer/src/panels/formatDicom';

test('DICOM names, dates and times are shown the way readers expect', () => {
  assert.equal(formatPersonName('Doe^Jane^M'), 'DOE, Jane M');
  assert.equal(formatPersonName('Doe'), 'DOE');
  assert.equal(formatPersonName('Yamada^Tarou=山田^太郎'), 'YAMADA, Tarou');
  assert.equal(formatPersonName(''), '(no name)');
  assert.equal(formatDicomDate('20240131'), '2024-01-31');
  assert.equal(formatDicomDate(''), '—');
  assert.equal(formatDicomTime('134501.123'), '13:45');
});
