import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSettings, hashStudyInput, studyKey } from '../../../../../electron/services/batch/studyKey';

const base = { mode: 'all', provider: 'cpu', seed: 0, bundleDir: '/a' } as const;

test('the settings hash ignores threads and the bundle folder, not the seed, mode or bundle checksum', () => {
  const h = hashSettings(base, 'b1');
  assert.equal(hashSettings({ ...base, bundleDir: '/elsewhere', intraOpThreads: 7, keepSessions: true }, 'b1'), h);
  assert.notEqual(hashSettings({ ...base, seed: 1 }, 'b1'), h);
  assert.notEqual(hashSettings({ ...base, mode: 'avg' }, 'b1'), h);
  assert.notEqual(hashSettings(base, 'b2'), h);
  assert.notEqual(hashSettings({ ...base, overrides: { 'ySal.nSamples': 3 } }, 'b1'), h);
});

test('the input hash covers every file of a folder (names and bytes); the key joins UID and hashes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-key-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.dcm'), 'aaaa');
  writeFileSync(join(dir, 'sub', 'b.dcm'), 'bbbb');
  const h1 = await hashStudyInput(dir);
  assert.equal(await hashStudyInput(dir), h1);
  writeFileSync(join(dir, 'sub', 'b.dcm'), 'bbbc');
  const h2 = await hashStudyInput(dir);
  assert.notEqual(h2, h1);
  assert.match(studyKey('1.2.3', 'x', h1, 's'), /^1\.2\.3_[0-9a-f]{16}$/);
  assert.match(studyKey('', 'case 7', h1, 's'), /^case_7_[0-9a-f]{16}$/);
  assert.notEqual(studyKey('1.2.3', 'x', h1, 's'), studyKey('1.2.3', 'x', h2, 's'));
  assert.notEqual(studyKey('1.2.3', 'x', h1, 's'), studyKey('1.2.3', 'x', h1, 't'));
});
