/**
 * A queue of studies for workers that take them one by one (a hospital measuring every new head CT as it
 * arrives): BullMQ on Redis. The job ID is the study's StudyInstanceUID (or its id when it has none), so
 * enqueueing a study that is already queued, running or done is a no-op. Retries with exponential backoff;
 * a job whose worker died is found by BullMQ's stalled-job check (its lock expires) and given to another
 * worker. Results go to the same folder layout as `sdpm batch` (services/batch/resultStore.ts), so a study is
 * published at most once even if two workers ever run it.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

export const DEFAULT_QUEUE_NAME = 'sdpm-studies';

export interface StudyJobData {
  /** the study's id (manifest id or folder name) */
  id: string;
  /** DICOM folder or NIfTI file, as the worker sees it (shared storage) */
  path: string;
  /** StudyInstanceUID when known at enqueue time ('' otherwise) */
  studyInstanceUid: string;
}

export interface QueueConfig {
  connection: ConnectionOptions;
  name?: string;
}

/** Retries: 3 attempts, 5 s then 10 s. Finished jobs are kept (so a duplicate stays a no-op) for 30 days. */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 30 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** Redis URL (redis://host:port[/db]) to BullMQ connection options. */
export function connectionFromUrl(url: string): ConnectionOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:') throw new Error(`not a redis:// URL: ${url}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), db, maxRetriesPerRequest: null, ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}) };
}

/** The job ID of a study: its StudyInstanceUID, else its id (BullMQ IDs must not contain ':'). */
export function studyJobId(d: StudyJobData): string {
  return (d.studyInstanceUid !== '' ? d.studyInstanceUid : `id-${d.id}`).replace(/:/g, '_');
}

export async function enqueueStudy(queue: Queue<StudyJobData>, d: StudyJobData): Promise<{ jobId: string; added: boolean }> {
  const jobId = studyJobId(d);
  const existing = await queue.getJob(jobId);
  if (existing !== undefined) return { jobId, added: false };
  const job = await queue.add('study', d, { ...JOB_OPTIONS, jobId });
  return { jobId: job.id ?? jobId, added: true };
}

export function openQueue(c: QueueConfig): Queue<StudyJobData> {
  return new Queue<StudyJobData>(c.name ?? DEFAULT_QUEUE_NAME, { connection: c.connection });
}

export interface QueueStatus {
  counts: Record<string, number>;
  failed: { jobId: string; study: string; attempts: number; reason: string }[];
}

export async function queueStatus(queue: Queue<StudyJobData>): Promise<QueueStatus> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
  const failed = (await queue.getFailed(0, 49)).map((j) => ({ jobId: j.id ?? '', study: j.data.id, attempts: j.attemptsMade, reason: j.failedReason }));
  return { counts, failed };
}
