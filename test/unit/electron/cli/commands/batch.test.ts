import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listStudies } from '../../../../../electron/cli/commands/batch';
import { isSdpmError } from '../../../../../electron/core/errors';

test('a study folder lists sub-folders and NIfTI files (sorted, hidden skipped); ids are unique', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-batch-'));
  mkdirSync(join(dir, 'p2'));
  mkdirSync(join(dir, '.hidden'));
  writeFileSync(join(dir, 'p1.nii.gz'), '');
  writeFileSync(join(dir, 'notes.txt'), '');
  writeFileSync(join(dir, 'p2.nii'), '');
  assert.deepEqual(listStudies(dir).map((s) => s.id), ['p1', 'p2', 'p2_2']);
});

test('a CSV lists paths relative to itself, with optional ids; quoted commas work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-batch-'));
  writeFileSync(join(dir, 'list.csv'), 'id,path\ncase A,studies/a.nii.gz\n,"b,c/dicom"\n');
  const s = listStudies(join(dir, 'list.csv'));
  assert.deepEqual(s.map((x) => x.id), ['case_A', 'dicom']);
  assert.equal(s[0]?.path, join(dir, 'studies/a.nii.gz'));
  assert.equal(s[1]?.path, join(dir, 'b,c/dicom'));
  assert.throws(() => listStudies(join(dir, 'missing.csv')), (e: unknown) => isSdpmError(e, 'SERIES_NOT_FOUND'));
});
