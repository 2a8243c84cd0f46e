// The built inference worker (dist/worker/worker.mjs from `npm run build`) resolves the default model bundle
// itself when a request names none (the engine's fallback): from dist/ it walks up to the sdpm-review
// package, not to a path relative to the source file. Rebuilds only the worker bundles first (esbuild).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InferenceWorkerHost } from '../../../../electron/worker/InferenceWorkerHost';
import { isSdpmError } from '../../../../electron/core/errors';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

test('the built worker loads the default bundle when the request names none, then reports the bad study', async () => {
  const b = spawnSync(process.execPath, [join(ROOT, 'build', 'build.mjs'), '--only=worker'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  assert.equal(b.status, 0, b.stderr);
  const metadata = JSON.parse(readFileSync(join(ROOT, 'models', 'bundles', readFileSync(join(ROOT, 'models', 'bundles', 'DEFAULT'), 'utf8').split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '', 'metadata.json'), 'utf8')) as { name: string };
  const host = new InferenceWorkerHost({ workerUrl: pathToFileURL(join(ROOT, 'dist', 'worker', 'worker.mjs')), env: { SDPM_BUNDLE_DIR: '', SDPM_BUNDLES_DIR: '' } });
  const loaded: unknown[] = [];
  const job = host.run({ input: { kind: 'path', path: '/nonexistent/study' }, mode: 'avg', provider: 'cpu', seed: 0 }, { onLog: (_l, m, f) => m === 'bundle loaded' && loaded.push(f?.name) });
  await assert.rejects(job.result, (e: unknown) => isSdpmError(e) && !e.code.startsWith('BUNDLE_') && /\/nonexistent\/study/.test(e.message));
  await host.terminate();
  assert.deepEqual(loaded, [metadata.name]);
});
