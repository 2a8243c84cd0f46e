/**
 * Retrieves the series a user picked into the SeriesCache: lists the instances, fetches each one that is
 * not already cached (so a second call resumes), verifies and stores it, reports progress, honours
 * cancel, and writes the completion marker only when every instance arrived and parsed.
 * Failures are reported per instance; a peer that is down or refuses us stops the run (the rest are
 * reported as not attempted) instead of failing every instance one by one.
 */
import { SdpmError, toErrorPayload, type ErrorCode } from '../errors';
import type { Logger } from '../logger';
import { pacsMessage } from './pacsErrors';
import type { InstanceRef, PacsTransport } from './PacsTransport';
import type { SeriesCache } from './SeriesCache';

export interface RetrieveProgress {
  total: number;
  /** Present in the cache (fetched now or earlier). */
  done: number;
  failed: number;
  bytesFetched: number;
  sopInstanceUid?: string;
}

export interface InstanceFailure {
  sopInstanceUid: string;
  code: ErrorCode;
  message: string;
}

export interface RetrieveResult {
  status: 'complete' | 'incomplete' | 'cancelled';
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** The instances folder: hand it to the loader only when status is complete. */
  folder: string;
  total: number;
  fetched: number;
  /** Already in the cache from an earlier run (resume). */
  resumed: number;
  failures: InstanceFailure[];
  /** One line for the user. */
  message: string;
}

export interface RetrieveOptions {
  signal?: AbortSignal;
  onProgress?: (p: RetrieveProgress) => void;
  /** Parallel requests (default 4; DIMSE peers get 1 association at a time). */
  concurrency?: number;
  log?: Logger;
}

/** "instance <uid>: [CODE] <problem>" without repeating the peer and study that the summary names. */
function firstProblem(failures: readonly InstanceFailure[], studyInstanceUid: string): string {
  const f = failures[0];
  if (f === undefined) return 'unknown';
  const marker = `(study ${studyInstanceUid}): `;
  const at = f.message.indexOf(marker);
  return `instance ${f.sopInstanceUid}: [${f.code}] ${at >= 0 ? f.message.slice(at + marker.length) : f.message}`;
}

const FATAL: ReadonlySet<ErrorCode> = new Set(['PACS_UNREACHABLE', 'PACS_AUTH_FAILED', 'PACS_TIMEOUT', 'CANCELLED']);

export async function retrieveSeries(transport: PacsTransport, cache: SeriesCache, studyInstanceUid: string, seriesInstanceUid: string, options: RetrieveOptions = {}): Promise<RetrieveResult> {
  const folder = cache.instancesDir(studyInstanceUid, seriesInstanceUid);
  const refs = await transport.listInstances(studyInstanceUid, seriesInstanceUid, options.signal);
  const ctx = { peerLabel: transport.peerLabel, action: `retrieve series ${seriesInstanceUid}`, studyInstanceUid };
  if (refs.length === 0) throw new SdpmError('PACS_NOT_FOUND', pacsMessage(ctx, 'the archive lists no instances in this series'));
  if (await cache.isComplete(studyInstanceUid, seriesInstanceUid)) {
    const m = await cache.readMarker(studyInstanceUid, seriesInstanceUid);
    const cached = new Set(m?.instances.map((i) => i.sopInstanceUid));
    if (refs.every((r) => cached.has(r.sopInstanceUid))) {
      options.onProgress?.({ total: refs.length, done: refs.length, failed: 0, bytesFetched: 0 });
      return { status: 'complete', studyInstanceUid, seriesInstanceUid, folder, total: refs.length, fetched: 0, resumed: refs.length, failures: [], message: pacsMessage(ctx, `already in the cache (${refs.length} instances)`) };
    }
  }
  await cache.clearMarker(studyInstanceUid, seriesInstanceUid);
  const present = await cache.presentInstances(studyInstanceUid, seriesInstanceUid);
  const todo = refs.filter((r) => !present.has(r.sopInstanceUid));
  const progress: RetrieveProgress = { total: refs.length, done: refs.length - todo.length, failed: 0, bytesFetched: 0 };
  options.onProgress?.({ ...progress });
  const failures: InstanceFailure[] = [];
  let stopped: ErrorCode | undefined;
  let fetched = 0;
  const queue = [...todo];

  const one = async (ref: InstanceRef): Promise<void> => {
    try {
      const bytes = await transport.fetchInstance(ref, options.signal);
      await cache.putInstance(ref, bytes, `${transport.peerLabel}, instance ${ref.sopInstanceUid} (study ${studyInstanceUid})`);
      fetched += 1;
      progress.done += 1;
      progress.bytesFetched += bytes.byteLength;
    } catch (err) {
      const p = toErrorPayload(err);
      failures.push({ sopInstanceUid: ref.sopInstanceUid, code: p.code, message: p.message });
      progress.failed += 1;
      if (FATAL.has(p.code)) stopped ??= p.code;
      options.log?.warn('pacs: instance not retrieved', { sopInstanceUid: ref.sopInstanceUid, code: p.code });
    }
    options.onProgress?.({ ...progress, sopInstanceUid: ref.sopInstanceUid });
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
    for (;;) {
      if (stopped !== undefined) return;
      const ref = queue.shift();
      if (ref === undefined) return;
      await one(ref);
    }
  });
  await Promise.all(workers);
  for (const ref of queue) failures.push({ sopInstanceUid: ref.sopInstanceUid, code: stopped ?? 'PACS_RETRIEVE_INCOMPLETE', message: 'not attempted: the retrieval stopped earlier' });

  const complete = failures.length === 0 && (await cache.markComplete(refs, transport.peerLabel, studyInstanceUid, seriesInstanceUid));
  const base = { studyInstanceUid, seriesInstanceUid, folder, total: refs.length, fetched, resumed: refs.length - todo.length, failures };
  const result: RetrieveResult = complete
    ? { ...base, status: 'complete', message: pacsMessage(ctx, `complete: ${refs.length} instances (${fetched} fetched, ${base.resumed} already cached)`) }
    : stopped === 'CANCELLED'
      ? { ...base, status: 'cancelled', message: pacsMessage(ctx, `cancelled with ${progress.done} of ${refs.length} instances cached; retrieve again to resume`) }
      : {
          ...base,
          status: 'incomplete',
          message: pacsMessage(ctx, `INCOMPLETE: ${refs.length - progress.done} of ${refs.length} instances missing (first problem: ${firstProblem(failures, studyInstanceUid)}); the series is not marked complete; retrieve again to resume`),
        };
  options.log?.info(result.message, { status: result.status, fetched, failed: failures.length });
  return result;
}
