import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { InferenceWorkerHost } from '../../../../electron/worker/InferenceWorkerHost';
import type { InferenceRequest } from '../../../../electron/core/inference/InferenceRequest';
import { isSdpmError } from '../../../../electron/core/errors';

const crashUrl = new URL('./fixtures/crashWorker.mjs', import.meta.url);
const req = (mode: string): InferenceRequest => ({ input: { kind: 'path', path: '/nonexistent' }, mode: mode as InferenceRequest['mode'], provider: 'cpu', seed: 1 });

for (const how of ['throw', 'exit'] as const) {
  test(`a worker that crashes (${how}) rejects the job with INFERENCE_FAILED and the host keeps working`, async () => {
    const host = new InferenceWorkerHost({ workerUrl: crashUrl });
    await assert.rejects(host.run(req(how)).result, (e: unknown) => isSdpmError(e, 'INFERENCE_FAILED') && /crashed/.test((e as Error).message));
    // the next job gets a fresh worker
    const job = host.run(req('hang'));
    job.cancel();
    await assert.rejects(job.result, (e: unknown) => isSdpmError(e, 'CANCELLED'));
    await host.terminate();
  });
}

test('a worker that runs out of memory rejects the job with INFERENCE_FAILED (out of memory) and the host keeps working', () => {
  // in a clean child process: a --max-old-space-size in NODE_OPTIONS (the test runner sets one) overrides resourceLimits
  const script = fileURLToPath(new URL('./fixtures/oomScenario.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { first: { code: string; message: string }; second: { code: string } };
  assert.equal(out.first.code, 'INFERENCE_FAILED');
  assert.match(out.first.message, /out of memory/i);
  assert.equal(out.second.code, 'CANCELLED');
});

test('the real worker reports a missing bundle as BUNDLE_NOT_FOUND through the protocol', async () => {
  const host = new InferenceWorkerHost();
  const logs: string[] = [];
  const job = host.run({ ...req('avg'), bundleDir: '/nonexistent/bundle' }, { onLog: (_l, m) => logs.push(m) });
  await assert.rejects(job.result, (e: unknown) => isSdpmError(e, 'BUNDLE_NOT_FOUND') && /\/nonexistent\/bundle/.test((e as Error).message));
  await host.terminate();
});

test('a worker that dies between jobs does not take the host down; the next job gets a fresh worker', async () => {
  const host = new InferenceWorkerHost({ workerUrl: crashUrl });
  const first = host.run(req('hang'));
  first.cancel();
  await assert.rejects(first.result, (e: unknown) => isSdpmError(e, 'CANCELLED'));
  // the idle worker now throws on its own
  (host as unknown as { worker: { postMessage(m: unknown): void } }).worker.postMessage({ type: 'start', jobId: 'stray', request: req('throw') });
  await new Promise((r) => setTimeout(r, 300));
  const second = host.run(req('hang'));
  second.cancel();
  await assert.rejects(second.result, (e: unknown) => isSdpmError(e, 'CANCELLED'));
  await host.terminate();
});

test('a host runs one job at a time', async () => {
  const host = new InferenceWorkerHost({ workerUrl: crashUrl });
  const job = host.run(req('hang'));
  assert.throws(() => host.run(req('hang')), /already running/);
  job.cancel();
  await assert.rejects(job.result);
  await host.terminate();
});
