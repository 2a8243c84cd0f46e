import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectNvidiaGpus, gpuAdvice, parseNvidiaSmiCsv, parseProcInformation } from '../../../../../electron/core/inference/gpuSupport';

test('nvidia-smi CSV and the driver information file are parsed', () => {
  assert.deepEqual(parseNvidiaSmiCsv('NVIDIA H200, 143771, 580.82.07\nNVIDIA A10, , \n\n'), [
    { name: 'NVIDIA H200', memoryMiB: 143771, driver: '580.82.07' },
    { name: 'NVIDIA A10', memoryMiB: null, driver: null },
  ]);
  assert.equal(parseProcInformation('Model: \t\t NVIDIA H200\nIRQ:   42\n'), 'NVIDIA H200');
  assert.equal(parseProcInformation('IRQ: 42\n'), null);
});

test('GPUs are found from the driver files when nvidia-smi is absent; none without the driver', () => {
  const proc = mkdtempSync(join(tmpdir(), 'sdpm-nv-'));
  mkdirSync(join(proc, 'gpus', '0000:17:00.0'), { recursive: true });
  writeFileSync(join(proc, 'gpus', '0000:17:00.0', 'information'), 'Model: \t\t NVIDIA H200\n');
  writeFileSync(join(proc, 'version'), 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.82.07  Sun Aug 10 2025\n');
  assert.deepEqual(detectNvidiaGpus({ procDir: proc, nvidiaSmi: '/nonexistent/nvidia-smi' }), { gpus: [{ name: 'NVIDIA H200', memoryMiB: null, driver: '580.82.07' }], source: 'proc' });
  assert.deepEqual(detectNvidiaGpus({ procDir: join(proc, 'absent'), nvidiaSmi: null }), { gpus: [], source: 'none' });
});

test('advice only when a GPU is present and CUDA is not usable', () => {
  const gpu = { gpus: [{ name: 'NVIDIA H200', memoryMiB: null, driver: null }], source: 'proc' as const };
  assert.match(gpuAdvice(gpu, 'the CUDA provider library is not installed') ?? '', /NVIDIA H200.*not installed.*npx sdpm setup-gpu/);
  assert.equal(gpuAdvice(gpu, null), null);
  assert.equal(gpuAdvice({ gpus: [], source: 'none' }, 'missing'), null);
});
