import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSdpmError } from '../../../../../electron/core/errors';
import { EncryptedSecretStore, type SecretCipher } from '../../../../../electron/services/pacs/EncryptedSecretStore';
import { PacsSettingsStore } from '../../../../../electron/services/pacs/PacsSettingsStore';

/** Stands in for Electron safeStorage: any reversible transform that is not the identity. */
const fakeCipher = (available: boolean): SecretCipher => ({
  unavailableReason: () => (available ? undefined : 'no keyring'),
  encrypt: (s) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a)),
  decrypt: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
});

test('secrets go through the cipher: the file never holds the plain secret; no cipher = refused, nothing written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-secrets-'));
  try {
    const store = new EncryptedSecretStore(join(dir, 'pacs-secrets.json'), fakeCipher(true));
    await store.set('web', 'S3cret-pässword');
    assert.equal(await store.get('web'), 'S3cret-pässword');
    assert.ok(!readFileSync(join(dir, 'pacs-secrets.json'), 'utf8').includes('S3cret'));
    await store.delete('web');
    assert.equal(await store.get('web'), undefined);
    const none = new EncryptedSecretStore(join(dir, 'other.json'), fakeCipher(false));
    await assert.rejects(none.set('web', 'x'), (e) => isSdpmError(e, 'PACS_SECRET_MISSING') && /no keyring.*SDPM_PACS_SECRET_/.test(e.message));
    assert.throws(() => readFileSync(join(dir, 'other.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('settings: add, replace by name, remove; a secret in the settings is refused and not written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-settings-'));
  try {
    const s = new PacsSettingsStore(join(dir, 'sub', 'pacs.json'));
    assert.deepEqual(await s.list(), []);
    await s.save({ kind: 'dicomweb', name: 'a', baseUrl: 'http://127.0.0.1:1/x' });
    await s.save({ kind: 'dicomweb', name: 'a', baseUrl: 'http://127.0.0.1:2/x', auth: { type: 'bearer' } });
    await s.save({ kind: 'dimse', name: 'b', aeTitle: 'X', host: 'h', port: 104, callingAeTitle: 'Y' });
    assert.deepEqual((await s.list()).map((p) => p.name), ['a', 'b']);
    assert.equal((await s.get('a')).kind === 'dicomweb' && (await s.get('a')).timeoutMs, 30_000);
    await assert.rejects(s.save({ kind: 'dicomweb', name: 'c', baseUrl: 'http://h/x', auth: { type: 'bearer', token: 'tok-123' } }), /never goes into the connection settings/);
    assert.ok(!readFileSync(s.file, 'utf8').includes('tok-123'));
    assert.equal(await s.remove('a'), true);
    await assert.rejects(s.get('a'), /no PACS connection "a".*known: b/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
