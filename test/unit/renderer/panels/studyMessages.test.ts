import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noImagesMessage, plainStudyError } from '../../../../renderer/src/panels/studyMessages';

test('folder problems become one plain sentence naming the folder', () => {
  assert.equal(plainStudyError('IO_ERROR', "/x: folder cannot be read (ENOENT: no such file or directory, stat '/x')", '/x'), 'The folder /x does not exist. Check the path (or drop the folder here).');
  assert.match(plainStudyError('IO_ERROR', '/x: folder cannot be read (EACCES: permission denied)', '/x'), /^You do not have permission to read \/x/);
  assert.match(plainStudyError('IO_ERROR', '/x/a.dcm: not a folder', '/x/a.dcm'), /is a file, not a folder/);
  assert.equal(plainStudyError('SERIES_EMPTY_FOLDER', 'x', '/e'), 'The folder /e is empty.');
  assert.equal(noImagesMessage('/n', 3, true), '/n has no CT images (3 file(s) that are not DICOM images). The open study stays as it was.');
});
