// `npm install` must succeed where only the npm registry is reachable, with no environment variable: the project's
// .npmrc tells onnxruntime-node's install script not to download its CUDA provider (issue 11 item 7). These tests
// run the real install script through npm with the project's config, with every HTTPS request sent to a dead
// loopback proxy (so no test ever reaches the network), and show that the same script without the key does try
// to download and fails (so the first test can fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ORT_DIR = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
const PROVIDER = join(ORT_DIR, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
const DEAD_PROXY = 'http://127.0.0.1:9';

/** This process's environment without anything that would decide the install flag for the child. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || /^ONNXRUNTIME_NODE_INSTALL/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, GLOBAL_AGENT_HTTPS_PROXY: DEAD_PROXY, HTTPS_PROXY: DEAD_PROXY, https_proxy: DEAD_PROXY };
}

test('.npmrc sets onnxruntime-node-install=skip and npm resolves it for this project', () => {
  const rc = readFileSync(join(ROOT, '.npmrc'), 'utf8');
  assert.match(rc, /^onnxruntime-node-install=skip$/m);
  const r = spawnSync('npm', ['config', 'get', 'onnxruntime-node-install'], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'skip');
});

test("onnxruntime-node's install script, run by npm with the project's config, skips its download (no network)", () => {
  const r = spawnSync('npm', ['rebuild', 'onnxruntime-node', '--foreground-scripts', '--no-audit', '--no-fund'], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 120_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, `npm rebuild onnxruntime-node failed:\n${out}`);
  assert.match(out, /onnxruntime-node@[\d.]+ postinstall/, 'npm did not run the install script');
  assert.doesNotMatch(out, /127\.0\.0\.1:9|ECONNREFUSED|Failed to download/);
});

test('control: the same install script without the key tries to download and fails offline', (t) => {
  if (existsSync(PROVIDER)) {
    t.skip(`the CUDA provider is installed here (${PROVIDER}), so the script has nothing to download`);
    return;
  }
  const r = spawnSync(process.execPath, [join(ORT_DIR, 'script', 'install.js')], { cwd: ORT_DIR, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
  assert.notEqual(r.status, 0, 'the install script succeeded without the skip key: the .npmrc key is not what keeps the install offline-safe');
  assert.match(`${r.stdout}\n${r.stderr}`, /ECONNREFUSED|127\.0\.0\.1/);
  assert.equal(existsSync(PROVIDER), false);
});
