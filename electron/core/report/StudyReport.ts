/**
 * The study report: what was measured on one study, how, by whom and when. Plain JSON-serialisable
 * data (schema version 1), built once and rendered to JSON, CSV (studyReportCsv.ts) and a
 * self-contained HTML page (studyReportHtml.ts).
 *
 * Sample intervals are optional: the inference engine provides them (electron/core/sdpm
 * uncertaintySummary: per-sample volumes and the 5th-95th percentile interval, total and per lesion);
 * `ReportUncertainty` is the structural subset the report needs, so that summary can be passed as is.
 */
import type { StudyIdentity, VolumeCorrections } from '../dicom/Volume';
import type { VolumeComparison } from '../volumetry/compareVolumes';
import type { LesionMeasurements } from '../volumetry/measureLesions';
import type { LesionKind } from '../seg/codes';

export interface ReportInterval {
  meanMl: number;
  p5Ml: number;
  p95Ml: number;
  samplesMl: readonly number[];
}

export interface ReportUncertainty {
  nSamples: number;
  total: ReportInterval;
  lesions: ReadonlyArray<{ label: number; interval: ReportInterval; doubtMl?: number; rank?: number }>;
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

export interface StudyReportInput {
  identity: StudyIdentity;
  corrections: VolumeCorrections;
  lesionKind: LesionKind;
  measurements: LesionMeasurements;
  uncertainty?: ReportUncertainty;
  comparison?: VolumeComparison;
  seg?: { sopInstanceUid: string; seriesInstanceUid: string; file?: string };
  provenance: ReportProvenance;
}

export interface ReportLesion {
  label: number;
  volumeMl: number;
  voxelCount: number;
  abc2Ml: number;
  abc2ExtentMl: number;
  aMm: number;
  bMm: number;
  cMm: number;
  centroidLps: [number, number, number];
  sliceRange: [number, number];
  meanHu: number | null;
  intervalMl: { p5: number; p95: number; mean: number } | null;
  doubtMl: number | null;
}

export interface StudyReport {
  schemaVersion: 1;
  study: Pick<StudyIdentity, 'patientId' | 'patientName' | 'studyInstanceUid' | 'studyDate' | 'studyDescription' | 'accessionNumber' | 'seriesInstanceUid' | 'seriesDescription' | 'manufacturer'>;
  geometry: { gantryTiltDeg: number; tiltCorrected: boolean; resampledToEquidistant: boolean; notes: string[]; voxelVolumeMm3: number };
  lesionKind: LesionKind;
  totalVolumeMl: number;
  totalIntervalMl: { p5: number; p95: number; mean: number; nSamples: number } | null;
  lesionCount: number;
  lesions: ReportLesion[];
  removedSmallComponents: number;
  comparison: VolumeComparison | null;
  seg: NonNullable<StudyReportInput['seg']> | null;
  provenance: ReportProvenance;
}

export function buildStudyReport(input: StudyReportInput): StudyReport {
  const { identity: id, corrections: c, measurements: m, uncertainty: u } = input;
  const byLabel = new Map((u?.lesions ?? []).map((l) => [l.label, l]));
  return {
    schemaVersion: 1,
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
    geometry: { gantryTiltDeg: c.gantryTiltDeg, tiltCorrected: c.tiltCorrected, resampledToEquidistant: c.resampledToEquidistant, notes: [...c.notes], voxelVolumeMm3: m.voxelVolumeMm3 },
    lesionKind: input.lesionKind,
    totalVolumeMl: m.totalVolumeMl,
    totalIntervalMl: u === undefined ? null : { p5: u.total.p5Ml, p95: u.total.p95Ml, mean: u.total.meanMl, nSamples: u.nSamples },
    lesionCount: m.lesions.length,
    lesions: m.lesions.map((l) => {
      const lu = byLabel.get(l.label);
      return {
        label: l.label,
        volumeMl: l.volumeMl,
        voxelCount: l.voxelCount,
        abc2Ml: l.abc2.volumeMl,
        abc2ExtentMl: l.abc2.volumeMlExtent,
        aMm: l.abc2.aMm,
        bMm: l.abc2.bMm,
        cMm: l.abc2.cMm,
        centroidLps: [l.centroidLps[0], l.centroidLps[1], l.centroidLps[2]],
        sliceRange: [l.sliceRange[0], l.sliceRange[1]],
        meanHu: l.meanHu,
        intervalMl: lu === undefined ? null : { p5: lu.interval.p5Ml, p95: lu.interval.p95Ml, mean: lu.interval.meanMl },
        doubtMl: lu?.doubtMl ?? null,
      };
    }),
    removedSmallComponents: m.removedCount,
    comparison: input.comparison ?? null,
    seg: input.seg ?? null,
    provenance: input.provenance,
  };
}

export function studyReportJson(report: StudyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
