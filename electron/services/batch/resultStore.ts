/**
 * The on-disk layout of a batch run (one `--out` folder, shared by every shard, worker and node):
 *
 *   run.json                  the manifest (id, path of every study) and the settings hash; written once
 *   studies/<key>/            one finished study: NIfTI maps, report.json, study.json (the record below)
 *   errors/<key>.json         one failed study: the record, with the error code and message
 *   .partial/                 work in progress; a folder here is never a result
 *   results.csv, summary.json written by `sdpm batch merge`
 *
 * Every result appears by one rename, so a reader (merge, another worker) sees a study either complete or
 * not at all; a killed worker leaves at most a folder under .partial/. A second worker that finishes a
 * study already published finds the rename refused and drops its copy (the study is a no-op for it).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { link, mkdir, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SdpmError, type ErrorPayload } from '../../core/index';
import type { ResultMessage } from '../../worker/protocol';
import { writeResultAtomically } from './writeResult';

export interface ManifestEntry {
  id: string;
  path: string;
}

export interface RunFile {
  formatVersion: 1;
  input: string;
  studies: ManifestEntry[];
  settingsSha256: string;
  bundleSha256: string;
  /** the engine request without input (for the record; the hash decides) */
  settings: Record<string, unknown>;
  createdAt: string;
}

export interface StudyRecord {
  formatVersion: 1;
  id: string;
  path: string;
  key: string;
  studyInstanceUid: string;
  inputSha256: string;
  settingsSha256: string;
  status: 'ok' | 'error';
  error: ErrorPayload | null;
  finishedAt: string;
  wallMs: number;
  worker: { host: string; pid: number; shard: string };
  /**
   * The study's DICOM SEG (`seg.dcm` in its folder; one segment per lesion, AUTOMATIC, lesion IDs of report.json);
   * file null with the reason when none could be written (a NIfTI input has no DICOM slices to reference).
   * Absent in records written before the batch wrote SEGs.
   */
  seg?: { file: string | null; sopInstanceUid: string | null; segments: number; note: string | null };
}

export const studiesDir = (out: string): string => join(out, 'studies');
export const errorsDir = (out: string): string => join(out, 'errors');
export const partialDir = (out: string): string => join(out, '.partial');

function tmpName(key: string): string {
  return `${key}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`;
}

/** true when the study's result (ok or, unless retrying, error) is already there */
export function isDone(out: string, key: string, retryErrors: boolean): 'ok' | 'error' | null {
  if (existsSync(join(studiesDir(out), key, 'study.json'))) return 'ok';
  if (!retryErrors && existsSync(join(errorsDir(out), `${key}.json`))) return 'error';
  return null;
}

/** Creates `path` with `text` only if it does not exist (temp file + link): false when it already existed. */
async function createOnce(path: string, dir: string, text: string): Promise<boolean> {
  const tmp = join(dir, tmpName('file'));
  await writeFile(tmp, text);
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Writes run.json when absent; when present it must describe the same studies and settings. */
export async function claimRunFile(out: string, run: RunFile): Promise<void> {
  await mkdir(partialDir(out), { recursive: true });
  const path = join(out, 'run.json');
  if (await createOnce(path, partialDir(out), `${JSON.stringify(run, null, 1)}\n`)) return;
  const old = readRunFile(out);
  if (old.settingsSha256 !== run.settingsSha256) {
    throw new SdpmError('INVALID_ARGUMENT', `${path}: this output folder holds a run with other settings (settings hash ${old.settingsSha256.slice(0, 12)}, now ${run.settingsSha256.slice(0, 12)}); use another --out`, { path });
  }
  const same = old.studies.length === run.studies.length && old.studies.every((s, i) => s.id === run.studies[i]?.id && s.path === run.studies[i]?.path);
  if (!same) throw new SdpmError('INVALID_ARGUMENT', `${path}: this output folder holds a run over another list of studies (${old.studies.length} studies from ${old.input}); use another --out`, { path });
}

export function readRunFile(out: string): RunFile {
  const path = join(out, 'run.json');
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SdpmError('SERIES_NOT_FOUND', `${path}: no readable run.json (is this a batch output folder?): ${err instanceof Error ? err.message : String(err)}`, { path, cause: err });
  }
  const r = v as Partial<RunFile>;
  if (r.formatVersion !== 1 || !Array.isArray(r.studies) || typeof r.settingsSha256 !== 'string') throw new SdpmError('INVALID_ARGUMENT', `${path}: not a batch run file (formatVersion 1 with studies and settingsSha256)`, { path });
  return r as RunFile;
}

/** Publishes a finished study; 'duplicate' when another worker published the same key first. */
export async function publishOk(out: string, rec: StudyRecord, r: ResultMessage, extra: ReadonlyArray<{ name: string; bytes: Uint8Array }> = []): Promise<'published' | 'duplicate'> {
  await mkdir(partialDir(out), { recursive: true });
  await mkdir(studiesDir(out), { recursive: true });
  const tmp = join(partialDir(out), tmpName(rec.key));
  try {
    await writeResultAtomically(tmp, r);
    for (const f of extra) await writeFile(join(tmp, f.name), f.bytes);
    await writeFile(join(tmp, 'study.json'), `${JSON.stringify(rec, null, 1)}\n`);
    await rename(tmp, join(studiesDir(out), rec.key));
    return 'published';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return 'duplicate';
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Records a failed study (its error row); an existing error record for the key is replaced. */
export async function publishError(out: string, rec: StudyRecord): Promise<void> {
  await mkdir(partialDir(out), { recursive: true });
  await mkdir(errorsDir(out), { recursive: true });
  const tmp = join(partialDir(out), `${tmpName(rec.key)}.json`);
  await writeFile(tmp, `${JSON.stringify(rec, null, 1)}\n`);
  await rename(tmp, join(errorsDir(out), `${rec.key}.json`));
}

/** Every record under studies/ and errors/ (unreadable ones are returned as problems, not thrown). */
export async function readRecords(out: string): Promise<{ records: StudyRecord[]; problems: string[]; partial: string[] }> {
  const records: StudyRecord[] = [];
  const problems: string[] = [];
  const list = async (d: string): Promise<string[]> => (existsSync(d) ? (await readdir(d)).sort() : []);
  const readOne = (p: string): void => {
    try {
      records.push(JSON.parse(readFileSync(p, 'utf8')) as StudyRecord);
    } catch (err) {
      problems.push(`${p}: unreadable record (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  for (const k of await list(studiesDir(out))) readOne(join(studiesDir(out), k, 'study.json'));
  for (const f of await list(errorsDir(out))) if (f.endsWith('.json')) readOne(join(errorsDir(out), f));
  return { records, problems, partial: await list(partialDir(out)) };
}
