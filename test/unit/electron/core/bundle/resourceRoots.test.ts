import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageRoot, resourceRoots } from '../../../../../electron/core/bundle/resourceRoots';

function put(path: string, text = ''): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

test('the walk up stops at the package.json named sdpm-review, not at the nearest package.json', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-roots-'));
  put(join(tmp, 'repo', 'package.json'), JSON.stringify({ name: 'sdpm-review' }));
  put(join(tmp, 'repo', 'node_modules', 'other', 'package.json'), JSON.stringify({ name: 'other' }));
  put(join(tmp, 'repo', 'broken', 'package.json'), '{ not json');
  const bundled = put(join(tmp, 'repo', 'dist', 'server', 'serve.mjs'));
  assert.equal(findPackageRoot(bundled), join(tmp, 'repo'));
  assert.equal(findPackageRoot(join(tmp, 'repo', 'node_modules', 'other', 'index.js')), join(tmp, 'repo'));
  assert.equal(findPackageRoot(join(tmp, 'repo', 'broken')), join(tmp, 'repo'));
  assert.equal(findPackageRoot(tmp), null);
});

test('packaged resources come before the repository; without a package the walk says where it looked', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-roots-'));
  put(join(tmp, 'resources', 'app.asar', 'package.json'), JSON.stringify({ name: 'sdpm-review' }));
  const main = put(join(tmp, 'resources', 'app.asar', 'dist', 'main', 'main.cjs'));
  const r = resourceRoots({ resourcesPath: join(tmp, 'resources'), from: main });
  assert.deepEqual(r.roots, [
    { dir: join(tmp, 'resources'), source: 'packaged' },
    { dir: join(tmp, 'resources', 'app.asar'), source: 'repository' },
  ]);
  const none = resourceRoots({ from: tmp });
  assert.deepEqual(none.roots, []);
  assert.match(none.tried.join('\n'), /no package\.json named sdpm-review at or above .*sdpm-roots-/);
});

test('by default the walk starts at the running file and finds this checkout', () => {
  const repo = fileURLToPath(new URL('../../../../../', import.meta.url)).replace(/\/$/, '');
  assert.deepEqual(resourceRoots({}).roots, [{ dir: repo, source: 'repository' }]);
});
