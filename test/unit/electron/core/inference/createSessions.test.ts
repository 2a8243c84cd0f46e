import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createSessions, cudaUnavailableReason } from '../../../../../electron/core/inference/createSessions';
import { isSdpmError } from '../../../../../electron/core/errors';
import { memoryLogger } from '../../../../../electron/core/logger';

const TINY = new URL('../../../../../models/bundles/sdpm-tiny-test', import.meta.url).pathname;
const paths = { net: join(TINY, 'sdpm_net.onnx'), eps: join(TINY, 'sdpm_eps.onnx') };
const noCuda = cudaUnavailableReason();

test('cpu runs on CPU and logs why', async () => {
  const log = memoryLogger();
  const s = await createSessions(paths, { provider: 'cpu', intraOpThreads: 1 }, log, 2);
  assert.equal(s.provider, 'cpu');
  assert.equal(s.intraOpThreads, 1);
  assert.ok(log.records.some((r) => r.message === 'execution provider: cpu' && JSON.stringify(r.fields).includes('CPU requested')));
  await s.net.release();
  await s.eps?.release();
});

test('cuda where CUDA is unavailable: PROVIDER_UNAVAILABLE with the reason, unless fallback was allowed (then CPU, logged)', { skip: noCuda === null ? 'this machine has the CUDA provider' : false }, async () => {
  await assert.rejects(createSessions(paths, { provider: 'cuda' }, memoryLogger(), 2), (e: unknown) => isSdpmError(e, 'PROVIDER_UNAVAILABLE') && (e as Error).message.includes(noCuda ?? '?'));
  for (const o of [{ provider: 'cuda' as const, allowFallback: true }, { provider: 'auto' as const }]) {
    const log = memoryLogger();
    const s = await createSessions(paths, o, log, 2);
    assert.equal(s.provider, 'cpu');
    assert.match(s.providerReason, /running on CPU/);
    assert.ok(log.records.some((r) => r.level === 'warn' && r.message.includes('fallback')));
    await s.net.release();
    await s.eps?.release();
  }
});
