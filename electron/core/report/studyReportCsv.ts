/**
 * CSV of a study report: one row per lesion and a TOTAL row, with the study, bundle and seed repeated
 * on every row so rows from many studies can be concatenated into one sheet. RFC 4180 quoting.
 */
import type { StudyReport } from './StudyReport';

function q(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const STUDY_REPORT_CSV_HEADER = [
  'study_instance_uid', 'series_instance_uid', 'patient_id', 'lesion_kind', 'lesion', 'volume_ml', 'interval_p5_ml', 'interval_p95_ml',
  'abc2_ml', 'abc2_extent_ml', 'a_mm', 'b_mm', 'c_mm', 'centroid_l_mm', 'centroid_p_mm', 'centroid_s_mm', 'slice_first', 'slice_last',
  'mean_hu', 'voxels', 'bundle', 'bundle_version', 'seed', 'reader', 'reported_at',
];

export function studyReportCsv(r: StudyReport): string {
  const common = (lesion: string): unknown[] => [r.study.studyInstanceUid, r.study.seriesInstanceUid, r.study.patientId, r.lesionKind, lesion];
  const tail = [r.provenance.bundle.name, r.provenance.bundle.version, r.provenance.seed, r.provenance.reader ?? '', r.provenance.timestamps.reportedAt];
  const rows = r.lesions.map((l) => [
    ...common(String(l.label)), l.volumeMl, l.intervalMl?.p5, l.intervalMl?.p95, l.abc2Ml, l.abc2ExtentMl, l.aMm, l.bMm, l.cMm,
    l.centroidLps[0], l.centroidLps[1], l.centroidLps[2], l.sliceRange[0], l.sliceRange[1], l.meanHu, l.voxelCount, ...tail,
  ]);
  rows.push([
    ...common('TOTAL'), r.totalVolumeMl, r.totalIntervalMl?.p5, r.totalIntervalMl?.p95, r.lesions.reduce((s, l) => s + l.abc2Ml, 0), r.lesions.reduce((s, l) => s + l.abc2ExtentMl, 0),
    '', '', '', '', '', '', '', '', '', r.lesions.reduce((s, l) => s + l.voxelCount, 0), ...tail,
  ]);
  return `${[STUDY_REPORT_CSV_HEADER.join(','), ...rows.map((row) => row.map(q).join(','))].join('\n')}\n`;
}
