import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSdpmError } from '../../../../../electron/core/errors';
import { describePeer, parsePacsPeer } from '../../../../../electron/core/pacs/PacsConfig';
import { envSecretName, envSecretSource, resolvePeerSecret } from '../../../../../electron/core/pacs/secrets';
import { normalizeQuery } from '../../../../../electron/core/pacs/PacsTransport';
import { stowOutcome } from '../../../../../electron/core/pacs/DicomWebTransport';

test('DICOMweb and DIMSE peers parse with defaults; the label never has a secret', () => {
  const web = parsePacsPeer({ kind: 'dicomweb', name: 'pacs', baseUrl: 'http://127.0.0.1:8042/dicom-web/', auth: { type: 'basic', username: 'u' } });
  assert.deepEqual(web, { kind: 'dicomweb', name: 'pacs', baseUrl: 'http://127.0.0.1:8042/dicom-web', auth: { type: 'basic', username: 'u' }, timeoutMs: 30_000 });
  const dimse = parsePacsPeer({ kind: 'dimse', name: 'old', aeTitle: 'ARCHIVE', host: '10.0.0.5', port: 104, callingAeTitle: 'SDPM' });
  assert.equal(describePeer(dimse), 'DIMSE peer "old" (ARCHIVE@10.0.0.5:104)');
});

test('a password, token or credentials in the URL are refused in the connection settings', () => {
  const bad = (v: unknown, re: RegExp): void => assert.throws(() => parsePacsPeer(v), (e) => isSdpmError(e, 'INVALID_ARGUMENT') && re.test(e.message));
  bad({ kind: 'dicomweb', name: 'p', baseUrl: 'http://h/x', auth: { type: 'basic', username: 'u', password: 'pw' } }, /never goes into the connection settings/);
  bad({ kind: 'dicomweb', name: 'p', baseUrl: 'http://u:pw@h/x' }, /no credentials in the URL/);
  bad({ kind: 'dicomweb', name: 'p', baseUrl: 'ftp://h/x' }, /http or https/);
  bad({ kind: 'dimse', name: 'p', aeTitle: 'A\\B', host: 'h', port: 104, callingAeTitle: 'S' }, /AE title/);
  bad({ kind: 'dimse', name: 'p', aeTitle: 'A', host: 'h', port: 70000, callingAeTitle: 'S' }, /port/);
});

test('secrets come from SDPM_PACS_SECRET_<NAME> or SDPM_PACS_SECRET; missing ones are a clear error', async () => {
  const peer = parsePacsPeer({ kind: 'dicomweb', name: 'my-pacs', baseUrl: 'http://h/x', auth: { type: 'bearer' } });
  assert.equal(envSecretName('my-pacs'), 'SDPM_PACS_SECRET_MY_PACS');
  assert.equal(await resolvePeerSecret(peer, envSecretSource({ SDPM_PACS_SECRET_MY_PACS: 't1', SDPM_PACS_SECRET: 't2' })), 't1');
  assert.equal(await resolvePeerSecret(peer, envSecretSource({ SDPM_PACS_SECRET: 't2' })), 't2');
  await assert.rejects(resolvePeerSecret(peer, envSecretSource({})), (e) => isSdpmError(e, 'PACS_SECRET_MISSING') && /needs a token/.test(e.message));
  const open = parsePacsPeer({ kind: 'dicomweb', name: 'open', baseUrl: 'http://h/x' });
  assert.equal(await resolvePeerSecret(open, envSecretSource({})), undefined);
});

test('query validation: dates YYYYMMDD in order, paging bounds', () => {
  assert.deepEqual(normalizeQuery({ patientId: 'X' }), { patientId: 'X', limit: 50, offset: 0 });
  assert.throws(() => normalizeQuery({ dateFrom: '2024-01-01' }), /YYYYMMDD/);
  assert.throws(() => normalizeQuery({ dateFrom: '20240102', dateTo: '20240101' }), /after/);
  assert.throws(() => normalizeQuery({ limit: 0 }), /limit/);
});

test('STOW-RS answers: stored only when ReferencedSOPSequence lists the instance and FailedSOPSequence is empty', () => {
  const ok = JSON.stringify({ '00081198': { vr: 'SQ' }, '00081199': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.3'] } }] } });
  assert.equal(stowOutcome(ok, '1.2.3'), 'stored');
  assert.match(stowOutcome(ok, '1.2.4'), /does not list the instance/);
  const failed = JSON.stringify({ '00081198': { vr: 'SQ', Value: [{ '00081197': { vr: 'US', Value: [272] } }] } });
  assert.match(stowOutcome(failed, '1.2.3'), /refused the instance .*272/);
  assert.match(stowOutcome('<html>', '1.2.3'), /not JSON/);
});
