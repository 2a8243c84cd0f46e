/**
 * `sdpm batch` as a real Slurm job array (slurmctld + slurmd + munged from Debian, started by the test on
 * localhost in a temp folder): deploy/slurm/sdpm-batch.sbatch over 3 shards of 9 studies; one task is killed
 * mid-run (scancel) after it published its first study, resubmitted on its own, and the merged results.csv
 * has every study exactly once and is identical to a single-machine run of the same studies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticStudy } from '../inference/syntheticStudy';
import { runCli } from './runCli';
import { slurmMissing, startSlurm, type SlurmCluster } from './slurmCluster';

const ROOT = new URL('../../..', import.meta.url).pathname;
const OPTS = ['--bundle', join(ROOT, 'models/bundles/sdpm-tiny-test'), '--provider', 'cpu', '--mode', 'all', '--samples', '2', '--set', 'ySal.tStride=63', '--set', 'yInfer.nSteps=3', '--seed', '3'];
const SHARDS = 3;
const STUDIES = 9;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function studiesOf(out: string, shard: number): number {
  const dir = join(out, 'studies');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((k) => (JSON.parse(readFileSync(join(dir, k, 'study.json'), 'utf8')) as { worker: { shard: string } }).worker.shard.startsWith(`${shard}/`)).length;
}

async function waitForJob(c: SlurmCluster, jobId: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (c.run('/usr/bin/squeue', ['-h', '-j', jobId, '-o', '%i %T']).trim() === '') return;
    await sleep(300);
  }
  throw new Error(`job ${jobId} still queued or running after ${timeoutMs / 1000} s\n${c.logs()}`);
}

const skip = slurmMissing();
test('Slurm job array: 3 shards, one task killed mid-run and resubmitted, merge = single-machine run', { skip: skip ?? false, timeout: 600_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'sdpm-slurm-'));
  const input = join(root, 'studies');
  mkdirSync(input);
  for (let i = 0; i < STUDIES; i++) await writeSyntheticStudy(join(input, `case${i}.nii.gz`), { nx: 64, ny: 64, nz: 4, blobShift: i });
  const cluster = await startSlurm(join(root, 'slurm'));
  try {
    const out = join(root, 'out-slurm');
    const script = join(ROOT, 'deploy/slurm/sdpm-batch.sbatch');
    const sdpm = `${process.execPath} ${join(ROOT, 'electron/cli/bin/sdpm.mjs')}`;
    const submit = (array: string): string =>
      cluster.run('/usr/bin/sbatch', ['--parsable', `--array=${array}`, '--cpus-per-task=1', '--mem=500M', `--chdir=${root}`, `--output=${join(root, 'task-%A_%a.out')}`, `--export=ALL,SDPM=${sdpm},SDPM_SHARD_COUNT=${SHARDS}`, script, input, out, ...OPTS]).trim().split(';')[0] ?? '';
    const job = submit(`0-${SHARDS - 1}`);
    // kill task 1 once it has published its first study (it has three)
    const t0 = Date.now();
    while (studiesOf(out, 1) < 1) {
      assert.ok(Date.now() - t0 < 300_000, `task 1 published nothing in 300 s\n${cluster.logs()}`);
      await sleep(200);
    }
    cluster.run('/usr/bin/scancel', ['--signal=KILL', '--full', `${job}_1`]);
    await waitForJob(cluster, job, 300_000);
    const killedAt = studiesOf(out, 1);
    process.stdout.write(`# task 1 killed after ${killedAt} of ${STUDIES / SHARDS} studies\n`);
    assert.ok(killedAt < STUDIES / SHARDS, 'task 1 was killed mid-run');
    const partial = await runCli(['batch', 'merge', '--out', out]);
    assert.equal(partial.code, 1);
    const missing = [1, 4, 7].slice(killedAt).map((i) => `case${i}`); // shard 1 of 3 runs studies 1, 4, 7 in that order
    assert.ok(partial.out.startsWith(`${STUDIES - missing.length}/${STUDIES} studies ok, 0 failed, ${missing.length} missing; missing: ${missing.join(', ')};`), partial.out);
    // resubmit the killed task alone: its finished study is skipped, the rest is done
    const again = submit('1');
    await waitForJob(cluster, again, 300_000);
    const merged = await runCli(['batch', 'merge', '--out', out]);
    assert.equal(merged.code, 0, `${merged.out}${merged.err}${readdirSync(root).filter((f) => f.startsWith('task-')).map((f) => readFileSync(join(root, f), 'utf8')).join('\n')}`);
    const rows = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n').slice(1);
    assert.deepEqual(rows.map((r) => r.split(',')[0]).sort(), Array.from({ length: STUDIES }, (_, i) => `case${i}`));
    assert.equal(readdirSync(join(out, 'studies')).length, STUDIES, 'every study published exactly once');
    const resubmitted = readFileSync(join(root, `task-${again}_1.out`), 'utf8');
    assert.match(resubmitted, new RegExp(`${killedAt} already done`));
    // the same studies on one machine, no Slurm
    const single = join(root, 'out-single');
    const one = await runCli(['batch', input, ...OPTS, '--threads', '1', '--out', single]);
    assert.equal(one.code, 0, one.err);
    assert.equal(readFileSync(join(out, 'results.csv'), 'utf8'), readFileSync(join(single, 'results.csv'), 'utf8'));
  } finally {
    await cluster.stop();
  }
  rmSync(root, { recursive: true, force: true }); // kept when an assertion failed, for inspection
});
