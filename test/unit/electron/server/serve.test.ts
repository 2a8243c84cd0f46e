// The built local server (dist/server/serve.mjs from `npm run build`) finds the default model bundle and the
// demo study by itself: no --bundle, no SDPM_* variables, started from an unrelated working directory.
// Rebuilds only the server bundle first (esbuild, well under a second) so the test checks the current sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');
const SERVE = join(ROOT, 'dist', 'server', 'serve.mjs');
const env = { ...process.env, SDPM_BUNDLE_DIR: '', SDPM_BUNDLES_DIR: '', SDPM_DEMO_DIR: '' };

function defaultBundleName(): string {
  const name = readFileSync(join(ROOT, 'models', 'bundles', 'DEFAULT'), 'utf8').split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  assert.ok(name !== undefined, 'models/bundles/DEFAULT names no bundle');
  return name;
}

test('build: the server bundle is dist/server/serve.mjs', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'build', 'build.mjs'), '--only=server'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(SERVE, 'utf8'), /resolveBundleDir|findPackageRoot/);
});

test('the built server resolves the default bundle and the demo study from dist/, whatever the working directory', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sdpm-serve-cwd-'));
  const r = spawnSync(process.execPath, [SERVE, '--check'], { cwd, env, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const check = JSON.parse(r.stdout.trim()) as { root: string; bundleDir: string | null; bundleError: string | null; demoFolder: string | null };
  assert.deepEqual(check, { ...check, root: ROOT, bundleDir: join(ROOT, 'models', 'bundles', defaultBundleName()), bundleError: null, demoFolder: join(ROOT, 'models', 'demo', 'ge-head-ich', 'dicom') });
  // a --bundle that does not exist is reported with its path, not replaced by the default
  const bad = spawnSync(process.execPath, [SERVE, '--check', '--bundle', join(cwd, 'missing')], { cwd, env, encoding: 'utf8', timeout: 60000 });
  const badCheck = JSON.parse(bad.stdout.trim()) as { bundleDir: string | null; bundleError: string | null };
  assert.equal(badCheck.bundleDir, null);
  assert.match(badCheck.bundleError ?? '', /model bundle folder not found: .*missing \(from --bundle\)/);
});

test('the built server starts with the default bundle (logged with where it came from) and stops on SIGTERM', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sdpm-serve-cwd-'));
  const child = spawn(process.execPath, [SERVE, '--data-dir', join(cwd, 'data')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('SDPM server: ')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(out, /^SDPM server: http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  const line = err.split('\n').find((l) => l.startsWith('[info] model bundle '));
  assert.ok(line !== undefined, err);
  const fields = JSON.parse(line.slice('[info] model bundle '.length)) as { bundleDir: string; source: string };
  assert.deepEqual([fields.bundleDir, fields.source], [join(ROOT, 'models', 'bundles', defaultBundleName()), 'repository']);
  assert.doesNotMatch(err, /no demo study/);
});
