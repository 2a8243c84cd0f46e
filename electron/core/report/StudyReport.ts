/**
 * The study report: what was measured on one study, how, by whom and when. Plain JSON-serialisable
 * data (schema version 2), built once and rendered to JSON, CSV (studyReportCsv.ts) and a
 * self-contained HTML page (studyReportHtml.ts). Lesions carry their stable IDs; volumes are voxel count ×
 * voxel volume (lesions/voxelVolume.ts); each lesion's type comes from labels.json (lesions/lesionKind.ts).
 *
 * Two kinds of range, never confused: the CALIBRATED interval (calibration.json, lesions/calibratedInterval.ts:
 * measured coverage of the true volume on held-out cases) and the SAMPLE RANGE (5th-95th percentile of the SDPM
 * samples' volumes; says how much the samples disagree, not where the truth is).
 */
import type { LesionType } from '../bundle/Labels';
import type { StudyIdentity, VolumeCorrections } from '../dicom/Volume';
import { calibratedInterval, calibratedIntervalMeaning, calibrationLevelMeaning, NO_CALIBRATION_NOTE, type Calibration } from '../lesions/calibratedInterval';
import { lesionTypeFor } from '../lesions/lesionKind';
import type { LesionMeasurements } from '../lesions/measureLesions';
import type { VolumeComparison } from '../volumetry/compareVolumes';

export interface ReportInterval {
  meanMl: number;
  p5Ml: number;
  p95Ml: number;
  samplesMl: readonly number[];
}

/** The engine's sample spread, per stable lesion ID (not a confidence interval). */
export interface ReportUncertainty {
  nSamples: number;
  total: ReportInterval;
  lesions: ReadonlyArray<{ id: number; interval: ReportInterval; doubtMl?: number; rank?: number }>;
}

export interface ReportProvenance {
  bundle: { name: string; version: string; sha256?: string };
  seed: number;
  /** Inference mode and settings as run (sampler, steps, nSamples, threshold...). */
  settings: Record<string, unknown>;
  /** DICOM PN of the reader who reviewed/edited, when there was one. */
  reader?: string;
  edited?: boolean;
  softwareVersion: string;
  timestamps: { loadedAt?: string; inferenceStartedAt?: string; inferenceFinishedAt?: string; reviewedAt?: string; reportedAt: string };
}

/** A candidate the engine's plausibility rules dropped and the reader did not restore. */
export interface ReportDroppedCandidate {
  id: number;
  volumeMl: number;
  meanHu: number | null;
  rule: string;
  value: number;
  reason: string;
}

export interface StudyReportInput {
  identity: StudyIdentity;
  corrections: VolumeCorrections;
  /** labels.json lesion types: each lesion's kind is decided from its own mean HU (lesions/lesionKind.ts) */
  lesionTypes: readonly LesionType[];
  measurements: LesionMeasurements;
  /** calibration.json of the bundle; null = no calibrated interval (said so in the report) */
  calibration?: Calibration | null;
  /** the bundle's held-out detection per lesion kind, in words (lesions/detectionByKind.ts detectionNote); null/absent without one */
  detectionNote?: string | null;
  uncertainty?: ReportUncertainty;
  droppedCandidates?: readonly ReportDroppedCandidate[];
  comparison?: VolumeComparison;
  seg?: { sopInstanceUid: string; seriesInstanceUid: string; file?: string };
  provenance: ReportProvenance;
}

export interface StudyReportLesion {
  /** stable lesion ID: the same lesion in the app, report.json of the run and the SEG (segment Tracking ID) */
  id: number;
  type: string | null;
  volumeMl: number;
  voxelCount: number;
  /** calibrated interval (contains volumeMl), null without calibration */
  calibratedIntervalMl: { low: number; high: number } | null;
  /** spread of the SDPM samples for this lesion (NOT a confidence interval) */
  sampleRangeMl: { p5: number; p95: number; mean: number } | null;
  abc2Ml: number;
  abc2ExtentMl: number;
  aMm: number;
  bMm: number;
  cMm: number;
  centroidLps: [number, number, number];
  sliceRange: [number, number];
  meanHu: number | null;
  doubtMl: number | null;
}

