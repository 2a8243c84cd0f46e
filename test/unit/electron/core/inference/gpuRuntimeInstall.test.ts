import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeProviderLibs, tryCudaSession } from '../../../../../electron/core/inference/gpuRuntimeInstall';
import { nativeDir, projectOrtDir, selectOrtDir } from '../../../../../electron/core/inference/ortRuntime';
import { isSdpmError } from '../../../../../electron/core/errors';

test('the npm route places both provider libraries, found anywhere in the provider package, next to the onnxruntime core', () => {
  const root = mkdtempSync(join(tmpdir(), 'sdpm-gpu-rt-'));
  const pkg = join(root, 'provider');
  mkdirSync(join(pkg, 'Plugins', 'Linux', 'x64'), { recursive: true });
  writeFileSync(join(pkg, 'Plugins', 'Linux', 'x64', 'libonnxruntime_providers_cuda.so'), 'cuda');
  writeFileSync(join(pkg, 'Plugins', 'Linux', 'x64', 'libonnxruntime_providers_shared.so'), 'shared');
  const ort = join(root, 'onnxruntime-node');
  mkdirSync(nativeDir(ort), { recursive: true });
  const placed = placeProviderLibs(pkg, ort);
  assert.deepEqual(placed, [join(nativeDir(ort), 'libonnxruntime_providers_cuda.so'), join(nativeDir(ort), 'libonnxruntime_providers_shared.so')]);
  assert.equal(readFileSync(placed[0] as string, 'utf8'), 'cuda');
  const partial = join(root, 'partial');
  mkdirSync(partial);
  writeFileSync(join(partial, 'libonnxruntime_providers_cuda.so'), 'cuda');
  assert.throws(() => placeProviderLibs(partial, ort), (e: unknown) => isSdpmError(e, 'PROVIDER_UNAVAILABLE') && /libonnxruntime_providers_shared\.so/.test((e as Error).message));
});

test('the engine loads the project onnxruntime unless SDPM_ORT_DIR names another; a bad SDPM_ORT_DIR is refused', () => {
  const saved = process.env.SDPM_ORT_DIR;
  try {
    delete process.env.SDPM_ORT_DIR;
    const home = process.env.SDPM_GPU_RUNTIME_HOME;
    process.env.SDPM_GPU_RUNTIME_HOME = mkdtempSync(join(tmpdir(), 'sdpm-gpu-home-'));
    assert.deepEqual(selectOrtDir(() => true), { dir: projectOrtDir(), source: 'project' });
    if (home === undefined) delete process.env.SDPM_GPU_RUNTIME_HOME;
    else process.env.SDPM_GPU_RUNTIME_HOME = home;
    process.env.SDPM_ORT_DIR = projectOrtDir();
    assert.deepEqual(selectOrtDir(), { dir: projectOrtDir(), source: 'SDPM_ORT_DIR' });
    process.env.SDPM_ORT_DIR = '/nonexistent/ort';
    assert.throws(() => selectOrtDir(), (e: unknown) => isSdpmError(e, 'PROVIDER_UNAVAILABLE'));
  } finally {
    if (saved === undefined) delete process.env.SDPM_ORT_DIR;
    else process.env.SDPM_ORT_DIR = saved;
  }
});

test('the CUDA check runs in a child process and names why CUDA cannot start (this machine has no provider or no GPU)', { skip: process.platform !== 'linux' ? 'linux only' : false }, () => {
  const model = new URL('../../../../../models/bundles/sdpm-tiny-test/sdpm_eps.onnx', import.meta.url).pathname;
  const why = tryCudaSession(projectOrtDir(), model);
  if (why === null) return; // a machine with a working CUDA provider
  assert.ok(why.length > 0 && !why.includes('check process failed'), why);
});
