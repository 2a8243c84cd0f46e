/**
 * Rule: a bad file among good slices is left out and named; it never fails its folder or series as a
 * whole. Discovery already leaves out files whose header cannot be read (StudyScan.skipped); this file
 * handles the files that fail later, when their pixel data is decoded: the series is re-planned from the
 * remaining headers (a missing slice becomes a gap, resampled or refused by the gap policy) and each file
 * left out is named, with its error code and reason, in the volume's notes.
 */
import { SdpmError, toErrorPayload } from '../errors';
import { groupSlices } from './groupSlices';
import type { SliceHeader } from './SliceHeader';
import type { SeriesSummary, SkippedFile } from './StudyScan';
import { summarizeSeries } from './summarizeSeries';

/** The error of one file as a SkippedFile (any exception: a decoder bug must not take the series down). */
export function toSkippedFile(path: string, err: unknown): SkippedFile {
  const p = toErrorPayload(err);
  if (err instanceof SdpmError) return { path, code: p.code, reason: p.message };
  return { path, code: 'DICOM_DECODE_FAILED', reason: `${path}: the file could not be decoded (${p.message})` };
}

export function leftOutNote(f: SkippedFile): string {
  return `file left out: ${f.path} [${f.code}] ${f.reason.startsWith(f.path) ? f.reason.slice(f.path.length).replace(/^:\s*/, '') : f.reason}`;
}

/** Notes for the files discovery could not read, at most `max` named. */
export function skippedFileNotes(skipped: readonly SkippedFile[], max = 20): string[] {
  const notes = skipped.slice(0, max).map(leftOutNote);
  if (skipped.length > max) notes.push(`and ${skipped.length - max} more files left out (see sdpm info)`);
  return notes;
}

/** The summary without `bad` files; throws SERIES_TOO_FEW_SLICES naming the bad files when fewer than 2 remain. */
export function summaryWithout(summary: SeriesSummary, bad: readonly SkippedFile[], options: { maxBytes: number; paddingHu: number; acceptDerived: boolean }): SeriesSummary {
  const badPaths = new Set(bad.map((b) => b.path));
  const rest = summary.slices.filter((s) => !badPaths.has(s.filePath));
  const named = bad.slice(0, 5).map((b) => b.reason).join('; ');
  if (rest.length < 2) {
    throw new SdpmError('SERIES_TOO_FEW_SLICES', `series ${summary.id}: ${bad.length} of ${summary.slices.length} files cannot be decoded, ${rest.length} left: ${named}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}`, { path: bad[0]?.path ?? '' });
  }
  const groups = groupSlices(rest);
  const only = groups[0];
  if (groups.length !== 1 || only === undefined) {
    throw new SdpmError('SERIES_INCONSISTENT', `series ${summary.id}: after leaving out ${bad.length} file(s) that cannot be decoded (${named}) the rest is not one series`, { path: bad[0]?.path ?? '' });
  }
  return { ...summarizeSeries(only, 0, 1, options), id: summary.id };
}

/**
 * Slices without 3-D geometry (ImagePositionPatient, ImageOrientationPatient or PixelSpacing missing or
 * unreadable) in a series whose other slices have it: left out and named, so one damaged header does not
 * make its whole series "without geometry". A series where no slice has geometry is left as it is (and
 * classified as not segmentable, with that reason).
 */
export function leaveOutSlicesWithoutGeometry(headers: readonly SliceHeader[]): { kept: SliceHeader[]; left: SkippedFile[] } {
  const hasGeometry = (h: SliceHeader): boolean => h.imagePositionPatient !== null && h.imageOrientationPatient !== null && h.pixelSpacingMm !== null;
  const seriesWithGeometry = new Set(headers.filter(hasGeometry).map((h) => h.seriesInstanceUid));
  const kept: SliceHeader[] = [];
  const left: SkippedFile[] = [];
  for (const h of headers) {
    if (hasGeometry(h) || !seriesWithGeometry.has(h.seriesInstanceUid)) kept.push(h);
    else left.push({ path: h.filePath, code: 'DICOM_MISSING_ATTRIBUTE', reason: `${h.filePath}: no readable ImagePositionPatient/ImageOrientationPatient/PixelSpacing, while the other slices of series ${h.seriesInstanceUid} have them` });
  }
  return { kept, left };
}
