/**
 * Runs the studies of one shard with a pool of inference workers (one worker thread each, sessions kept
 * open between studies). For each study: key (StudyInstanceUID + hash of input and settings); a study
 * whose key is already published is a no-op; otherwise run, then publish the result or the error row.
 */
import { statSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { candidateIdMap, loadBundle, loadStudyInput, packageVersion, resolveDefaultBundle, SdpmError, toErrorPayload, writeLesionSeg } from '../../core/index';
import type { InferenceRequest } from '../../core/index';
import type { ResultMessage } from '../../worker/protocol';
import type { CliContext } from '../CliCommand';
import { InferenceWorkerHost } from '../../worker/InferenceWorkerHost';
import { formatDuration } from '../commands/progressPrinter';
import { isDone, publishError, publishOk, type ManifestEntry, type StudyRecord } from './resultStore';
import { hashStudyInput, readStudyUid, studyKey } from './studyKey';

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

export async function prepareStudy(s: ManifestEntry, settingsSha256: string): Promise<{ key: string; uid: string; inputSha256: string }> {
  const [inputSha256, uid] = await Promise.all([hashStudyInput(s.path), readStudyUid(s.path)]);
  return { key: studyKey(uid, s.id, inputSha256, settingsSha256), uid, inputSha256 };
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
  if (seg.record.file === null) ctx.log.warn(`${s.id}: no DICOM SEG: ${seg.record.note ?? ''}`);
  const how = await publishOk(o.out, { ...rec('ok', null), seg: seg.record }, r, seg.bytes === null ? [] : [{ name: 'seg.dcm', bytes: seg.bytes }]);
  if (how === 'duplicate') {
    res.duplicates++;
    ctx.log.info(`${s.id}: another worker published this study first; this copy was dropped`, { key });
  } else res.ok++;
}

/**
 * The study's DICOM SEG (core writeLesionSeg, the same writer as the app's export): the DICOM folder is read
 * again by the same loader (so the grid is the worker's), lesion IDs from the run's candidate ID map (those of
 * report.json). A study read from NIfTI, or one whose SEG cannot be written, keeps its result with a note.
 */
export async function batchSeg(path: string, r: ResultMessage, bundleDir: string): Promise<{ bytes: Uint8Array | null; record: NonNullable<StudyRecord['seg']> }> {
  const none = (note: string) => ({ bytes: null, record: { file: null, sopInstanceUid: null, segments: 0, note } });
  if (!statSync(path).isDirectory()) return none('the input is a NIfTI file: a DICOM SEG needs the DICOM slices it segments');
  try {
    const volume = await loadStudyInput(path);
    const [nx, ny, nz] = volume.dimensions;
    if (nx * ny * nz !== r.mask.length) return none(`the study read again has ${nx * ny * nz} voxels, the result ${r.mask.length}; not written`);
    const bundle = loadBundle(bundleDir);
    const { written } = writeLesionSeg({
      volume,
      mask: r.mask,
      reference: candidateIdMap(r.mask, r.droppedVoxels, volume.dimensions),
      algorithm: { name: bundle.name, version: bundle.version },
      lesionTypes: bundle.labels.lesionTypes,
      algorithmType: 'AUTOMATIC',
      softwareVersion: packageVersion(),
      seriesDescription: 'SDPM lesion segmentation (batch, not reviewed)',
    });
    return { bytes: written.bytes, record: { file: 'seg.dcm', sopInstanceUid: written.sopInstanceUid, segments: written.framesPerSegment.length, note: null } };
  } catch (err) {
    return none(err instanceof Error ? err.message : String(err));
  }
}
