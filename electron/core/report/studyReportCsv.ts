/**
 * CSV of a study report: one row per lesion (by stable ID), a row per dropped candidate and a TOTAL row, with
 * the study, bundle and seed repeated on every row so rows from many studies can be concatenated into one
 * sheet. Volumes at full precision (the same numbers as report.json). RFC 4180 quoting.
 */
import type { StudyReport } from './StudyReport';

function q(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const STUDY_REPORT_CSV_HEADER = [
  'study_instance_uid', 'series_instance_uid', 'patient_id', 'row', 'lesion_id', 'lesion_type', 'volume_ml', 'calibrated_low_ml', 'calibrated_high_ml',
  'sample_range_p5_ml', 'sample_range_p95_ml', 'abc2_ml', 'abc2_extent_ml', 'a_mm', 'b_mm', 'c_mm', 'centroid_l_mm', 'centroid_p_mm', 'centroid_s_mm',
  'slice_first', 'slice_last', 'mean_hu', 'voxels', 'dropped_rule', 'dropped_reason', 'bundle', 'bundle_version', 'seed', 'reader', 'reported_at',
];

export function studyReportCsv(r: StudyReport): string {
  const common = (row: string, id: number | string, type: string | null): unknown[] => [r.study.studyInstanceUid, r.study.seriesInstanceUid, r.study.patientId, row, id, type];
  const tail = [r.provenance.bundle.name, r.provenance.bundle.version, r.provenance.seed, r.provenance.reader ?? '', r.provenance.timestamps.reportedAt];
  const rows = r.lesions.map((l) => [
    ...common('lesion', l.id, l.type), l.volumeMl, l.calibratedIntervalMl?.low, l.calibratedIntervalMl?.high, l.sampleRangeMl?.p5, l.sampleRangeMl?.p95, l.abc2Ml, l.abc2ExtentMl, l.aMm, l.bMm, l.cMm,
    l.centroidLps[0], l.centroidLps[1], l.centroidLps[2], l.sliceRange[0], l.sliceRange[1], l.meanHu, l.voxelCount, '', '', ...tail,
  ]);
  for (const d of r.droppedCandidates) rows.push([...common('dropped', d.id, null), d.volumeMl, '', '', '', '', '', '', '', '', '', '', '', '', '', '', d.meanHu, '', d.rule, d.reason, ...tail]);
  rows.push([
    ...common('total', 'TOTAL', null), r.totalVolumeMl, r.totalCalibratedIntervalMl?.low, r.totalCalibratedIntervalMl?.high, r.totalSampleRangeMl?.p5, r.totalSampleRangeMl?.p95,
    r.lesions.reduce((s, l) => s + l.abc2Ml, 0), r.lesions.reduce((s, l) => s + l.abc2ExtentMl, 0), '', '', '', '', '', '', '', '', '', r.totalVoxelCount, '', '', ...tail,
  ]);
  return `${[STUDY_REPORT_CSV_HEADER.join(','), ...rows.map((row) => row.map(q).join(','))].join('\n')}\n`;
}
