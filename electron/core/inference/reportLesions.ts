/**
 * The lesion part of report.json from a volume prediction: per-lesion rows with stable IDs, lesion type
 * (labels.json), sample range and calibrated interval; dropped candidates with their rule; the total's intervals.
 */
import type { Bundle } from '../bundle/Bundle';
import type { SourceGeometry, VolumeGeometry } from '../dicom/Volume';
import { calibratedInterval, calibratedIntervalMeaning, calibrationForMode, calibrationLevelMeaning, noCalibrationNote } from '../lesions/calibratedInterval';
import { detectionNote } from '../lesions/detectionByKind';
import { lesionType } from '../lesions/lesionKind';
import { reviewQueue } from '../lesions/reviewQueue';
import type { DroppedCandidate, InferenceReport, ReportLesion } from './InferenceReport';
import type { VolumePrediction } from './predictVolume';

type LesionPart = Pick<InferenceReport, 'reviewQueue' | 'totalVolumeMl' | 'totalVoxelCount' | 'voxelVolumeMl' | 'calibratedIntervalMl' | 'intervalNote' | 'lesionIntervalNote' | 'detectionNote' | 'calibration' | 'sampleRangeMl' | 'sampleMeanVolumeMl' | 'nUncertaintySamples' | 'lesions' | 'droppedCandidates' | 'plausibilityRules'>;

const v3 = (v: readonly number[]): [number, number, number] => [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];

/**
 * `mode`: the mode that made the prediction (the bundle's calibration applies to that mode only).
 * `grid`: the study's grid with its source geometry, so review-queue sizes are measured like lesion volumes.
 */
export function reportLesions(prediction: VolumePrediction, bundle: Pick<Bundle, 'labels' | 'calibration' | 'detection'>, mode: string, grid?: VolumeGeometry & { source?: SourceGeometry }): LesionPart {
  const u = prediction.uncertainty;
  const cal = calibrationForMode(bundle.calibration, mode);
  const byId = new Map(u?.summary.lesions.map((l) => [l.id, l]) ?? []);
  const lesions: ReportLesion[] = prediction.lesions.map((l) => {
    const lu = byId.get(l.id);
    const ci = cal === null ? null : calibratedInterval(l.volumeMl, cal, 'lesion');
    return {
      id: l.id,
      voxelCount: l.voxelCount,
      volumeMl: l.volumeMl,
      calibratedIntervalMl: ci === null ? null : [ci.lowMl, ci.highMl],
      sampleRangeMl: lu === undefined ? null : [lu.interval.p5Ml, lu.interval.p95Ml],
      sampleMeanMl: lu?.interval.meanMl ?? null,
      doubtMl: lu?.doubtMl ?? null,
      meanEntropyBits: lu?.meanEntropyBits ?? null,
      uncertaintyRank: lu?.rank ?? null,
      sharesSampleRangeWith: lu?.sharesRegionWith ?? [],
      meanHu: l.meanHu,
      minHu: l.minHu,
      maxHu: l.maxHu,
      type: lesionType(l.meanHu, bundle.labels.lesionTypes),
      abc2Ml: l.abc2.volumeMl,
      sliceRange: l.sliceRange,
      centroidLps: v3(l.centroidLps),
      centroidIjk: v3(l.centroidIjk),
    };
  });
  const droppedCandidates: DroppedCandidate[] = prediction.dropped.map((d) => ({
    id: d.lesion.id,
    voxelCount: d.lesion.voxelCount,
    volumeMl: d.lesion.volumeMl,
    meanHu: d.lesion.meanHu,
    boneContactFraction: d.boneFraction,
    rule: d.reason.rule,
    value: d.reason.value,
    limit: d.reason.limit,
    reason: d.reason.text,
    sliceRange: d.lesion.sliceRange,
    centroidLps: v3(d.lesion.centroidLps),
    centroidIjk: v3(d.lesion.centroidIjk),
  }));
  const total = cal === null ? null : calibratedInterval(prediction.totalVolumeMl, cal, 'study');
  const totalVoxelCount = prediction.lesions.reduce((s, l) => s + l.voxelCount, 0);
  return {
    totalVolumeMl: prediction.totalVolumeMl,
    totalVoxelCount,
    voxelVolumeMl: prediction.voxelVolumeMl,
    calibratedIntervalMl: total === null ? null : [total.lowMl, total.highMl],
    intervalNote: total === null ? noCalibrationNote(bundle.calibration, mode) : calibratedIntervalMeaning(total),
    lesionIntervalNote: cal === null ? null : calibrationLevelMeaning(cal, 'lesion'),
    detectionNote: detectionNote(bundle.detection, mode),
    calibration: cal === null ? null : { nominalCoverage: cal.nominalCoverage, study: { measuredCoverage: cal.study.measuredCoverage, nTest: cal.study.nTest }, lesion: { measuredCoverage: cal.lesion.measuredCoverage, nTest: cal.lesion.nTest }, mode: cal.mode, profile: cal.profile, nSamples: cal.nSamples },
    sampleRangeMl: u === null ? null : [u.summary.total.p5Ml, u.summary.total.p95Ml],
    sampleMeanVolumeMl: u?.summary.total.meanMl ?? null,
    nUncertaintySamples: u?.summary.nSamples ?? 0,
    lesions,
    droppedCandidates,
    plausibilityRules: prediction.plausibilityRules,
    reviewQueue: reviewQueue({
      dimensions: prediction.dimensions,
      voxelMl: prediction.voxelVolumeMl,
      mask: prediction.mask,
      idMap: prediction.idMap,
      probability: prediction.probability,
      threshold: prediction.threshold,
      agreement: u?.agreement ?? null,
      ...(grid !== undefined ? { grid } : {}),
    }),
  };
}
