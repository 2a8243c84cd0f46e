/**
 * `sdpm queue`: the queue service (electron/services/queue) from the command line.
 *   sdpm queue add <study>... --redis redis://127.0.0.1:6379     enqueue studies (job ID = StudyInstanceUID)
 *   sdpm queue worker --out <dir> --redis URL [segment options]   take studies until stopped (SIGTERM/SIGINT)
 *   sdpm queue status --redis URL                                 job counts and failed jobs with their reasons
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SdpmError, verifyChecksums } from '../../core/index';
import { connectionFromUrl, enqueueStudy, openQueue, queueStatus, type QueueConfig } from '../../services/queue/studyQueue';
import { startStudyWorker } from '../../services/queue/studyWorker';
import type { CliCommand, CliContext } from '../CliCommand';
import { hashSettings, readStudyUid } from '../../services/batch/studyKey';
import { requestFromOptions, SEGMENT_OPTIONS_HELP, SEGMENT_PARSE_OPTIONS } from './segment';

const HELP = `usage: sdpm queue add <study>... --redis URL [--queue NAME]
       sdpm queue worker --out <dir> --redis URL [--queue NAME] [--lock-ms N] [--stalled-ms N] [segment options]
       sdpm queue status --redis URL [--queue NAME] [--json]

A BullMQ queue on Redis for studies that arrive one by one. The job ID is the study's StudyInstanceUID, so
adding a study again is a no-op. Workers publish each result into <out>/studies/ (or an error row into
<out>/errors/) exactly as 'sdpm batch' does; input errors are final, other failures are retried (3 attempts,
backoff 5 s, 10 s); the job of a worker that died is taken back after --lock-ms (default 30000).
${SEGMENT_OPTIONS_HELP}
`;

function config(v: { redis?: string | undefined; queue?: string | undefined }): QueueConfig {
  if (v.redis === undefined) throw new SdpmError('INVALID_ARGUMENT', `sdpm queue needs --redis redis://host:port\n${HELP}`);
  let connection;
  try {
    connection = connectionFromUrl(v.redis);
  } catch (err) {
    throw new SdpmError('INVALID_ARGUMENT', `--redis: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { connection, ...(v.queue !== undefined ? { name: v.queue } : {}) };
}

async function add(paths: readonly string[], c: QueueConfig, ctx: CliContext): Promise<number> {
  if (paths.length === 0) throw new SdpmError('INVALID_ARGUMENT', `sdpm queue add needs at least one study\n${HELP}`);
  const queue = openQueue(c);
  try {
    for (const p of paths) {
      const path = resolve(p);
      const r = await enqueueStudy(queue, { id: basename(path).replace(/\.nii(\.gz)?$/i, ''), path, studyInstanceUid: await readStudyUid(path) });
      ctx.stdout(`${r.added ? 'queued' : 'already in the queue (no-op)'}: ${path} (job ${r.jobId})\n`);
    }
    return 0;
  } finally {
    await queue.close();
  }
}

async function status(c: QueueConfig, json: boolean, ctx: CliContext): Promise<number> {
  const queue = openQueue(c);
  try {
    const s = await queueStatus(queue);
    if (json) ctx.stdout(`${JSON.stringify(s, null, 1)}\n`);
    else {
      ctx.stdout(`${Object.entries(s.counts).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
      for (const f of s.failed) ctx.stdout(`failed: ${f.study} (job ${f.jobId}, ${f.attempts} attempt(s)): ${f.reason}\n`);
    }
    return 0;
  } finally {
    await queue.close();
  }
}

async function work(v: Record<string, string | boolean | string[] | undefined>, c: QueueConfig, ctx: CliContext): Promise<number> {
  if (typeof v.out !== 'string') throw new SdpmError('INVALID_ARGUMENT', `sdpm queue worker needs --out <dir>\n${HELP}`);
  const base = requestFromOptions(v);
  const settingsSha256 = hashSettings(base, verifyChecksums(base.bundleDir ?? ''));
  const ms = (k: string): number | undefined => (typeof v[k] === 'string' ? Number(v[k]) : undefined);
  const lock = ms('lock-ms');
  const stalled = ms('stalled-ms');
  const w = startStudyWorker({ connection: c.connection, ...(c.name !== undefined ? { queueName: c.name } : {}), out: resolve(v.out), base, settingsSha256, ...(lock !== undefined ? { lockDurationMs: lock } : {}), ...(stalled !== undefined ? { stalledIntervalMs: stalled } : {}), log: (l) => ctx.stderr(`queue worker: ${l}\n`) });
  ctx.stderr(`queue worker: waiting for studies (pid ${process.pid}); results in ${resolve(v.out)}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      ctx.stderr('queue worker: stopping after the running study\n');
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await w.close();
  return 0;
}

export const queue: CliCommand = {
  name: 'queue',
  summary: 'queue service: enqueue studies (job ID = StudyInstanceUID), run workers, show status (BullMQ on Redis)',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { ...SEGMENT_PARSE_OPTIONS, redis: { type: 'string' }, queue: { type: 'string' }, out: { type: 'string', short: 'o' }, 'lock-ms': { type: 'string' }, 'stalled-ms': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    const [sub, ...rest] = positionals;
    if (values.help === true || sub === undefined) {
      ctx.stdout(HELP);
      return sub === undefined && values.help !== true ? 2 : 0;
    }
    const c = config(values);
    if (sub === 'add') return add(rest, c, ctx);
    if (sub === 'status') return status(c, values.json === true, ctx);
    if (sub === 'worker') return work(values, c, ctx);
    throw new SdpmError('INVALID_ARGUMENT', `unknown queue command "${sub}"\n${HELP}`);
  },
};
