import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { InferenceWorkerHost } from '../../../../electron/worker/InferenceWorkerHost';
import type { InferenceRequest } from '../../../../electron/core/inference/InferenceRequest';
import { isSdpmError } from '../../../../electron/core/errors';
import { memoryLogger } from '../../../../electron/core/logger';

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
  // the message names the limit the worker ran under and where it came from
  assert.match(out.first.message, /JS heap limit is 32 MB \(resourceLimits\)/);
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

test('a worker heap limit below the minimum is refused before any work, naming the limit and where it came from', () => {
  const host = new InferenceWorkerHost({ workerUrl: crashUrl, resourceLimits: { maxOldGenerationSizeMb: 1024 }, processFlags: { execArgv: [], nodeOptions: '--max-old-space-size=32' } });
  assert.equal(host.heapPlan.effectiveMb, 32);
  assert.throws(
    () => host.run(req('hang')),
    (e: unknown) => isSdpmError(e, 'INFERENCE_FAILED') && /--max-old-space-size=32 in NODE_OPTIONS .* overrides the 1024 MB requested/.test((e as Error).message) && /below the 64 MB the engine needs. Raise or remove --max-old-space-size/.test((e as Error).message),
  );
  // nothing was started, and the host is not left busy
  assert.equal((host as unknown as { worker: unknown }).worker, null);
  const small = new InferenceWorkerHost({ workerUrl: crashUrl, resourceLimits: { maxOldGenerationSizeMb: 16 }, processFlags: { execArgv: [] } });
  assert.throws(() => small.run(req('hang')), /16 MB \(resourceLimits\), below the 64 MB .* Raise resourceLimits/);
});

test('an override of the requested heap limit is logged as a warning when the worker starts', async () => {
  const logger = memoryLogger();
  const host = new InferenceWorkerHost({ workerUrl: crashUrl, resourceLimits: { maxOldGenerationSizeMb: 512 }, processFlags: { execArgv: [], nodeOptions: '--max-old-space-size=8192' }, logger });
  const job = host.run(req('hang'));
  job.cancel();
  await assert.rejects(job.result, (e: unknown) => isSdpmError(e, 'CANCELLED'));
  await host.terminate();
  const warn = logger.records.find((r) => r.level === 'warn');
  assert.match(warn?.message ?? '', /overrides the 512 MB requested .* limit is 8192 MB/);
  assert.deepEqual(warn?.fields, { effectiveMb: 8192, source: 'NODE_OPTIONS', requestedMb: 512 });
});
