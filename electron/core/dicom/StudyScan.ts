/**
 * What discovery found in a folder: image series (header-only summaries), files that are not DICOM
 * images, and problems. Plain data, JSON-serialisable.
 */
import type { ErrorCode } from '../errors';
import type { Orientation6, SliceHeader } from './SliceHeader';

export interface SeriesSummary {
  /** Unique within one scan: the SeriesInstanceUID, with `#1`, `#2`... appended when a series was split. */
  id: string;
  seriesInstanceUid: string;
  /** Why this part was split off its SeriesInstanceUID (orientation, size, acquisition...), or null. */
  splitReason: string | null;
  studyInstanceUid: string;
  seriesNumber: number | null;
  seriesDescription: string;
  modality: string;
  manufacturer: string;
  imageType: readonly string[];
  sopClassUid: string;
  transferSyntaxUid: string;
  rows: number;
  columns: number;
  sliceCount: number;
  pixelSpacingMm: readonly [number, number] | null;
  imageOrientationPatient: Orientation6 | null;
  /** Typical (median) distance between slices along the normal (mm), null for fewer than 2 slices. */
  sliceSpacingMm: number | null;
  /** Distinct slice gaps (mm, rounded to 0.01). */
  sliceGapsMm: readonly number[];
  /** Measured tilt between slice normal and slice progression (degrees), null when not measurable. */
  gantryTiltDeg: number | null;
  /** Estimated peak memory to load this series (bytes), from headers. */
  estimatedBytes: number;
  /** True when this series can be loaded as a CT volume for segmentation. */
  segmentable: boolean;
  /** Why it is not segmentable (empty when segmentable). */
  reasons: readonly string[];
  /** Warnings that do not stop loading (gaps, tilt, duplicates, size). */
  problems: readonly string[];
  /** The files, sorted by position along the slice normal when geometry allows. */
  slices: readonly SliceHeader[];
}

export interface SkippedFile {
  path: string;
  code: ErrorCode;
  reason: string;
}

export interface StudyScan {
  folder: string;
  /** Number of regular files looked at. */
  fileCount: number;
  series: SeriesSummary[];
  /** Files that are not DICOM, or DICOM that cannot be read (truncated...), with the reason. */
  skipped: SkippedFile[];
}
