/**
 * Batch from the archive:
 * - `pacsBatchInputs`: a query or a list of accession numbers -> the CT series of each study retrieved
 *   into the cache (resumable) -> the rows of a CSV that `sdpm batch` reads (path = the cached series
 *   folder, id = accession number or StudyInstanceUID). Studies that could not be retrieved are reported
 *   and left out, never listed with a partial folder.
 * - `sendBatchResults`: each finished study of a batch `--out` folder -> a SEG of its mask on its source
 *   series -> stored and verified on the archive; a record per study under <out>/pacs-sent/ makes a rerun
 *   skip what is already verified.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toErrorPayload } from '../../core/index';
import type { Logger } from '../../core/index';
import { loadVolumeFromFolder } from '../../core/index';
import { readNifti } from '../../core/index';
import type { PacsTransport, StudyHit, StudyQuery } from '../../core/index';
import type { SeriesCache } from '../../core/index';
import { retrieveSeries } from '../../core/index';
import { sendAndVerify } from '../../core/index';
import { writeSeg } from '../../core/index';

export interface BatchInputRow {
  id: string;
  path: string;
  studyInstanceUid: string;
}

async function allStudies(t: PacsTransport, q: StudyQuery, signal?: AbortSignal): Promise<StudyHit[]> {
  const out: StudyHit[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await t.findStudies({ ...q, limit: 100, offset }, signal);
    out.push(...page.studies);
    if (!page.mayHaveMore || page.studies.length === 0) return out;
  }
}

export async function pacsBatchInputs(
  t: PacsTransport,
  cache: SeriesCache,
  source: { query?: StudyQuery; accessionNumbers?: readonly string[] },
  opts: { log: Logger; signal?: AbortSignal; concurrency?: number },
): Promise<{ rows: BatchInputRow[]; problems: string[] }> {
  const studies: StudyHit[] = [];
  if (source.accessionNumbers !== undefined) {
    for (const a of source.accessionNumbers) {
      const hits = await allStudies(t, { accessionNumber: a }, opts.signal);
      if (hits.length === 0) opts.log.warn(`${t.peerLabel}: no study with accession number ${a}`);
      studies.push(...hits);
    }
  }
  if (source.query !== undefined) studies.push(...(await allStudies(t, source.query, opts.signal)));
  const rows: BatchInputRow[] = [];
  const problems: string[] = [];
  for (const s of studies) {
    const ct = (await t.findSeries(s.studyInstanceUid, opts.signal)).filter((x) => x.modality === 'CT').sort((a, b) => (b.instanceCount ?? 0) - (a.instanceCount ?? 0))[0];
    if (ct === undefined) {
      problems.push(`${t.peerLabel}: study ${s.studyInstanceUid} has no CT series; skipped`);
      continue;
    }
    try {
      const r = await retrieveSeries(t, cache, s.studyInstanceUid, ct.seriesInstanceUid, { log: opts.log, ...(opts.signal === undefined ? {} : { signal: opts.signal }), ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }) });
      if (r.status === 'complete') rows.push({ id: s.accessionNumber || s.studyInstanceUid, path: r.folder, studyInstanceUid: s.studyInstanceUid });
      else problems.push(r.message);
    } catch (err) {
      problems.push(toErrorPayload(err).message);
    }
  }
  return { rows, problems };
}

export function batchInputCsv(rows: readonly BatchInputRow[]): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `path,id,studyInstanceUid\n${rows.map((r) => `${q(r.path)},${q(r.id)},${r.studyInstanceUid}`).join('\n')}\n`;
}

interface SentRecord {
  key: string;
  sopInstanceUid: string;
  message: string;
  sentAt: string;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const v: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function segForStudy(dir: string, sourceFolder: string): Promise<Uint8Array> {
  const vol = await loadVolumeFromFolder(sourceFolder);
  const mask = await readNifti(join(dir, 'mask.nii.gz'));
  const report = (await readJson(join(dir, 'report.json'))) ?? {};
  const kind = report.lesionKind === 'infarct' ? 'infarct' : 'hemorrhage';
  const bundle = (report.provenance as { bundle?: { name?: unknown; version?: unknown } } | undefined)?.bundle;
  return writeSeg({
    volume: vol,
    segments: [{ label: kind === 'infarct' ? 'Infarct' : 'Hemorrhage', kind, mask: Uint8Array.from(mask.voxels, (v) => (v > 0 ? 1 : 0)) }],
    algorithm: { name: typeof bundle?.name === 'string' ? bundle.name : 'sdpm', version: typeof bundle?.version === 'string' ? bundle.version : 'unknown' },
  }).bytes;
}

export async function sendBatchResults(t: PacsTransport, out: string, log: Logger, signal?: AbortSignal): Promise<{ sent: number; skipped: number; failed: string[] }> {
  const studies = join(out, 'studies');
  const sentDir = join(out, 'pacs-sent');
  await mkdir(sentDir, { recursive: true });
  const keys = existsSync(studies) ? (await readdir(studies)).filter((k) => !k.startsWith('.')).sort() : [];
  const res = { sent: 0, skipped: 0, failed: [] as string[] };
  for (const key of keys) {
    const record = join(sentDir, `${key}.json`);
    if (existsSync(record)) {
      res.skipped += 1;
      continue;
    }
    try {
      const study = await readJson(join(studies, key, 'study.json'));
      if (typeof study?.path !== 'string') throw new Error(`${join(studies, key, 'study.json')}: no input path`);
      const r = await sendAndVerify(t, await segForStudy(join(studies, key), study.path), `${key} SEG`, signal);
      const rec: SentRecord = { key, sopInstanceUid: r.ref.sopInstanceUid, message: r.message, sentAt: new Date().toISOString() };
      await writeFile(`${record}.tmp`, `${JSON.stringify(rec, null, 2)}\n`);
      await rename(`${record}.tmp`, record);
      log.info(r.message, { key });
      res.sent += 1;
    } catch (err) {
      res.failed.push(`${key}: ${toErrorPayload(err).message}`);
    }
  }
  return res;
}
