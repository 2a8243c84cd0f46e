/**
 * The CLI honours Kubernetes' JOB_COMPLETION_INDEX (with SDPM_SHARD_COUNT, as the Indexed Job sets them): the pod
 * of index 1 of 3 runs exactly studies 1 and 4 of 6, and merge names the others as missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticStudy } from '../inference/syntheticStudy';
import { runCli } from './runCli';

const ROOT = new URL('../../..', import.meta.url).pathname;

test('JOB_COMPLETION_INDEX=1 with SDPM_SHARD_COUNT=3 runs shard 1 of 3', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sdpm-k8s-'));
  const input = join(root, 'studies');
  mkdirSync(input);
  for (let i = 0; i < 6; i++) await writeSyntheticStudy(join(input, `k${i}.nii.gz`), { nx: 48, ny: 48, nz: 2, blobShift: i });
  const out = join(root, 'out');
  const r = spawnSync(process.execPath, [join(ROOT, 'electron/cli/bin/sdpm.mjs'), 'batch', input, '--out', out, '--bundle', join(ROOT, 'models/bundles/sdpm-tiny-test'), '--provider', 'cpu', '--mode', 'avg', '--threads', '1'], {
    env: { ...process.env, JOB_COMPLETION_INDEX: '1', SDPM_SHARD_COUNT: '3' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /shard 1\/3 \(kubernetes\): 2 studies: 2 done now/);
  const done = readdirSync(join(out, 'studies')).map((k) => (JSON.parse(readFileSync(join(out, 'studies', k, 'study.json'), 'utf8')) as { id: string; worker: { shard: string } })).sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(done.map((d) => [d.id, d.worker.shard]), [['k1', '1/3 (kubernetes)'], ['k4', '1/3 (kubernetes)']]);
  const m = await runCli(['batch', 'merge', '--out', out]);
  assert.equal(m.code, 1);
  assert.match(m.out, /2\/6 studies ok, 0 failed, 4 missing; missing: k0, k2, k3, k5;/);
  rmSync(root, { recursive: true, force: true });
});
