import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupGpu } from '../../../../../electron/cli/commands/setupGpu';
import { commands } from '../../../../../electron/cli/commands';
import { isSdpmError } from '../../../../../electron/core/errors';
import { captureCtx } from './cliCapture';

test('setup-gpu is a listed command; --check reports GPU, runtime and CUDA status without installing anything', async () => {
  assert.ok(commands.includes(setupGpu));
  const ctx = captureCtx();
  assert.equal(await setupGpu.run(['--check'], ctx), 0);
  const out = ctx.out.join('');
  assert.match(out, /^NVIDIA GPU: /m);
  assert.match(out, /^onnxruntime-node: .+ \((project|setup-gpu|SDPM_ORT_DIR)\)$/m);
  assert.match(out, /^CUDA provider: (installed|not usable: .+)$/m);
  const json = captureCtx();
  assert.equal(await setupGpu.run(['--check', '--json'], json), 0);
  const s = JSON.parse(json.out.join('')) as { gpu: { gpus: unknown[] }; cudaReason: string | null };
  assert.ok(Array.isArray(s.gpu.gpus));
});

test('setup-gpu refuses an unknown route and documents both routes', async () => {
  await assert.rejects(setupGpu.run(['--route', 'pip'], captureCtx()), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT'));
  const ctx = captureCtx();
  assert.equal(await setupGpu.run(['--help'], ctx), 0);
  assert.match(ctx.out.join(''), /--route nuget[\s\S]*--route npm[\s\S]*1\.29\.0/);
});
