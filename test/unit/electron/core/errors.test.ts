import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SdpmError, toErrorPayload } from '../../../../electron/core/errors';

test('toErrorPayload keeps code, message and path of an SdpmError', () => {
  const e = new SdpmError('DICOM_TRUNCATED', 'file ends early', { path: '/x/1.dcm' });
  assert.deepEqual(toErrorPayload(e), { code: 'DICOM_TRUNCATED', message: 'file ends early', path: '/x/1.dcm' });
});

test('toErrorPayload maps foreign errors to INTERNAL', () => {
  assert.deepEqual(toErrorPayload(new Error('boom')), { code: 'INTERNAL', message: 'boom' });
  assert.deepEqual(toErrorPayload('str'), { code: 'INTERNAL', message: 'str' });
});
