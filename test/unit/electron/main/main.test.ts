// The built Electron main process (dist/main/main.cjs from `npm run build`) started under plain Node with a
// stand-in for the `electron` module (fixtures/fakeElectron.cjs; no Electron binary here): packaged, it
// takes the default bundle from process.resourcesPath; from a checkout, from the repository. No --bundle,
// no SDPM_* variables. Rebuilds only the main bundle first (esbuild).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');
const MAIN = join(ROOT, 'dist', 'main', 'main.cjs');
const FAKE = fileURLToPath(new URL('./fixtures/fakeElectron.cjs', import.meta.url));
const DEFAULT = readFileSync(join(ROOT, 'models', 'bundles', 'DEFAULT'), 'utf8').split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';

function startMain(packaged: boolean, resources: string): { bundleDir: string; source: string; stderr: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-main-'));
  const env = { ...process.env, SDPM_BUNDLE_DIR: '', SDPM_BUNDLES_DIR: '', SDPM_DEMO_DIR: '', FAKE_ELECTRON_PACKAGED: packaged ? '1' : '0', FAKE_ELECTRON_RESOURCES: resources, FAKE_ELECTRON_USERDATA: join(tmp, 'userData') };
  const r = spawnSync(process.execPath, ['--require', FAKE, MAIN], { cwd: tmp, env, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /start-up failed|no demo study/);
  const line = r.stderr.split('\n').find((l) => l.startsWith('[info] model bundle '));
  assert.ok(line !== undefined, r.stderr);
  return { ...(JSON.parse(line.slice('[info] model bundle '.length)) as { bundleDir: string; source: string }), stderr: r.stderr };
}

test('build: the main process bundle is dist/main/main.cjs', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'build', 'build.mjs'), '--only=main'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
});

test('the built main process, packaged: the default bundle from process.resourcesPath, with no --bundle', () => {
  // extraResources as electron-builder lays them out (models/ beside the asar); linked, not copied
  const resources = join(mkdtempSync(join(tmpdir(), 'sdpm-res-')), 'resources');
  mkdirSync(resources);
  symlinkSync(join(ROOT, 'models'), join(resources, 'models'));
  const m = startMain(true, resources);
  assert.deepEqual([m.bundleDir, m.source], [join(resources, 'models', 'bundles', DEFAULT), 'packaged']);
});

test('the built main process from a checkout: the repository bundle, even where Electron resources exist', () => {
  const resources = join(mkdtempSync(join(tmpdir(), 'sdpm-res-')), 'resources');
  mkdirSync(resources);
  symlinkSync(join(ROOT, 'models'), join(resources, 'models'));
  const m = startMain(false, resources);
  assert.deepEqual([m.bundleDir, m.source], [join(ROOT, 'models', 'bundles', DEFAULT), 'repository']);
});
