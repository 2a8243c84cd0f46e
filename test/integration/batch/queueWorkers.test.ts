/**
 * The queue service on a real Redis (Debian's redis-server, started by the test on 127.0.0.1 in a temp folder):
 * six studies enqueued (plus a duplicate, ignored), two `sdpm queue worker` processes, one killed (SIGKILL) in
 * the middle of a job; BullMQ's stalled-job check gives that job to the other worker, and every study is
 * published exactly once. `sdpm queue status` reports the counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { writeSyntheticStudy } from '../inference/syntheticStudy';
import { runCli } from './runCli';

const ROOT = new URL('../../..', import.meta.url).pathname;
const REDIS = '/usr/bin/redis-server';
const OPTS = ['--bundle', join(ROOT, 'models/bundles/sdpm-tiny-test'), '--provider', 'cpu', '--mode', 'all', '--samples', '2', '--set', 'ySal.tStride=63', '--set', 'yInfer.nSteps=3', '--threads', '1'];
const STUDIES = 6;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

test('queue: two workers, one killed mid-job, every study done exactly once, the duplicate ignored', { skip: existsSync(REDIS) ? false : `${REDIS} not installed: run scripts/install-system-deps.sh`, timeout: 600_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'sdpm-queue-'));
  const port = await freePort();
  const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root, '--daemonize', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const workers: ChildProcess[] = [];
  const queue = new Queue('sdpm-studies', { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null } });
  try {
    for (let i = 0; i < 50; i++) {
      try {
        await queue.getJobCounts();
        break;
      } catch {
        await sleep(100);
      }
    }
    const input = join(root, 'studies');
    mkdirSync(input);
    const paths: string[] = [];
    for (let i = 0; i < STUDIES; i++) {
      paths.push(join(input, `q${i}.nii.gz`));
      await writeSyntheticStudy(paths[i] as string, { nx: 64, ny: 64, nz: 4, blobShift: i });
    }
    const added = await runCli(['queue', 'add', ...paths, '--redis', url]);
    assert.equal(added.code, 0, added.err);
    assert.equal((added.out.match(/^queued:/gm) ?? []).length, STUDIES);
    const dup = await runCli(['queue', 'add', paths[2] as string, '--redis', url]);
    assert.match(dup.out, /already in the queue \(no-op\): .*q2\.nii\.gz \(job id-q2\)/);

    const out = join(root, 'out');
    const logs: string[] = ['', ''];
    const startWorker = (n: number): ChildProcess => {
      const w = spawn(process.execPath, [join(ROOT, 'electron/cli/bin/sdpm.mjs'), 'queue', 'worker', '--redis', url, '--out', out, '--lock-ms', '4000', '--stalled-ms', '1500', ...OPTS], { stdio: ['ignore', 'ignore', 'pipe'] });
      w.stderr?.on('data', (d: Buffer) => (logs[n] += d.toString()));
      workers.push(w);
      return w;
    };
    const a = startWorker(0);
    // kill worker A while it holds a job (it is active and A has not finished it)
    const t0 = Date.now();
    let killedJob = '';
    while (killedJob === '') {
      assert.ok(Date.now() - t0 < 120_000, `worker A never took a job\n${logs[0]}`);
      const active = await queue.getActive();
      const mine = active.find((j) => j.processedBy?.endsWith(`:${a.pid}`));
      if (mine !== undefined) {
        a.kill('SIGKILL');
        killedJob = mine.id ?? '';
      } else await sleep(100);
    }
    startWorker(1);
    // wait until every job is completed
    const t1 = Date.now();
    for (;;) {
      const c = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      if ((c.completed ?? 0) + (c.failed ?? 0) === STUDIES) break;
      assert.ok(Date.now() - t1 < 300_000, `not finished: ${JSON.stringify(c)}\n--- worker B\n${logs[1]}`);
      await sleep(300);
    }
    const counts = await queue.getJobCounts('completed', 'failed');
    assert.deepEqual(counts, { completed: STUDIES, failed: 0 });
    const killed = await queue.getJob(killedJob);
    process.stdout.write(`# killed worker A during job ${killedJob}; it finished on ${killed?.processedBy ?? '?'} after ${killed?.attemptsMade ?? '?'} attempt(s)\n`);
    assert.match(logs[1] ?? '', new RegExp(`job ${killedJob} stalled`), 'worker B recovered the stalled job');
    // exactly once: one published result per study, no leftover partial folder from B
    const published = readdirSync(join(out, 'studies')).map((k) => (JSON.parse(readFileSync(join(out, 'studies', k, 'study.json'), 'utf8')) as { id: string }).id).sort();
    assert.deepEqual(published, Array.from({ length: STUDIES }, (_, i) => `q${i}`));
    // each result folder is the batch's; these inputs are NIfTI, so the record says why there is no DICOM SEG
    for (const k of readdirSync(join(out, 'studies'))) {
      const rec = JSON.parse(readFileSync(join(out, 'studies', k, 'study.json'), 'utf8')) as { seg?: { file: string | null; note: string | null } };
      assert.equal(rec.seg?.file, null, k);
      assert.match(rec.seg?.note ?? '', /NIfTI/, k);
    }
    const st = await runCli(['queue', 'status', '--redis', url]);
    assert.match(st.out, new RegExp(`completed ${STUDIES}`));
    assert.match(st.out, /failed 0/);
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await sleep(300);
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await queue.close();
    redis.kill('SIGTERM');
  }
  rmSync(root, { recursive: true, force: true }); // kept when an assertion failed, for inspection
});
