/**
 * Runs the studies of one shard with a pool of inference workers (one worker thread each, sessions kept
 * open between studies). For each study: key (StudyInstanceUID + hash of input and settings); a study
 * whose key is already published is a no-op; otherwise run, then publish the result or the error row.
 */
import { availableParallelism, hostname } from 'node:os';
import { resolveDefaultBundle, SdpmError, toErrorPayload } from '../../core/index';
import type { InferenceRequest } from '../../core/index';
import type { CliContext } from '../CliCommand';
import { InferenceWorkerHost } from '../../worker/InferenceWorkerHost';
import { formatDuration } from '../commands/progressPrinter';
import { isDone, publishError, publishOk, type ManifestEntry, type StudyRecord } from '../../services/batch/resultStore';
import { batchSeg, prepareStudy } from '../../services/batch/studyResult';

export interface ShardRunOptions {
  out: string;
  base: Omit<InferenceRequest, 'input'>;
  settingsSha256: string;
  workers: number;
  /** label of the shard for the records, e.g. "1/3 (slurm)" or "all" */
  shardLabel: string;
  retryErrors: boolean;
  isStopped?: () => boolean;
}

export interface ShardOutcome {
  ran: number;
  ok: number;
  failed: number;
  skipped: number;
  duplicates: number;
  wallMs: number;
}


export async function runShard(studies: readonly ManifestEntry[], o: ShardRunOptions, ctx: CliContext): Promise<ShardOutcome> {
  const t0 = Date.now();
  const res: ShardOutcome = { ran: 0, ok: 0, failed: 0, skipped: 0, duplicates: 0, wallMs: 0 };
  const threads = o.base.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / Math.max(1, o.workers)));
  const line = (): void => {
    const el = Date.now() - t0;
    const done = res.ok + res.failed + res.duplicates;
    const left = studies.length - done - res.skipped;
    const eta = done > 0 ? formatDuration((el / done) * left) : '?';
    ctx.stderr(`batch [${o.shardLabel}]: ${done + res.skipped}/${studies.length} (${res.failed} failed, ${res.skipped} already done), ${formatDuration(el)} elapsed, ETA ${eta}\n`);
  };
  const queue = studies.map((_, i) => i);
  const worker = async (): Promise<void> => {
    const host = new InferenceWorkerHost();
    try {
      for (let i = queue.shift(); i !== undefined && o.isStopped?.() !== true; i = queue.shift()) {
        await runOne(studies[i] as ManifestEntry, host, threads, o, ctx, res);
        line();
      }
    } finally {
      await host.terminate();
    }
  };
  line();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.workers, studies.length)) }, worker));
  res.wallMs = Date.now() - t0;
  return res;
}

async function runOne(s: ManifestEntry, host: InferenceWorkerHost, threads: number, o: ShardRunOptions, ctx: CliContext, res: ShardOutcome): Promise<void> {
  const t = Date.now();
  const { key, uid, inputSha256 } = await prepareStudy(s, o.settingsSha256);
  const done = isDone(o.out, key, o.retryErrors);
  if (done !== null) {
    res.skipped++;
    ctx.log.info(`${s.id}: already done (${done}), skipped`, { key });
    return;
  }
  res.ran++;
  const rec = (status: 'ok' | 'error', error: StudyRecord['error']): StudyRecord => ({
    formatVersion: 1, id: s.id, path: s.path, key, studyInstanceUid: uid, inputSha256, settingsSha256: o.settingsSha256, status, error,
    finishedAt: new Date().toISOString(), wallMs: Date.now() - t, worker: { host: hostname(), pid: process.pid, shard: o.shardLabel },
  });
  let r;
  try {
    r = await host.run({ ...o.base, intraOpThreads: threads, keepSessions: true, input: { kind: 'path', path: s.path } }, { onLog: (level, m, f) => (level === 'error' || level === 'warn' ? ctx.log[level](`${s.id}: ${m}`, f) : undefined) }).result;
  } catch (err) {
    if (err instanceof SdpmError && err.code === 'CANCELLED') throw err;
    const p = toErrorPayload(err);
    res.failed++;
    ctx.log.error(`${s.id}: [${p.code}] ${p.message}`);
    await publishError(o.out, rec('error', p));
    return;
  }
  const seg = await batchSeg(s.path, r, o.base.bundleDir ?? resolveDefaultBundle());
  // A NIfTI input cannot have a SEG (expected, recorded in study.json); a DICOM study without one is a problem.
  if (seg.record.file === null) ctx.log[seg.nifti ? 'info' : 'warn'](`${s.id}: no DICOM SEG: ${seg.record.note ?? ''}`);
  const how = await publishOk(o.out, { ...rec('ok', null), seg: seg.record }, r, seg.bytes === null ? [] : [{ name: 'seg.dcm', bytes: seg.bytes }]);
  if (how === 'duplicate') {
    res.duplicates++;
    ctx.log.info(`${s.id}: another worker published this study first; this copy was dropped`, { key });
  } else res.ok++;
}
