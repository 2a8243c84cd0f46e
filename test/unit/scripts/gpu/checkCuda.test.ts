// scripts/gpu/check-cuda.sh is the one script the GPU machine runs (issue 15). Here, without a GPU, its CPU
// fallback path must run end to end and say so: provider actually used, golden parity, a study wall time, JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticStudy } from '../../../integration/inference/syntheticStudy';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

test('check-cuda.sh --quick takes the CPU fallback path here and reports provider, parity and wall time', { skip: existsSync('/proc/driver/nvidia/gpus') ? 'this machine has an NVIDIA GPU' : false }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-cuda-check-'));
  const study = join(tmp, 'study.nii.gz');
  await writeSyntheticStudy(study, { nz: 3 });
  // an empty carry folder: the project's onnxruntime-node, whatever pack-carry.sh left in build/gpu-carry
  const env: NodeJS.ProcessEnv = { ...process.env, OUT: join(tmp, 'out'), SDPM_GPU_CARRY: join(tmp, 'no-carry') };
  delete env.SDPM_ORT_DIR;
  const r = spawnSync('bash', [join(ROOT, 'scripts/gpu/check-cuda.sh'), '--quick', '--study', study], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /no nvidia-smi on this machine: CPU fallback path|^NVIDIA/m);
  assert.match(out, /^1\. onnxruntime-node \d+\.\d+\.\d+ \(project: /m);
  assert.match(out, /^2\. provider auto -> used cpu: auto: .+running on CPU {2}\[CPU fallback path\]$/m);
  assert.match(out, /^3\. golden network case \(\d+ images\): .+within 2e-3$/m);
  assert.match(out, /^4\. study .+: default \(cpu-fast, mode avg\) on cpu: [\d.]+ s, \d+ network images/m);
  const j = JSON.parse(readFileSync(join(tmp, 'out', 'cuda-check.json'), 'utf8')) as { provider: { used: string; reason: string }; parity: { ok: boolean; vsTorch: { eps: number } }; runs: { default: { wallS: number; used: string } } };
  assert.equal(j.provider.used, 'cpu');
  assert.equal(j.runs.default.used, 'cpu');
  assert.ok(j.parity.ok && j.parity.vsTorch.eps < 1e-4);
  assert.ok(j.runs.default.wallS > 0);
});
