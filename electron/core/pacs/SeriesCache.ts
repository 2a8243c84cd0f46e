/**
 * The local cache of retrieved series. Layout under the cache root:
 *
 *   <StudyInstanceUID>/<SeriesInstanceUID>/instances/<SOPInstanceUID>.dcm   one file per instance
 *   <StudyInstanceUID>/<SeriesInstanceUID>/.tmp/                             files being written
 *   <StudyInstanceUID>/<SeriesInstanceUID>/complete.json                     the completion marker
 *
 * An instance file appears (atomic rename from .tmp) only after its bytes arrived whole and parsed as
 * DICOM with the expected UIDs, so a file in instances/ is always good and a resumed retrieval skips it.
 * The marker is written (temp + rename) last, only when every instance the archive listed is present,
 * and it lists each file with its size and SHA-256; `completeSeriesFolder` checks them all before it
 * hands the folder to the loader. No marker = not a series, whatever files lie there.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SdpmError } from '../errors';
import { parseDicomFile } from '../dicom/parseDicomFile';
import { assertUid, type InstanceRef } from './PacsTransport';

export const MARKER_FILE = 'complete.json';

export interface CompletionMarker {
  format: 'sdpm-pacs-series/1';
  studyInstanceUid: string;
  seriesInstanceUid: string;
  peer: string;
  completedAt: string;
  instances: { sopInstanceUid: string; file: string; bytes: number; sha256: string }[];
}

export class SeriesCache {
  constructor(readonly root: string) {}

  seriesDir(studyInstanceUid: string, seriesInstanceUid: string): string {
    assertUid(studyInstanceUid, 'StudyInstanceUID');
    assertUid(seriesInstanceUid, 'SeriesInstanceUID');
    return join(this.root, studyInstanceUid, seriesInstanceUid);
  }

  instancesDir(studyInstanceUid: string, seriesInstanceUid: string): string {
    return join(this.seriesDir(studyInstanceUid, seriesInstanceUid), 'instances');
  }

  instancePath(ref: InstanceRef): string {
    assertUid(ref.sopInstanceUid, 'SOPInstanceUID');
    return join(this.instancesDir(ref.studyInstanceUid, ref.seriesInstanceUid), `${ref.sopInstanceUid}.dcm`);
  }

  /** SOP Instance UIDs already stored (from an earlier, possibly interrupted, retrieval). */
  async presentInstances(studyInstanceUid: string, seriesInstanceUid: string): Promise<Set<string>> {
    try {
      const names = await readdir(this.instancesDir(studyInstanceUid, seriesInstanceUid));
      return new Set(names.filter((n) => n.endsWith('.dcm')).map((n) => n.slice(0, -4)));
    } catch {
      return new Set();
    }
  }

  /**
   * Checks that the bytes are a DICOM instance of the expected study/series/SOP instance, then stores
   * them atomically. Throws PACS_INSTANCE_INVALID (naming the instance) when they are not.
   */
  async putInstance(ref: InstanceRef, bytes: Uint8Array, label: string): Promise<void> {
    verifyInstance(ref, bytes, label);
    const dir = this.seriesDir(ref.studyInstanceUid, ref.seriesInstanceUid);
    const tmpDir = join(dir, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    await mkdir(join(dir, 'instances'), { recursive: true });
    const tmp = join(tmpDir, `${ref.sopInstanceUid}.${process.pid}.${Math.random().toString(36).slice(2)}`);
    await writeFile(tmp, bytes);
    await rename(tmp, this.instancePath(ref));
  }

  /** Removes the marker (before a retrieval starts) so a series being rewritten is never complete. */
  async clearMarker(studyInstanceUid: string, seriesInstanceUid: string): Promise<void> {
    await rm(join(this.seriesDir(studyInstanceUid, seriesInstanceUid), MARKER_FILE), { force: true });
  }

  /** Writes the marker if every listed instance is present; returns false (no marker) otherwise. */
  async markComplete(refs: readonly InstanceRef[], peer: string, studyInstanceUid: string, seriesInstanceUid: string): Promise<boolean> {
    const dir = this.seriesDir(studyInstanceUid, seriesInstanceUid);
    const instances: CompletionMarker['instances'] = [];
    for (const ref of refs) {
      let bytes: Buffer;
      try {
        bytes = await readFile(this.instancePath(ref));
      } catch {
        return false;
      }
      instances.push({ sopInstanceUid: ref.sopInstanceUid, file: `instances/${ref.sopInstanceUid}.dcm`, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    if (instances.length === 0) return false;
    const marker: CompletionMarker = { format: 'sdpm-pacs-series/1', studyInstanceUid, seriesInstanceUid, peer, completedAt: new Date().toISOString(), instances };
    const tmp = join(dir, `.${MARKER_FILE}.${process.pid}.tmp`);
    await writeFile(tmp, `${JSON.stringify(marker, null, 1)}\n`);
    await rename(tmp, join(dir, MARKER_FILE));
    await rm(join(dir, '.tmp'), { recursive: true, force: true });
    return true;
  }

  async readMarker(studyInstanceUid: string, seriesInstanceUid: string): Promise<CompletionMarker | undefined> {
    try {
      const v: unknown = JSON.parse(await readFile(join(this.seriesDir(studyInstanceUid, seriesInstanceUid), MARKER_FILE), 'utf8'));
      if (typeof v !== 'object' || v === null || (v as { format?: unknown }).format !== 'sdpm-pacs-series/1' || !Array.isArray((v as { instances?: unknown }).instances)) return undefined;
      return v as CompletionMarker;
    } catch {
      return undefined;
    }
  }

  /** True only with a marker whose every file is present with its recorded size. */
  async isComplete(studyInstanceUid: string, seriesInstanceUid: string): Promise<boolean> {
    const m = await this.readMarker(studyInstanceUid, seriesInstanceUid);
    if (m === undefined) return false;
    const dir = this.seriesDir(studyInstanceUid, seriesInstanceUid);
    for (const i of m.instances) {
      const s = await stat(join(dir, i.file)).catch(() => undefined);
      if (s === undefined || s.size !== i.bytes) return false;
    }
    return true;
  }

  /** The folder of a complete series, for the loader; PACS_RETRIEVE_INCOMPLETE otherwise. */
  async completeSeriesFolder(studyInstanceUid: string, seriesInstanceUid: string): Promise<string> {
    if (!(await this.isComplete(studyInstanceUid, seriesInstanceUid))) {
      throw new SdpmError('PACS_RETRIEVE_INCOMPLETE', `series ${seriesInstanceUid} (study ${studyInstanceUid}) is not completely retrieved into ${this.root}; retrieve it again (it resumes)`, {
        path: this.seriesDir(studyInstanceUid, seriesInstanceUid),
      });
    }
    return this.instancesDir(studyInstanceUid, seriesInstanceUid);
  }
}

function tagString(ds: ReturnType<typeof parseDicomFile>, tag: string): string {
  return (ds.string(tag) ?? '').replace(/\0/g, '').trim();
}

/** The received bytes parse as DICOM and carry the UIDs that were asked for. */
export function verifyInstance(ref: InstanceRef, bytes: Uint8Array, label: string): void {
  let ds;
  try {
    ds = parseDicomFile(bytes, 'the received bytes');
  } catch (err) {
    throw new SdpmError('PACS_INSTANCE_INVALID', `${label}: does not parse as DICOM (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const got = { sop: tagString(ds, 'x00080018'), series: tagString(ds, 'x0020000e'), study: tagString(ds, 'x0020000d') };
  if (got.sop !== ref.sopInstanceUid || got.series !== ref.seriesInstanceUid || got.study !== ref.studyInstanceUid) {
    throw new SdpmError('PACS_INSTANCE_INVALID', `${label}: is not the instance asked for (SOP ${got.sop || '?'}, series ${got.series || '?'}, study ${got.study || '?'})`);
  }
}
