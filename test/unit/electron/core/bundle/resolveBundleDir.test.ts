import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBundleDir } from '../../../../../electron/core/bundle/resolveBundleDir';
import { isSdpmError } from '../../../../../electron/core/errors';

function put(path: string, text = ''): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A checkout (repo/) with a bundle b-repo and a packaged app (resources/) with a bundle b-packaged. */
function layout(): { tmp: string; repoFile: string; asarFile: string; resources: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-resolve-'));
  put(join(tmp, 'repo', 'package.json'), JSON.stringify({ name: 'sdpm-review' }));
  put(join(tmp, 'repo', 'models', 'bundles', 'DEFAULT'), '# default\nb-repo\n');
  mkdirSync(join(tmp, 'repo', 'models', 'bundles', 'b-repo'));
  mkdirSync(join(tmp, 'repo', 'models', 'bundles', 'other'));
  const repoFile = put(join(tmp, 'repo', 'dist', 'worker', 'worker.mjs'));
  // packaged: the asar holds dist/ and package.json only; the bundles are extraResources beside it
  put(join(tmp, 'resources', 'app.asar', 'package.json'), JSON.stringify({ name: 'sdpm-review' }));
  const asarFile = put(join(tmp, 'resources', 'app.asar', 'dist', 'main', 'main.cjs'));
  put(join(tmp, 'resources', 'models', 'bundles', 'DEFAULT'), 'b-packaged\n');
  mkdirSync(join(tmp, 'resources', 'models', 'bundles', 'b-packaged'));
  return { tmp, repoFile, asarFile, resources: join(tmp, 'resources') };
}

const bundleNotFound = (re: RegExp) => (e: unknown) => isSdpmError(e, 'BUNDLE_NOT_FOUND') && re.test((e as Error).message);

test('from dist/ of a checkout: the bundle named in the repository models/bundles/DEFAULT', () => {
  const { tmp, repoFile } = layout();
  assert.deepEqual(resolveBundleDir(undefined, { from: repoFile, env: {} }), {
    bundleDir: join(tmp, 'repo', 'models', 'bundles', 'b-repo'),
    source: 'repository',
    defaultFile: join(tmp, 'repo', 'models', 'bundles', 'DEFAULT'),
  });
});

test('packaged: the bundle named in <resourcesPath>/models/bundles/DEFAULT', () => {
  const { resources, asarFile } = layout();
  const r = resolveBundleDir(undefined, { resourcesPath: resources, from: asarFile, env: {} });
  assert.equal(r.bundleDir, join(resources, 'models', 'bundles', 'b-packaged'));
  assert.equal(r.source, 'packaged');
});

test('explicit --bundle, then $SDPM_BUNDLE_DIR, then $SDPM_BUNDLES_DIR come before the search', () => {
  const { tmp, repoFile, resources, asarFile } = layout();
  const other = join(tmp, 'repo', 'models', 'bundles', 'other');
  const env = { SDPM_BUNDLE_DIR: join(tmp, 'repo', 'models', 'bundles', 'b-repo'), SDPM_BUNDLES_DIR: join(resources, 'models', 'bundles') };
  assert.deepEqual(resolveBundleDir(other, { from: repoFile, env }), { bundleDir: other, source: 'argument', defaultFile: null });
  assert.equal(resolveBundleDir(undefined, { from: asarFile, resourcesPath: resources, env }).source, 'SDPM_BUNDLE_DIR');
  const viaBundles = resolveBundleDir(undefined, { from: repoFile, env: { SDPM_BUNDLES_DIR: env.SDPM_BUNDLES_DIR, SDPM_BUNDLE_DIR: '' } });
  assert.deepEqual([viaBundles.bundleDir, viaBundles.source], [join(resources, 'models', 'bundles', 'b-packaged'), 'SDPM_BUNDLES_DIR']);
});

test('a named bundle that does not exist is an error naming it, never a silent fall-through', () => {
  const { tmp, repoFile } = layout();
  assert.throws(() => resolveBundleDir(join(tmp, 'nope'), { from: repoFile, env: {} }), bundleNotFound(/nope \(from --bundle\)/));
  assert.throws(() => resolveBundleDir(undefined, { from: repoFile, env: { SDPM_BUNDLE_DIR: join(tmp, 'gone') } }), bundleNotFound(/gone \(from \$SDPM_BUNDLE_DIR\)/));
  assert.throws(() => resolveBundleDir(undefined, { from: repoFile, env: { SDPM_BUNDLES_DIR: join(tmp, 'many') } }), bundleNotFound(/many \(from \$SDPM_BUNDLES_DIR\)/));
  // an existing bundles folder whose DEFAULT names a missing bundle stops the search there
  writeFileSync(join(tmp, 'resources', 'models', 'bundles', 'DEFAULT'), 'b-missing\n');
  assert.throws(() => resolveBundleDir(undefined, { resourcesPath: join(tmp, 'resources'), from: repoFile, env: {} }), bundleNotFound(/"b-missing"/));
  writeFileSync(join(tmp, 'resources', 'models', 'bundles', 'DEFAULT'), '..\n');
  assert.throws(() => resolveBundleDir(undefined, { resourcesPath: join(tmp, 'resources'), from: repoFile, env: {} }), (e: unknown) => isSdpmError(e, 'BUNDLE_INVALID'));
});

test('nothing found: the error lists every path tried', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-resolve-'));
  put(join(tmp, 'resources', 'app.asar', 'package.json'), JSON.stringify({ name: 'sdpm-review' }));
  const main = put(join(tmp, 'resources', 'app.asar', 'dist', 'main', 'main.cjs'));
  assert.throws(
    () => resolveBundleDir(undefined, { resourcesPath: join(tmp, 'resources'), from: main, env: {} }),
    (e: unknown) => {
      const m = (e as Error).message;
      return isSdpmError(e, 'BUNDLE_NOT_FOUND') && m.includes(join(tmp, 'resources', 'models', 'bundles')) && m.includes(join(tmp, 'resources', 'app.asar', 'models', 'bundles')) && /--bundle DIR or set SDPM_BUNDLE_DIR/.test(m);
    },
  );
  assert.throws(() => resolveBundleDir(undefined, { from: tmp, env: {} }), bundleNotFound(/no package\.json named sdpm-review at or above/));
});

test('this checkout: the default search finds the bundle named in models/bundles/DEFAULT', () => {
  const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
  const name = readFileSync(join(repo, 'models', 'bundles', 'DEFAULT'), 'utf8').split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  assert.ok(name !== undefined);
  const r = resolveBundleDir(undefined, { env: {} });
  assert.equal(r.bundleDir, join(repo, 'models', 'bundles', name));
  assert.equal(r.source, 'repository');
});