export interface StudyReport {
  schemaVersion: 2;
  study: Pick<StudyIdentity, 'patientId' | 'patientName' | 'studyInstanceUid' | 'studyDate' | 'studyDescription' | 'accessionNumber' | 'seriesInstanceUid' | 'seriesDescription' | 'manufacturer'>;
  geometry: { gantryTiltDeg: number; tiltCorrected: boolean; resampledToEquidistant: boolean; notes: string[]; voxelVolumeMm3: number; voxelVolumeMl: number };
  /** totalVoxelCount × voxelVolumeMl */
  totalVolumeMl: number;
  totalVoxelCount: number;
  totalCalibratedIntervalMl: { low: number; high: number } | null;
  /** plain-words meaning of the calibrated interval, or why there is none */
  intervalNote: string;
  /** what each lesion's calibrated interval means (the lesion level counts lesions, not cases); null without calibration */
  lesionIntervalNote: string | null;
  /** what the model's held-out detection per lesion kind says (e.g. that it misses most infarcts); null without detection.json */
  detectionNote: string | null;
  totalSampleRangeMl: { p5: number; p95: number; mean: number; nSamples: number } | null;
  lesionCount: number;
  lesions: StudyReportLesion[];
  droppedCandidates: ReportDroppedCandidate[];
  comparison: VolumeComparison | null;
  seg: NonNullable<StudyReportInput['seg']> | null;
  provenance: ReportProvenance;
}

export function buildStudyReport(input: StudyReportInput): StudyReport {
  const { identity: id, corrections: c, measurements: m, uncertainty: u } = input;
  const cal = input.calibration ?? null;
  const byId = new Map((u?.lesions ?? []).map((l) => [l.id, l]));
  const total = cal === null ? null : calibratedInterval(m.totalVolumeMl, cal, 'study');
  return {
    schemaVersion: 2,
    study: {
      patientId: id.patientId,
      patientName: id.patientName,
      studyInstanceUid: id.studyInstanceUid,
      studyDate: id.studyDate,
      studyDescription: id.studyDescription,
      accessionNumber: id.accessionNumber,
      seriesInstanceUid: id.seriesInstanceUid,
      seriesDescription: id.seriesDescription,
      manufacturer: id.manufacturer,
    },
    geometry: { gantryTiltDeg: c.gantryTiltDeg, tiltCorrected: c.tiltCorrected, resampledToEquidistant: c.resampledToEquidistant, notes: [...c.notes], voxelVolumeMm3: m.voxelVolumeMm3, voxelVolumeMl: m.voxelVolumeMl },
    totalVolumeMl: m.totalVolumeMl,
    totalVoxelCount: m.totalVoxelCount,
    totalCalibratedIntervalMl: total === null ? null : { low: total.lowMl, high: total.highMl },
    intervalNote: total === null ? NO_CALIBRATION_NOTE : calibratedIntervalMeaning(total),
    lesionIntervalNote: cal === null ? null : calibrationLevelMeaning(cal, 'lesion'),
    detectionNote: input.detectionNote ?? null,
    totalSampleRangeMl: u === undefined ? null : { p5: u.total.p5Ml, p95: u.total.p95Ml, mean: u.total.meanMl, nSamples: u.nSamples },
    lesionCount: m.lesions.length,
    lesions: m.lesions.map((l) => {
      const lu = byId.get(l.id);
      const ci = cal === null ? null : calibratedInterval(l.volumeMl, cal, 'lesion');
      return {
        id: l.id,
        type: lesionTypeFor(l.meanHu, input.lesionTypes)?.name ?? null,
        volumeMl: l.volumeMl,
        voxelCount: l.voxelCount,
        calibratedIntervalMl: ci === null ? null : { low: ci.lowMl, high: ci.highMl },
        sampleRangeMl: lu === undefined ? null : { p5: lu.interval.p5Ml, p95: lu.interval.p95Ml, mean: lu.interval.meanMl },
        abc2Ml: l.abc2.volumeMl,
        abc2ExtentMl: l.abc2.volumeMlExtent,
        aMm: l.abc2.aMm,
        bMm: l.abc2.bMm,
        cMm: l.abc2.cMm,
        centroidLps: [l.centroidLps[0], l.centroidLps[1], l.centroidLps[2]],
        sliceRange: [l.sliceRange[0], l.sliceRange[1]],
        meanHu: l.meanHu,
        doubtMl: lu?.doubtMl ?? null,
      };
    }),
    droppedCandidates: [...(input.droppedCandidates ?? [])],
    comparison: input.comparison ?? null,
    seg: input.seg ?? null,
    provenance: input.provenance,
  };
}

export function studyReportJson(report: StudyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
