/**
 * Series discovery: walks a folder tree, reads only DICOM headers, groups slices into series (see
 * groupSlices) and summarises each (see summarizeSeries). Files that are not DICOM images are listed
 * in `skipped` with the reason; they never make discovery fail.
 *
 * Errors: IO_ERROR (folder missing or unreadable), SERIES_EMPTY_FOLDER (no files at all).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SdpmError, isSdpmError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { readSliceHeaderFile } from './readSliceHeaderFile';
import type { SliceHeader } from './SliceHeader';
import type { SkippedFile, StudyScan } from './StudyScan';
import { groupSlices } from './groupSlices';
import { leaveOutSlicesWithoutGeometry, toSkippedFile } from './leaveOutFiles';
import { DEFAULT_MAX_BYTES, summarizeSeries } from './summarizeSeries';

export interface DiscoverOptions {
  /** Memory limit (bytes) used to flag series that would be refused on loading. Default 1.0e9. */
  maxBytes?: number;
  /** HU that padding voxels are mapped to; decides the int16 estimate. Default -1024. */
  paddingHu?: number;
  /** Files read at once. Default 16. */
  concurrency?: number;
  /** Count DERIVED\\SECONDARY CT series (console reformats, edited studies) as segmentable. Default false. */
  acceptDerived?: boolean;
  log?: Logger;
}

async function listFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(folder);
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function discoverSeries(folder: string, options: DiscoverOptions = {}): Promise<StudyScan> {
  const log = options.log ?? silentLogger;
  try {
    const st = await stat(folder);
    if (!st.isDirectory()) throw new SdpmError('IO_ERROR', `${folder}: not a folder`, { path: folder });
  } catch (err) {
    if (isSdpmError(err)) throw err;
    throw new SdpmError('IO_ERROR', `${folder}: folder cannot be read (${err instanceof Error ? err.message : String(err)})`, { path: folder, cause: err });
  }
  const files = await listFiles(folder);
  if (files.length === 0) throw new SdpmError('SERIES_EMPTY_FOLDER', `${folder}: the folder contains no files`, { path: folder });
  const skipped: SkippedFile[] = [];
  const headers: SliceHeader[] = [];
  const results = await mapLimited(files, options.concurrency ?? 16, async (f) => {
    try {
      return await readSliceHeaderFile(f);
    } catch (err) {
      // any failure of one file (even an unexpected one) leaves that file out, never the folder
      return toSkippedFile(f, err);
    }
  });
  for (const r of results) {
    if ('reason' in r) {
      skipped.push(r);
      log.debug('skipped file', { path: r.path, code: r.code, reason: r.reason });
    } else headers.push(r);
  }
  const geo = leaveOutSlicesWithoutGeometry(headers);
  skipped.push(...geo.left);
  const groups = groupSlices(geo.kept);
  const perUid = new Map<string, number>();
  for (const g of groups) perUid.set(g.seriesInstanceUid, (perUid.get(g.seriesInstanceUid) ?? 0) + 1);
  const seen = new Map<string, number>();
  const maxBytes = options.maxBytes ?? 1.0e9;
  const series = groups.map((g) => {
    const idx = seen.get(g.seriesInstanceUid) ?? 0;
    seen.set(g.seriesInstanceUid, idx + 1);
    return summarizeSeries(g, idx, perUid.get(g.seriesInstanceUid) ?? 1, {
      maxBytes: maxBytes || DEFAULT_MAX_BYTES,
      paddingHu: options.paddingHu ?? -1024,
      acceptDerived: options.acceptDerived === true,
    });
  });
  series.sort((a, b) => (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9) || a.id.localeCompare(b.id));
  log.info('discovered series', { folder, files: files.length, series: series.length, skipped: skipped.length });
  return { folder, fileCount: files.length, series, skipped };
}
