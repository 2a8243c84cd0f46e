import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackedPath, workerEntryPath } from '../../../../electron/main/workerEntryPath';

test('packaged: the worker thread entry is taken from app.asar.unpacked; from a checkout the path is unchanged', () => {
  assert.equal(workerEntryPath('/opt/SDPM Review/resources/app.asar/dist/worker'), '/opt/SDPM Review/resources/app.asar.unpacked/dist/worker/worker.mjs');
  assert.equal(workerEntryPath('/work/main/dist/worker'), '/work/main/dist/worker/worker.mjs');
  assert.equal(unpackedPath('C:\\Program Files\\SDPM\\resources\\app.asar\\dist\\worker'), 'C:\\Program Files\\SDPM\\resources\\app.asar.unpacked\\dist\\worker');
  assert.equal(unpackedPath('/x/resources/app.asar'), '/x/resources/app.asar.unpacked');
  // only the path segment named exactly app.asar
  assert.equal(unpackedPath('/x/my.app.asar.d/app.asarx/dist'), '/x/my.app.asar.d/app.asarx/dist');
  assert.equal(unpackedPath('/x/app.asar.unpacked/dist'), '/x/app.asar.unpacked/dist');
});
