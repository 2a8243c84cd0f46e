import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDemoStudy } from '../../../../../electron/core/bundle/resolveDemoStudy';
import { isSdpmError } from '../../../../../electron/core/errors';

function put(path: string, text = ''): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

test('packaged demo study (extraResources) comes before the repository one; truth.json is optional', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-demo-'));
  put(join(tmp, 'resources', 'app.asar', 'package.json'), JSON.stringify({ name: 'sdpm-review' }));
  const main = put(join(tmp, 'resources', 'app.asar', 'dist', 'main', 'main.cjs'));
  put(join(tmp, 'resources', 'models', 'demo', 'ge-head-ich', 'dicom', 'CT0001.dcm'));
  const r = resolveDemoStudy(undefined, { resourcesPath: join(tmp, 'resources'), from: main, env: {} });
  assert.deepEqual(r, { dir: join(tmp, 'resources', 'models', 'demo', 'ge-head-ich'), dicomDir: join(tmp, 'resources', 'models', 'demo', 'ge-head-ich', 'dicom'), truthFile: null, source: 'packaged' });
});

test('an explicit demo folder may be the DICOM folder itself; a missing one is an error naming it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-demo-'));
  mkdirSync(join(tmp, 'series'));
  assert.deepEqual(resolveDemoStudy(join(tmp, 'series'), { from: tmp, env: {} }), { dir: join(tmp, 'series'), dicomDir: join(tmp, 'series'), truthFile: null, source: 'argument' });
  assert.equal(resolveDemoStudy(undefined, { from: tmp, env: { SDPM_DEMO_DIR: join(tmp, 'series') } }).source, 'SDPM_DEMO_DIR');
  assert.throws(() => resolveDemoStudy(join(tmp, 'nope'), { from: tmp, env: {} }), (e: unknown) => isSdpmError(e, 'SERIES_NOT_FOUND') && /nope \(from --demo\)/.test((e as Error).message));
});

test('no demo study anywhere: the error lists the paths tried', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-demo-'));
  put(join(tmp, 'repo', 'package.json'), JSON.stringify({ name: 'sdpm-review' }));
  const file = put(join(tmp, 'repo', 'dist', 'server', 'serve.mjs'));
  assert.throws(
    () => resolveDemoStudy(undefined, { resourcesPath: join(tmp, 'res'), from: file, env: {} }),
    (e: unknown) => isSdpmError(e, 'SERIES_NOT_FOUND') && (e as Error).message.includes(join(tmp, 'res', 'models', 'demo', 'ge-head-ich', 'dicom')) && (e as Error).message.includes(join(tmp, 'repo', 'models', 'demo', 'ge-head-ich', 'dicom')),
  );
});

test('this checkout: the demo study with its truth.json', () => {
  const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
  const r = resolveDemoStudy(undefined, { env: {} });
  assert.equal(r.dicomDir, join(repo, 'models', 'demo', 'ge-head-ich', 'dicom'));
  assert.equal(r.truthFile, join(repo, 'models', 'demo', 'ge-head-ich', 'truth.json'));
});
