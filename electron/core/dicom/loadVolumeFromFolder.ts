/**
 * Convenience entry: discover the series in a folder and load the one segmentable CT series
 * (or the one asked for by `seriesUid`, which may be a SeriesInstanceUID or a split-series id `UID#n`).
 *
 * Errors: SERIES_EMPTY_FOLDER (no DICOM images), SERIES_NOT_CT (images but no segmentable CT),
 * SERIES_AMBIGUOUS (several segmentable CT series: the message lists them and how to choose),
 * SERIES_NOT_FOUND (seriesUid not in the folder), plus everything loadSeries throws.
 */
import { SdpmError } from '../errors';
import { discoverSeries } from './discoverSeries';
import type { DiscoverOptions } from './discoverSeries';
import { skippedFileNotes } from './leaveOutFiles';
import { loadSeries } from './loadSeries';
import type { LoadSeriesOptions } from './loadSeries';
import type { SeriesSummary, StudyScan } from './StudyScan';
import type { Volume } from './Volume';

export interface LoadFromFolderOptions extends LoadSeriesOptions, Pick<DiscoverOptions, 'concurrency'> {
  seriesUid?: string;
}

export function describeSeriesLine(s: SeriesSummary): string {
  return `${s.id} (#${s.seriesNumber ?? '?'} "${s.seriesDescription}", ${s.modality}, ${s.sliceCount} slices)`;
}

/** Picks the series to load from a scan, or throws the error that says why none can be picked. */
export function pickSeries(scan: StudyScan, seriesUid?: string): SeriesSummary {
  const folder = scan.folder;
  if (scan.series.length === 0) {
    const why = scan.skipped.slice(0, 3).map((s) => s.reason).join('; ');
    throw new SdpmError('SERIES_EMPTY_FOLDER', `${folder}: no DICOM image series found (${scan.fileCount} files, ${scan.skipped.length} skipped${why ? `: ${why}` : ''})`, { path: folder });
  }
  if (seriesUid !== undefined) {
    const exact = scan.series.find((s) => s.id === seriesUid);
    if (exact !== undefined) return exact;
    const parts = scan.series.filter((s) => s.seriesInstanceUid === seriesUid);
    const usable = parts.filter((s) => s.segmentable);
    if (parts.length === 1 && parts[0] !== undefined) return parts[0];
    if (usable.length === 1 && usable[0] !== undefined) return usable[0];
    if (parts.length > 1) {
      throw new SdpmError('SERIES_AMBIGUOUS', `${folder}: series ${seriesUid} was split into ${parts.length} parts; choose one of: ${parts.map(describeSeriesLine).join('; ')}`, { path: folder });
    }
    throw new SdpmError('SERIES_NOT_FOUND', `${folder}: no series ${seriesUid}; found: ${scan.series.map(describeSeriesLine).join('; ')}`, { path: folder });
  }
  const ct = scan.series.filter((s) => s.segmentable);
  const only = ct[0];
  if (ct.length === 1 && only !== undefined) return only;
  if (ct.length === 0) {
    const list = scan.series.map((s) => `${describeSeriesLine(s)}, first file ${s.slices[0]?.filePath ?? '?'}: ${s.reasons.join(', ')}`);
    throw new SdpmError('SERIES_NOT_CT', `${folder}: no segmentable CT series; found ${list.join('; ')}`, { path: folder });
  }
  throw new SdpmError(
    'SERIES_AMBIGUOUS',
    `${folder}: ${ct.length} CT series could be loaded: ${ct.map(describeSeriesLine).join('; ')}. Choose one with seriesUid (CLI: --series <id>)`,
    { path: folder },
  );
}

export async function loadVolumeFromFolder(folder: string, options: LoadFromFolderOptions = {}): Promise<Volume> {
  const discover: DiscoverOptions = {};
  if (options.maxBytes !== undefined) discover.maxBytes = options.maxBytes;
  if (options.paddingHu !== undefined) discover.paddingHu = options.paddingHu;
  if (options.concurrency !== undefined) discover.concurrency = options.concurrency;
  if (options.log !== undefined) discover.log = options.log;
  if (options.acceptDerived !== undefined) discover.acceptDerived = options.acceptDerived;
  const scan = await discoverSeries(folder, discover);
  const volume = await loadSeries(pickSeries(scan, options.seriesUid), options);
  if (scan.skipped.length === 0) return volume;
  // files of the folder that discovery could not read are named in the notes (leaveOutFiles.ts)
  return { ...volume, corrections: { ...volume.corrections, notes: [...skippedFileNotes(scan.skipped), ...volume.corrections.notes] } };
}
