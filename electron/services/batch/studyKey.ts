/**
 * The key of one study's result: StudyInstanceUID (or the manifest id when the study has none: NIfTI, or
 * unreadable headers) and a hash of the input's bytes and of the settings that decide the numbers. Two
 * runs, or two workers, that would compute the same result compute the same key; a changed file or a
 * changed setting gives a new key (and a new folder), never a stale result.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { discoverSeries } from '../../core/index';
import type { InferenceRequest } from '../../core/index';

async function listFilesSorted(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

async function hashFileInto(h: ReturnType<typeof createHash>, path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(path);
    s.on('data', (c) => h.update(c));
    s.on('error', reject);
    s.on('end', () => resolve());
  });
}

/** sha256 over the study's files (relative path, size and bytes of each, in sorted order); a missing path hashes as such. */
export async function hashStudyInput(path: string): Promise<string> {
  const h = createHash('sha256');
  let st;
  try {
    st = await stat(path);
  } catch {
    return createHash('sha256').update(`missing:${path}`).digest('hex');
  }
  const files = st.isDirectory() ? await listFilesSorted(path) : [path];
  for (const f of files) {
    const size = (await stat(f)).size;
    h.update(`${st.isDirectory() ? relative(path, f) : ''}\0${size}\0`);
    await hashFileInto(h, f);
  }
  return h.digest('hex');
}

/** The StudyInstanceUID from the headers of a DICOM folder (the segmentable series first); '' when there is none. */
export async function readStudyUid(path: string): Promise<string> {
  try {
    if (!(await stat(path)).isDirectory()) return '';
    const scan = await discoverSeries(path, { concurrency: 4 });
    const s = scan.series.find((x) => x.segmentable) ?? scan.series[0];
    return s?.studyInstanceUid ?? '';
  } catch {
    return '';
  }
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * sha256 of everything in the request that can change a number, with the bundle named by its checksum
 * (not its folder, so the same bundle copied into a container gives the same key). Threads, session reuse
 * and the input path do not change results and are left out.
 */
export function hashSettings(base: Omit<InferenceRequest, 'input'>, bundleSha256: string): string {
  const { intraOpThreads: _t, bundleDir: _b, keepSessions: _k, ...rest } = base;
  return createHash('sha256').update(stableJson({ ...rest, bundleSha256 })).digest('hex');
}

export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'study';
}

/** Folder name of a study's result: `<StudyInstanceUID or id>_<16 hex of sha256(input, settings)>`. */
export function studyKey(studyUid: string, manifestId: string, inputSha256: string, settingsSha256: string): string {
  const h = createHash('sha256').update(`${inputSha256}\0${settingsSha256}`).digest('hex').slice(0, 16);
  return `${safeName(studyUid !== '' ? studyUid : manifestId)}_${h}`;
}
