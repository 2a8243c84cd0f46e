/**
 * A queue worker: takes study jobs from BullMQ and runs each through the inference worker (sessions kept
 * between studies), publishing into the batch result folder. Input problems (bad files, no CT series...) are
 * final: an error row is published and the job fails without retry (UnrecoverableError). Anything else
 * (the engine crashed, out of memory, I/O) is retried with backoff. A study already published (same key) is
 * a no-op, so a job that comes back after its worker died never produces a second result.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { resolveDefaultBundle, toErrorPayload, type ErrorCode, type InferenceRequest } from '../../core/index';
import { isDone, publishError, publishOk, type StudyRecord } from '../batch/resultStore';
import { batchSeg, prepareStudy } from '../batch/studyResult';
import { InferenceWorkerHost } from '../../worker/InferenceWorkerHost';
import { DEFAULT_QUEUE_NAME, type StudyJobData } from './studyQueue';

/** Errors that another attempt cannot fix (the input is what it is). */
const FINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['DICOM_NOT_DICOM', 'DICOM_TRUNCATED', 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX', 'DICOM_DECODE_FAILED', 'DICOM_MISSING_ATTRIBUTE', 'SERIES_EMPTY_FOLDER', 'SERIES_NOT_FOUND', 'SERIES_AMBIGUOUS', 'SERIES_NOT_CT', 'SERIES_TOO_FEW_SLICES', 'SERIES_INCONSISTENT', 'SERIES_DUPLICATE_SLICES', 'SERIES_GAP_REFUSED', 'SERIES_TOO_LARGE', 'NIFTI_INVALID', 'BUNDLE_NOT_FOUND', 'BUNDLE_INVALID', 'BUNDLE_CHECKSUM', 'INVALID_ARGUMENT']);

export interface StudyWorkerOptions {
  connection: ConnectionOptions;
  queueName?: string;
  out: string;
  base: Omit<InferenceRequest, 'input'>;
  settingsSha256: string;
  /** how long a job's lock lasts without renewal; a dead worker's job is taken back after about this (ms, default 30 s) */
  lockDurationMs?: number;
  /** how often workers look for stalled jobs (ms, default 30 s) */
  stalledIntervalMs?: number;
  log?: (line: string) => void;
}

export type StudyOutcome = 'done' | 'already-done' | 'duplicate' | 'error-row';

export function startStudyWorker(o: StudyWorkerOptions): { worker: Worker<StudyJobData, StudyOutcome>; close: () => Promise<void> } {
  const host = new InferenceWorkerHost();
  const name = `${hostname()}:${process.pid}`;
  const log = o.log ?? (() => undefined);
  const processJob = async (job: Job<StudyJobData>): Promise<StudyOutcome> => {
    const s = job.data;
    const t = Date.now();
    const { key, uid, inputSha256 } = await prepareStudy(s, o.settingsSha256);
    if (isDone(o.out, key, false) !== null) {
      log(`${s.id}: already published (${key}), nothing to do`);
      return 'already-done';
    }
    const rec = (status: 'ok' | 'error', error: StudyRecord['error']): StudyRecord => ({
      formatVersion: 1, id: s.id, path: s.path, key, studyInstanceUid: uid, inputSha256, settingsSha256: o.settingsSha256, status, error,
      finishedAt: new Date().toISOString(), wallMs: Date.now() - t, worker: { host: hostname(), pid: process.pid, shard: `queue:${job.id ?? ''}#${job.attemptsMade + 1}` },
    });
    let r;
    try {
      r = await host.run({ ...o.base, keepSessions: true, input: { kind: 'path', path: s.path } }).result;
    } catch (err) {
      const p = toErrorPayload(err);
      if (!FINAL.has(p.code)) throw new Error(`[${p.code}] ${p.message}`);
      await publishError(o.out, rec('error', p));
      throw new UnrecoverableError(`[${p.code}] ${p.message}`);
    }
    const seg = await batchSeg(s.path, r, o.base.bundleDir ?? resolveDefaultBundle());
    if (seg.record.file === null) log(`${s.id}: no DICOM SEG: ${seg.record.note ?? ''}`);
    const how = await publishOk(o.out, { ...rec('ok', null), seg: seg.record }, r, seg.bytes === null ? [] : [{ name: 'seg.dcm', bytes: seg.bytes }]);
    log(`${s.id}: ${how === 'published' ? 'done' : 'done by another worker meanwhile'} (${key})`);
    return how === 'published' ? 'done' : 'duplicate';
  };
  const worker = new Worker<StudyJobData, StudyOutcome>(o.queueName ?? DEFAULT_QUEUE_NAME, processJob, {
    connection: o.connection,
    concurrency: 1,
    name,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
  });
  worker.on('failed', (job, err) => log(`${job?.data.id ?? '?'}: attempt ${job?.attemptsMade ?? '?'} failed: ${err.message}`));
  worker.on('stalled', (jobId) => log(`job ${jobId} stalled (its worker stopped renewing its lock): back in the queue`));
  return {
    worker,
    close: async () => {
      await worker.close();
      await host.terminate();
    },
  };
}
